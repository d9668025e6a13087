#include "gearspec/protocol/decoder.hpp"

#include <cstring>

#include "find_nul.hpp"
#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/header.hpp"

namespace gearspec::proto {
namespace {

// split_arguments without std::error_code on the hot path (errc{} = success;
// constructing an empty std::error_code calls into the library each time).
errc split_into(command cmd, std::string_view body, packet_view& out,
                std::uint32_t max_argument_size) noexcept {
  const command_info& row = info(cmd);
  out.argc = row.argc;
  out.data = {};
  const std::size_t limit = std::size_t{max_argument_size};
  std::size_t pos = 0;
  for (std::size_t i = 0; i < row.argc; ++i) {
    const std::size_t remaining = body.size() - pos;
    const char* start = body.data() + pos;
    if (i + 1 == row.argc && !row.has_data) {
      // The last argument of a no-data command runs to the end of the body.
      if (remaining > limit) return errc::argument_too_large;
      if (detail::find_nul(start, remaining) != remaining) return errc::too_many_arguments;
      out.args[i] = std::string_view{start, remaining};
      return errc{};
    }
    // Every NUL search stays inside the declared body and the argument limit.
    const std::size_t window = remaining < limit + 1 ? remaining : limit + 1;
    const std::size_t length = detail::find_nul(start, window);
    if (length == window) return remaining > limit ? errc::argument_too_large : errc::missing_terminator;
    out.args[i] = std::string_view{start, length};
    pos += length + 1;
  }
  // Bytes after a 0-argument no-data command are consumed and ignored, as gearmand does.
  if (row.has_data) out.data = body.substr(pos);
  return errc{};
}

}  // namespace

std::error_code split_arguments(command cmd, std::string_view body, packet_view& out,
                                std::uint32_t max_argument_size) noexcept {
  const errc e = split_into(cmd, body, out, max_argument_size);
  return e == errc{} ? std::error_code{} : make_error_code(e);
}

std::size_t decoder::fail(std::error_code& ec, errc e, std::size_t at) noexcept {
  state_ = state::failed;
  error_ = e;
  ec = e;
  return at;
}

errc decoder::check_header(const char* h) noexcept {
  if (std::memcmp(h, request_magic.data(), 4) == 0)
    view_.mag = magic::request;
  else if (std::memcmp(h, response_magic.data(), 4) == 0)
    view_.mag = magic::response;
  else
    return errc::bad_magic;
  const std::uint32_t number = load_be32(h + command_offset);
  if (!is_wire_command(number)) return errc::invalid_command;
  view_.cmd = static_cast<command>(number);
  body_length_ = load_be32(h + body_length_offset);
  if (body_length_ > limits_.max_body_size) return errc::body_too_large;
  return errc{};
}

errc decoder::split_body(std::string_view raw) noexcept {
  view_.raw = raw;
  if (const errc e = split_into(view_.cmd, raw.substr(header_size), view_, limits_.max_argument_size);
      e != errc{})
    return e;
  kind_ = message_kind::packet;
  state_ = state::start;
  return errc{};
}

void decoder::reset() noexcept {
  state_ = state::start;
  kind_ = message_kind::none;
  body_length_ = 0;
  buffer_.clear();
  view_ = {};
  text_ = {};
}

std::size_t decoder::put_text(std::string_view input, std::error_code& ec) {
  // The "\n" search never looks past the longest line still allowed.
  const std::size_t room =
      limits_.max_text_line > buffer_.size() ? limits_.max_text_line - buffer_.size() : 0;
  const std::size_t window = input.size() < room ? input.size() : room;
  const void* nl = window == 0 ? nullptr : std::memchr(input.data(), '\n', window);
  if (nl == nullptr) {
    if (buffer_.size() + input.size() >= limits_.max_text_line)
      return fail(ec, errc::text_line_too_long, window);
    buffer_.append(input);
    state_ = state::text;
    return input.size();
  }
  const auto used = static_cast<std::size_t>(static_cast<const char*>(nl) - input.data()) + 1;
  if (buffer_.size() + used > limits_.max_text_line) return fail(ec, errc::text_line_too_long, used);
  std::string_view line;
  if (buffer_.empty()) {
    line = input.substr(0, used - 1);
  } else {
    buffer_.append(input.data(), used - 1);
    line = buffer_;
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  text_ = line;
  kind_ = message_kind::text;
  state_ = state::start;
  return used;
}

std::size_t decoder::put(std::string_view input, std::error_code& ec) {
  kind_ = message_kind::none;
  if (state_ == state::failed) {
    ec = error_;
    return 0;
  }
  if (state_ == state::start) {
    buffer_.clear();  // the previous message's bytes are released now
    if (input.empty()) return 0;
    if (input[0] != '\0') {
      if (!limits_.accept_text) return fail(ec, errc::bad_magic, 0);
      return put_text(input, ec);
    }
    if (input.size() >= header_size) {
      if (const errc e = check_header(input.data()); e != errc{}) return fail(ec, e, 0);
      const std::size_t total = header_size + std::size_t{body_length_};
      if (input.size() >= total) {  // whole packet in the input: zero copy
        if (const errc e = split_body(input.substr(0, total)); e != errc{}) return fail(ec, e, total);
        return total;
      }
      buffer_.assign(input.data(), input.size());
      state_ = state::body;
      return input.size();
    }
    buffer_.assign(input.data(), input.size());
    state_ = state::header;
    return input.size();
  }
  if (state_ == state::text) return put_text(input, ec);

  std::size_t used = 0;
  if (state_ == state::header) {
    const std::size_t take = std::min(header_size - buffer_.size(), input.size());
    buffer_.append(input.data(), take);
    used = take;
    if (buffer_.size() < header_size) return used;
    if (const errc e = check_header(buffer_.data()); e != errc{}) return fail(ec, e, used);
    state_ = state::body;
  }
  const std::size_t total = header_size + std::size_t{body_length_};
  const std::size_t take = std::min(total - buffer_.size(), input.size() - used);
  buffer_.append(input.data() + used, take);
  used += take;
  if (buffer_.size() == total) {
    if (const errc e = split_body(buffer_); e != errc{}) return fail(ec, e, used);
  }
  return used;
}

std::vector<packet> decode_all(std::string_view bytes, std::error_code& ec, std::size_t* rest,
                               decoder_limits limits) {
  limits.accept_text = false;
  decoder dec{limits};
  std::vector<packet> out;
  ec.clear();
  while (!bytes.empty()) {
    const std::size_t n = dec.put(bytes, ec);
    if (ec) break;
    bytes.remove_prefix(n);
    if (dec.ready()) {
      out.emplace_back(dec.packet());
      dec.next();
    }
  }
  if (rest != nullptr) *rest = ec ? bytes.size() : dec.buffered();
  return out;
}

}  // namespace gearspec::proto
