// Fuzz target: encode/decode round trip.
//
// Input layout: byte 0 selects the mode (bit 0), the rest is mode data.
//   mode 0 (stream): the rest is a byte stream. Every packet that decodes is
//     re-encoded: the encoder must accept it, reproduce its raw bytes (except
//     the ignored trailing bytes of a 0-argument no-data command) and decode
//     back to the same packet; all decoded packets re-encoded as one stream
//     decode to the same list.
//   mode 1 (builder): a packet built from the bytes: magic (1 byte), command
//     number 0..43 (1 byte), argument count (1 byte: high bit set = the
//     table's count, else 0..8), each argument a length-prefixed string, data
//     = the rest. validate() must give exactly the error predicted from the
//     table; encode_to() then either leaves the output untouched or produces
//     bytes that decode to the same packet.
// Input capped at 64 KiB.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gearspec/fuzz/byte_reader.hpp"
#include "gearspec/fuzz/check.hpp"
#include "gearspec/fuzz/libfuzzer_hooks.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/error.hpp"

namespace {

namespace proto = gearspec::proto;
using gearspec::fuzz::byte_reader;

constexpr std::size_t max_input = 64 * 1024;

// Limits that never refuse what the encoder can produce from a capped input.
proto::decoder_limits roundtrip_limits() {
  proto::decoder_limits l;
  l.max_argument_size = 0xFFFFFFFFu;
  l.accept_text = false;
  return l;
}

GEARSPEC_FUZZ_HARNESS std::vector<proto::packet> decode_exactly(std::string_view bytes) {
  std::error_code ec;
  std::size_t rest = 0;
  auto packets = proto::decode_all(bytes, ec, &rest, roundtrip_limits());
  GEARSPEC_FUZZ_CHECK(!ec);
  GEARSPEC_FUZZ_CHECK(rest == 0);
  return packets;
}

GEARSPEC_FUZZ_HARNESS bool same_packet(const proto::packet_view& a, const proto::packet_view& b) {
  if (a.mag != b.mag || a.cmd != b.cmd || a.argc != b.argc || a.data != b.data) return false;
  for (std::size_t i = 0; i < a.argc; ++i)
    if (a.args[i] != b.args[i]) return false;
  return true;
}

// Decode `bytes`, which must be whole packets, comparing each with `expected`
// in order; zero-copy, no allocation (this runs once per packet).
GEARSPEC_FUZZ_HARNESS void expect_decodes_to(std::string_view bytes, const proto::packet_view* expected,
                                             std::size_t count) {
  proto::decoder dec{roundtrip_limits()};
  std::size_t seen = 0;
  while (!bytes.empty()) {
    std::error_code ec;
    const std::size_t n = dec.put(bytes, ec);
    GEARSPEC_FUZZ_CHECK(!ec && dec.ready() && seen < count);
    GEARSPEC_FUZZ_CHECK(same_packet(dec.packet(), expected[seen]));
    ++seen;
    bytes.remove_prefix(n);
    dec.next();
  }
  GEARSPEC_FUZZ_CHECK(seen == count);
}

GEARSPEC_FUZZ_HARNESS void stream_mode(std::string_view stream) {
  static std::vector<proto::packet_view> decoded;  // views into `stream`; reused capacity
  static std::string bytes, all_encoded;
  decoded.clear();
  all_encoded.clear();
  proto::decoder dec{roundtrip_limits()};
  while (!stream.empty()) {
    std::error_code ec;
    const std::size_t n = dec.put(stream, ec);
    if (ec || !dec.ready()) break;
    const proto::packet_view view = dec.packet();  // whole in `stream`: views stay valid
    bytes.clear();
    GEARSPEC_FUZZ_CHECK(!proto::encode_to(bytes, view.mag, view.cmd, view.args.data(), view.argc, view.data));
    const proto::command_info& row = proto::info(view.cmd);
    if (row.argc > 0 || row.has_data) {
      GEARSPEC_FUZZ_CHECK(bytes == view.raw);
    } else {  // a 0-argument no-data command: trailing body bytes are ignored, not re-encoded
      GEARSPEC_FUZZ_CHECK(bytes.size() == proto::header_size &&
                          bytes.compare(0, 8, view.raw.substr(0, 8)) == 0);
    }
    expect_decodes_to(bytes, &view, 1);
    all_encoded += bytes;
    decoded.push_back(view);
    stream.remove_prefix(n);
    dec.next();
  }
  expect_decodes_to(all_encoded, decoded.data(), decoded.size());
}

// The encoder's verdict derived from the table alone (WIRE.md 1, encoder.hpp).
GEARSPEC_FUZZ_HARNESS std::error_code predicted_error(std::uint32_t number,
                                                      const std::vector<std::string>& args,
                                                      std::string_view data) {
  if (!proto::is_wire_command(number)) return proto::errc::unencodable_command;
  const proto::command_info& row = proto::info(static_cast<proto::command>(number));
  if (args.size() != row.argc) return proto::errc::wrong_argument_count;
  if (!row.has_data && !data.empty()) return proto::errc::data_not_allowed;
  for (const auto& a : args)
    if (a.find('\0') != std::string::npos) return proto::errc::nul_in_argument;
  return {};  // bodies from a capped input are far below 2^32-1
}

GEARSPEC_FUZZ_HARNESS void builder_mode(byte_reader in) {
  const auto m = (in.byte() & 1) ? proto::magic::response : proto::magic::request;
  const std::uint32_t number = in.below(proto::command_count);
  const std::uint8_t count_byte = in.byte();
  std::size_t argc = count_byte % (proto::max_arguments + 1);
  if ((count_byte & 0x80) && number < proto::command_count) argc = proto::commands()[number].argc;
  std::vector<std::string> args;
  for (std::size_t i = 0; i < argc; ++i) args.emplace_back(in.short_string());
  const std::string data{in.rest()};

  std::array<std::string_view, proto::max_arguments> views{};
  for (std::size_t i = 0; i < argc; ++i) views[i] = args[i];
  const auto cmd = static_cast<proto::command>(number);
  const std::error_code expected = predicted_error(number, args, data);
  GEARSPEC_FUZZ_CHECK(proto::validate(cmd, views.data(), argc, data) == expected);

  const std::string sentinel = "untouched";
  std::string out = sentinel;
  const std::error_code ec = proto::encode_to(out, m, cmd, views.data(), argc, data);
  GEARSPEC_FUZZ_CHECK(ec == expected);
  if (ec) {
    GEARSPEC_FUZZ_CHECK(out == sentinel);
    if (argc <= proto::max_arguments) {  // the throwing API reports the same error
      try {
        (void)proto::encode(proto::packet(m, cmd, args, data));
        GEARSPEC_FUZZ_CHECK(!"encode() accepted what encode_to() refused");
      } catch (const std::system_error& e) {
        GEARSPEC_FUZZ_CHECK(e.code() == expected);
      }
    }
    return;
  }
  const std::string_view bytes = std::string_view{out}.substr(sentinel.size());
  // The owning-packet API encodes the same bytes.
  const proto::packet owned(m, cmd, args, data);
  GEARSPEC_FUZZ_CHECK(proto::encode(owned) == bytes);
  GEARSPEC_FUZZ_CHECK(bytes.size() == proto::header_size + proto::body_size(cmd, views.data(), argc, data));
  const auto decoded = decode_exactly(bytes);
  GEARSPEC_FUZZ_CHECK(decoded.size() == 1);
  GEARSPEC_FUZZ_CHECK(decoded[0] == owned);
}

}  // namespace

GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(1)

extern "C" GEARSPEC_FUZZ_HARNESS int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_reader in{data, std::min(size, max_input)};
  if ((in.byte() & 1) == 0)
    stream_mode(in.rest());
  else
    builder_mode(in);
  return 0;
}
