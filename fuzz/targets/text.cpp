// Fuzz target: the codec's text helpers — hex and base64 (used by scenario
// files, journals and the adapter protocol), return-code names, command
// names and the submit-command mapping, magic_fits, escape_bytes/to_string,
// and the error category's messages.
//
// Input layout: byte 0 selects the mode (value % 5), the rest is mode data.
//   0 hex:     to_hex/from_hex round trip; from_hex of any text either fails
//              with illegal_byte_sequence or equals the text's digits read as bytes.
//   1 base64:  encode/decode round trip; decode of any text either fails with
//              illegal_byte_sequence or gives bytes that survive encode+decode.
//   2 names:   return-code and command name lookups agree with the tables
//              (case-insensitive); numbers from 2 bytes, negative ones too.
//   3 escape:  escape_bytes is printable ASCII, quoted, and unescapes back.
//   4 commands: bytes 1-2 pick a command and magic: the submit mapping, the
//              magic/direction rule and to_string agree with the table; each
//              protocol error value has a message.
// Input capped at 16 KiB.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gearspec/fuzz/byte_reader.hpp"
#include "gearspec/fuzz/check.hpp"
#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/packet.hpp"
#include "gearspec/protocol/return_code.hpp"
#include "gearspec/util/encoding.hpp"
#include "gearspec/util/escape.hpp"

namespace {

namespace proto = gearspec::proto;
using gearspec::fuzz::byte_reader;

constexpr std::size_t max_input = 16 * 1024;

GEARSPEC_FUZZ_HARNESS bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// hex and base64: the same round trips, each decoder's own bound on what any
// text decodes to.
GEARSPEC_FUZZ_HARNESS void encoding_mode(byte_reader in, bool hex) {
  namespace util = gearspec::util;
  const auto encode = hex ? util::to_hex : util::base64_encode;
  const auto decode = hex ? util::from_hex : util::base64_decode;
  const std::string_view bytes = in.rest();
  const std::string text = encode(bytes);
  GEARSPEC_FUZZ_CHECK(text.size() == (hex ? 2 * bytes.size() : (bytes.size() + 2) / 3 * 4));
  std::string back;
  GEARSPEC_FUZZ_CHECK(!decode(text, back) && back == bytes);

  std::string decoded;
  const std::error_code ec = decode(bytes, decoded);
  if (ec) {
    GEARSPEC_FUZZ_CHECK(ec == std::errc::illegal_byte_sequence);
    return;
  }
  std::string again;
  GEARSPEC_FUZZ_CHECK(!decode(encode(decoded), again) && again == decoded);
  if (!hex) {
    GEARSPEC_FUZZ_CHECK(decoded.size() <= bytes.size() * 3 / 4);
    return;
  }
  // The digits of the text, lower-cased, are the hex of what it decoded to.
  std::string digits;
  for (char c : bytes)
    if (std::isxdigit(static_cast<unsigned char>(c)))
      digits += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  GEARSPEC_FUZZ_CHECK(util::to_hex(decoded) == digits);
}

GEARSPEC_FUZZ_HARNESS void hex_mode(byte_reader in) { encoding_mode(in, true); }
GEARSPEC_FUZZ_HARNESS void base64_mode(byte_reader in) { encoding_mode(in, false); }

GEARSPEC_FUZZ_HARNESS void names_mode(byte_reader in) {
  const auto value = static_cast<std::int16_t>(in.u16());
  const std::string_view name = proto::return_code_name(value);
  const std::string_view identifier = proto::return_code_identifier(value);
  GEARSPEC_FUZZ_CHECK(identifier.substr(0, 8) == "GEARMAN_" && identifier.substr(8) == name);
  const bool in_range = value >= 0 && value < static_cast<int>(proto::return_code::max_return);
  if (in_range)
    GEARSPEC_FUZZ_CHECK(proto::return_code_from_name(name) == static_cast<proto::return_code>(value));
  else
    GEARSPEC_FUZZ_CHECK(name == "MAX_RETURN");

  const std::string_view text = in.rest();
  if (const auto rc = proto::return_code_from_name(text)) {
    GEARSPEC_FUZZ_CHECK(iequals(proto::return_code_name(*rc), text));
    GEARSPEC_FUZZ_CHECK(proto::map_server_error_code(text) == *rc);
  } else {
    GEARSPEC_FUZZ_CHECK(proto::map_server_error_code(text) == proto::return_code::server_error);
  }
  if (const auto cmd = proto::command_from_name(text)) GEARSPEC_FUZZ_CHECK(iequals(proto::name(*cmd), text));
}

// escape_bytes' format read back: its quotes, then util::unescape.
GEARSPEC_FUZZ_HARNESS bool unescape(std::string_view quoted, std::string& out) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return false;
  std::string error;
  return gearspec::util::unescape(quoted.substr(1, quoted.size() - 2), out, error);
}

GEARSPEC_FUZZ_HARNESS void escape_mode(byte_reader in) {
  const std::string_view bytes = in.rest();
  const std::string quoted = proto::escape_bytes(bytes);
  for (char c : quoted) GEARSPEC_FUZZ_CHECK(c >= 0x20 && c < 0x7f);
  std::string back;
  GEARSPEC_FUZZ_CHECK(unescape(quoted, back) && back == bytes);
}

GEARSPEC_FUZZ_HARNESS void commands_mode(byte_reader in) {
  const auto cmd = static_cast<proto::command>(in.below(proto::command_count));
  const auto m = (in.byte() & 1) ? proto::magic::response : proto::magic::request;
  const proto::command_info& row = proto::info(cmd);
  GEARSPEC_FUZZ_CHECK(row.cmd == cmd && proto::name(cmd) == row.name);
  GEARSPEC_FUZZ_CHECK(proto::command_from_name(row.name) == cmd);
  const bool fits = (row.dir == proto::direction::both) ||
                    (row.dir == proto::direction::request && m == proto::magic::request) ||
                    (row.dir == proto::direction::response && m == proto::magic::response);
  GEARSPEC_FUZZ_CHECK(proto::magic_fits(cmd, m) == fits);

  const auto p = static_cast<proto::priority>(in.below(3));
  const bool background = (in.byte() & 1) != 0;
  const proto::command submit = proto::submit_command(p, background);
  GEARSPEC_FUZZ_CHECK(proto::is_submit(submit) && proto::is_background_submit(submit) == background);
  GEARSPEC_FUZZ_CHECK(proto::submit_priority(submit) == p && !proto::name(p).empty());

  // A packet with arguments and data from the rest: its description names it.
  std::vector<std::string> args(row.argc, std::string{in.short_string()});
  const proto::packet pkt{m, cmd, args, row.has_data ? std::string{in.rest()} : std::string{}};
  const std::string text = proto::to_string(pkt);
  GEARSPEC_FUZZ_CHECK(text.find(row.name) != std::string::npos);

  const auto e =
      static_cast<proto::errc>(1 + in.below(static_cast<std::size_t>(proto::errc::invalid_number)));
  const std::error_code ec = e;
  GEARSPEC_FUZZ_CHECK(!ec.message().empty() && ec.category() == proto::protocol_category());
  GEARSPEC_FUZZ_CHECK(std::string_view{ec.category().name()} == "gearspec.protocol");
  const std::error_code unknown{static_cast<int>(in.u16()) + 100, proto::protocol_category()};
  GEARSPEC_FUZZ_CHECK(!unknown.message().empty());
}

}  // namespace

extern "C" GEARSPEC_FUZZ_HARNESS int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_reader in{data, std::min(size, max_input)};
  constexpr void (*modes[])(byte_reader) = {hex_mode, base64_mode, names_mode, escape_mode, commands_mode};
  const std::size_t mode = in.byte() % std::size(modes);
  modes[mode](in);
  return 0;
}
