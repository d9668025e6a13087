#include "gearspec/protocol/encoder.hpp"

#include <cstring>
#include <system_error>

#include "find_nul.hpp"
#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/header.hpp"

namespace gearspec::proto {

void write_header(char* out12, magic m, std::uint32_t cmd_number, std::uint32_t body_length) noexcept {
  std::memcpy(out12, magic_bytes(m).data(), 4);
  store_be32(out12 + command_offset, cmd_number);
  store_be32(out12 + body_length_offset, body_length);
}

void append_raw_header(std::string& out, std::string_view magic4, std::uint32_t cmd_number,
                       std::uint32_t body_length) {
  char h[header_size];
  write_header(h, magic::request, cmd_number, body_length);
  std::memset(h, 0, 4);
  std::memcpy(h, magic4.data(), magic4.size() < 4 ? magic4.size() : 4);
  out.append(h, header_size);
}

std::uint64_t body_size(command cmd, const std::string_view* args, std::size_t argc,
                        std::string_view data) noexcept {
  std::uint64_t n = data.size();
  for (std::size_t i = 0; i < argc; ++i) n += args[i].size();
  // Every argument is terminated, except the last one of a no-data command.
  const bool has_data = static_cast<std::uint32_t>(cmd) < command_count && info(cmd).has_data;
  if (argc > 0) n += has_data ? argc : argc - 1;
  return n;
}

namespace {

// validate() without std::error_code (errc{} = encodable), for the hot path.
errc check(command cmd, const std::string_view* args, std::size_t argc, std::string_view data) noexcept {
  if (!is_wire_command(static_cast<std::uint32_t>(cmd))) return errc::unencodable_command;
  const command_info& row = info(cmd);
  if (argc != row.argc) return errc::wrong_argument_count;
  if (!row.has_data && !data.empty()) return errc::data_not_allowed;
  // The size is checked before any byte is read: refusing a 4 GiB argument
  // must not scan it.
  if (body_size(cmd, args, argc, data) > max_encodable_body) return errc::body_too_large;
  // The unterminated last argument of a no-data command may not contain a
  // NUL either: a decoder would read it as an extra argument.
  for (std::size_t i = 0; i < argc; ++i)
    if (detail::find_nul(args[i].data(), args[i].size()) != args[i].size()) return errc::nul_in_argument;
  return errc{};
}

}  // namespace

std::error_code validate(command cmd, const std::string_view* args, std::size_t argc,
                         std::string_view data) noexcept {
  const errc e = check(cmd, args, argc, data);
  return e == errc{} ? std::error_code{} : make_error_code(e);
}

namespace {

// Writes a checked packet of `body` bytes (body_size) at `out`: the one
// place that lays out WIRE.md 1.2, for encode_into and encode_to alike.
void write_packet(char* out, magic m, command cmd, const std::string_view* args, std::size_t argc,
                  std::string_view data, std::uint32_t body) noexcept {
  const bool has_data = info(cmd).has_data;
  write_header(out, m, static_cast<std::uint32_t>(cmd), body);
  char* p = out + header_size;
  for (std::size_t i = 0; i < argc; ++i) {
    if (!args[i].empty()) std::memcpy(p, args[i].data(), args[i].size());
    p += args[i].size();
    if (has_data || i + 1 < argc) *p++ = '\0';
  }
  if (!data.empty()) std::memcpy(p, data.data(), data.size());
}

}  // namespace

// Used by the reference client's session (src/client), which grows its own
// output buffer with realloc.
std::error_code encode_into(char* out, magic m, command cmd, const std::string_view* args, std::size_t argc,
                            std::string_view data) noexcept {
  if (const errc e = check(cmd, args, argc, data); e != errc{}) return e;
  write_packet(out, m, cmd, args, argc, data, static_cast<std::uint32_t>(body_size(cmd, args, argc, data)));
  return {};
}

std::error_code encode_to(std::string& out, magic m, command cmd, const std::string_view* args,
                          std::size_t argc, std::string_view data) {
  if (const errc e = check(cmd, args, argc, data); e != errc{}) return e;
  const auto body = static_cast<std::uint32_t>(body_size(cmd, args, argc, data));
  const std::size_t start = out.size();
  out.resize(start + header_size + body);
  write_packet(out.data() + start, m, cmd, args, argc, data, body);
  return {};
}

std::error_code encode_to(std::string& out, const packet& p) {
  std::string_view views[max_arguments + 1];
  if (p.args.size() > max_arguments) return errc::wrong_argument_count;
  for (std::size_t i = 0; i < p.args.size(); ++i) views[i] = p.args[i];
  return encode_to(out, p.mag, p.cmd, views, p.args.size(), p.data);
}

std::string encode(const packet& p) {
  std::string out;
  if (auto ec = encode_to(out, p)) throw std::system_error(ec, to_string(p));
  return out;
}

std::string encode(magic m, command cmd, std::initializer_list<std::string_view> args,
                   std::string_view data) {
  std::string out;
  if (auto ec = encode_to(out, m, cmd, args, data))
    throw std::system_error(ec, std::string{"encode "} + std::string{name(cmd)});
  return out;
}

}  // namespace gearspec::proto
