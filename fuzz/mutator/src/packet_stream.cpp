#include "gearspec/fuzz/packet_stream.hpp"

#include <system_error>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::fuzz {

namespace proto = gearspec::proto;

std::vector<std::string> split_stream(std::string_view bytes) {
  // Limits wide enough that only the framing matters: sizes are trusted up to
  // the input's own length, any argument length is fine.
  proto::decoder_limits limits;
  limits.max_body_size = static_cast<std::uint32_t>(bytes.size() < 0xFFFFFFFEu ? bytes.size() : 0xFFFFFFFEu);
  limits.max_argument_size = 0xFFFFFFFFu;
  limits.max_text_line = static_cast<std::uint32_t>(bytes.size() + 1 < 0xFFFFFFFEu ? bytes.size() + 1 : 0xFFFFFFFEu);
  proto::decoder dec{limits};
  std::vector<std::string> frames;
  while (!bytes.empty()) {
    std::error_code ec;
    const std::size_t used = dec.put(bytes, ec);
    if (ec && used == 0) break;  // unframeable header: the rest is one opaque frame
    frames.emplace_back(bytes.substr(0, used));
    bytes.remove_prefix(used);
    if (ec) dec.reset();  // body-level fault: the size field still framed it
    if (!ec && !dec.ready()) break;  // partial message: consumed everything
    dec.next();
  }
  if (!bytes.empty()) frames.emplace_back(bytes);
  return frames;
}

std::string join_frames(const std::vector<std::string>& frames) {
  std::size_t total = 0;
  for (const auto& f : frames) total += f.size();
  std::string out;
  out.reserve(total);
  for (const auto& f : frames) out += f;
  return out;
}

namespace {

std::uint32_t load_be32(std::string_view p) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p.data());
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) | u[3];
}

void store_be32(char* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
}

}  // namespace

std::optional<raw_header> read_header(std::string_view frame) {
  if (frame.size() < proto::header_size || frame[0] != '\0') return std::nullopt;
  return raw_header{frame.substr(0, 4), load_be32(frame.substr(4, 4)), load_be32(frame.substr(8, 4))};
}

void set_body_length(std::string& frame, std::uint32_t body_length) {
  if (frame.size() >= proto::header_size) store_be32(frame.data() + 8, body_length);
}

void set_command(std::string& frame, std::uint32_t command) {
  if (frame.size() >= proto::header_size) store_be32(frame.data() + 4, command);
}

}  // namespace gearspec::fuzz
