#include "gearspec/fuzz/packet_stream.hpp"

#include <system_error>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/header.hpp"

namespace gearspec::fuzz {

namespace proto = gearspec::proto;

std::vector<std::string> split_stream(std::string_view bytes) {
  // Limits wide enough that only the framing matters: sizes are trusted up to
  // the input's own length, any argument length is fine.
  proto::decoder_limits limits;
  limits.max_body_size = static_cast<std::uint32_t>(bytes.size() < 0xFFFFFFFEu ? bytes.size() : 0xFFFFFFFEu);
  limits.max_argument_size = 0xFFFFFFFFu;
  limits.max_text_line =
      static_cast<std::uint32_t>(bytes.size() + 1 < 0xFFFFFFFEu ? bytes.size() + 1 : 0xFFFFFFFEu);
  proto::decoder dec{limits};
  std::vector<std::string> frames;
  while (!bytes.empty()) {
    std::error_code ec;
    const std::size_t used = dec.put(bytes, ec);
    if (ec && used == 0) break;  // unframeable header: the rest is one opaque frame
    frames.emplace_back(bytes.substr(0, used));
    bytes.remove_prefix(used);
    if (ec) dec.reset();             // body-level fault: the size field still framed it
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

std::optional<proto::raw_header> read_header(std::string_view frame) {
  if (frame.empty() || frame[0] != '\0') return std::nullopt;
  return proto::read_raw_header(frame);
}

void set_body_length(std::string& frame, std::uint32_t body_length) {
  if (frame.size() >= proto::header_size)
    proto::store_be32(frame.data() + proto::body_length_offset, body_length);
}

void set_command(std::string& frame, std::uint32_t command) {
  if (frame.size() >= proto::header_size) proto::store_be32(frame.data() + proto::command_offset, command);
}

}  // namespace gearspec::fuzz
