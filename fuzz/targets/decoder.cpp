// Fuzz target: the incremental decoder fed in fuzzer-chosen chunkings.
//
// Input layout (4 option bytes, then the stream):
//   byte 0  limits: bits 0-1 max_body_size  {64 MiB, 0, 16, 4096}
//                   bits 2-3 max_argument_size {8192, 0, 8, 64}
//                   bits 4-5 max_text_line {8192, 1, 16, 256}
//                   bit 6    accept_text off (a client's view of a server)
//   byte 1  chunking: 0 one byte at a time, 1 fixed size (byte 2)+1,
//           2 pseudo-random sizes 1..64 seeded by bytes 2-3, 3 a single split
//           at offset (bytes 2-3) modulo the stream length
//   bytes 2-3  chunking parameter
// The stream is capped at 64 KiB.
//
// Invariants: the chunked decoder yields exactly the messages (kind, magic,
// command, arguments, data, text) and the error of a decoder given the whole
// buffer at once; every packet matches its command's table row and its own
// raw bytes; every text line is within the limit and newline-free; without
// text, decode_all agrees and reports the trailing partial bytes.
#include "gearspec/protocol/decoder.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "gearspec/fuzz/byte_reader.hpp"
#include "gearspec/fuzz/check.hpp"
#include "gearspec/fuzz/chunker.hpp"
#include "gearspec/fuzz/libfuzzer_hooks.hpp"

namespace {

namespace proto = gearspec::proto;
using gearspec::fuzz::byte_reader;
using gearspec::fuzz::chunker;

constexpr std::size_t option_bytes = 4;
constexpr std::size_t max_stream = 64 * 1024;

// What a decoder produced, serialised into one reusable string so the
// comparison costs no allocation per message (the target must stay within 2x
// of a trivial header parser's speed).
struct outcome {
  std::string log;  // per message: kind, magic, command, argc, then each part as length + bytes
  std::size_t messages = 0;
  std::size_t packet_bytes = 0;  // raw sizes of all packets, headers included
  std::error_code error;
  std::size_t consumed = 0;
  bool at_boundary = true;

  void clear() {
    log.clear();
    messages = packet_bytes = consumed = 0;
    error.clear();
    at_boundary = true;
  }
};

GEARSPEC_FUZZ_HARNESS void append_part(std::string& log, std::string_view part) {
  const auto n = static_cast<std::uint32_t>(part.size());
  log.append(reinterpret_cast<const char*>(&n), sizeof n);
  log.append(part);
}

GEARSPEC_FUZZ_HARNESS void append_packet(std::string& log, proto::magic m, proto::command c, std::size_t argc,
                                         const std::string_view* args, std::string_view data) {
  log += 'P';
  log += static_cast<char>(m);
  log += static_cast<char>(c);
  log += static_cast<char>(argc);
  for (std::size_t i = 0; i < argc; ++i) append_part(log, args[i]);
  append_part(log, data);
}

GEARSPEC_FUZZ_HARNESS proto::decoder_limits limits_from(std::uint8_t b) {
  proto::decoder_limits l;  // the defaults, then choices 1-3 of each
  const std::uint32_t body[] = {l.max_body_size, 0, 16, 4096};
  const std::uint32_t arg[] = {l.max_argument_size, 0, 8, 64};
  const std::uint32_t line[] = {l.max_text_line, 1, 16, 256};
  l.max_body_size = body[b & 3];
  l.max_argument_size = arg[(b >> 2) & 3];
  l.max_text_line = line[(b >> 4) & 3];
  l.accept_text = (b & 0x40) == 0;
  return l;
}

// Structural checks on one message, whatever the chunking.
GEARSPEC_FUZZ_HARNESS void check_message(const proto::decoder& dec) {
  const auto& limits = dec.limits();
  if (dec.kind() == proto::message_kind::text) {
    GEARSPEC_FUZZ_CHECK(limits.accept_text);
    GEARSPEC_FUZZ_CHECK(dec.text().find('\n') == std::string_view::npos);
    GEARSPEC_FUZZ_CHECK(dec.text().size() < limits.max_text_line);
    return;
  }
  const proto::packet_view& p = dec.packet();
  GEARSPEC_FUZZ_CHECK(proto::is_wire_command(static_cast<std::uint32_t>(p.cmd)));
  const proto::command_info& row = proto::info(p.cmd);
  GEARSPEC_FUZZ_CHECK(p.argc == row.argc);
  GEARSPEC_FUZZ_CHECK(p.raw.size() >= proto::header_size);
  GEARSPEC_FUZZ_CHECK(p.raw.size() - proto::header_size <= limits.max_body_size);
  GEARSPEC_FUZZ_CHECK(p.raw.substr(0, 4) == proto::magic_bytes(p.mag));
  const char* body_end = p.raw.data() + p.raw.size();
  for (std::size_t i = 0; i < p.argc; ++i) {
    GEARSPEC_FUZZ_CHECK(p.args[i].size() <= limits.max_argument_size);
    GEARSPEC_FUZZ_CHECK(p.args[i].find('\0') == std::string_view::npos);
    GEARSPEC_FUZZ_CHECK(p.args[i].data() >= p.raw.data() + proto::header_size || p.args[i].empty());
    GEARSPEC_FUZZ_CHECK(p.args[i].data() + p.args[i].size() <= body_end);
  }
  if (row.has_data)
    GEARSPEC_FUZZ_CHECK(p.data.data() + p.data.size() == body_end);
  else
    GEARSPEC_FUZZ_CHECK(p.data.empty());
}

GEARSPEC_FUZZ_HARNESS void record(proto::decoder& dec, outcome& out) {
  check_message(dec);
  ++out.messages;
  if (dec.kind() == proto::message_kind::packet) {
    const proto::packet_view& p = dec.packet();
    append_packet(out.log, p.mag, p.cmd, p.argc, p.args.data(), p.data);
    out.packet_bytes += p.raw.size();
  } else {
    out.log += 'T';
    append_part(out.log, dec.text());
  }
  dec.next();
}

// Feed one chunk; returns false once the decoder has failed.
GEARSPEC_FUZZ_HARNESS bool feed(proto::decoder& dec, std::string_view chunk, outcome& out) {
  while (!chunk.empty()) {
    std::error_code ec;
    const std::size_t n = dec.put(chunk, ec);
    GEARSPEC_FUZZ_CHECK(n <= chunk.size());
    out.consumed += n;
    if (ec) {
      GEARSPEC_FUZZ_CHECK(dec.failed() && !dec.ready());
      out.error = ec;
      // Sticky: a second call repeats the error and consumes nothing.
      std::error_code again;
      GEARSPEC_FUZZ_CHECK(dec.put(chunk.substr(n), again) == 0 && again == ec);
      return false;
    }
    chunk.remove_prefix(n);
    if (dec.ready())
      record(dec, out);
    else
      GEARSPEC_FUZZ_CHECK(chunk.empty());  // no message: everything was taken
  }
  return true;
}

}  // namespace

GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(option_bytes)

extern "C" GEARSPEC_FUZZ_HARNESS int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_reader options{data, std::min(size, option_bytes)};
  const std::string_view stream{reinterpret_cast<const char*>(data) + std::min(size, option_bytes),
                                std::min(size - std::min(size, option_bytes), max_stream)};
  const std::uint8_t limits_byte = options.byte();
  const proto::decoder_limits limits = limits_from(limits_byte);
  static outcome whole, chunked;  // reused: their strings keep their capacity
  whole.clear();
  chunked.clear();

  proto::decoder whole_dec{limits};
  feed(whole_dec, stream, whole);
  whole.at_boundary = whole_dec.at_boundary();

  proto::decoder chunked_dec{limits};
  const std::uint8_t chunk_mode = options.byte();
  chunker chunks{chunk_mode, options.u16(), stream.size()};
  for (std::size_t offset = 0, n = chunks.next(); n > 0; offset += n, n = chunks.next())
    if (!feed(chunked_dec, stream.substr(offset, n), chunked)) break;
  chunked.at_boundary = chunked_dec.at_boundary();

  GEARSPEC_FUZZ_CHECK(whole.messages == chunked.messages);
  GEARSPEC_FUZZ_CHECK(whole.log == chunked.log);
  GEARSPEC_FUZZ_CHECK(whole.error == chunked.error);
  GEARSPEC_FUZZ_CHECK(whole.at_boundary == chunked.at_boundary);
  if (!whole.error) GEARSPEC_FUZZ_CHECK(whole.consumed == stream.size() && chunked.consumed == stream.size());

  // Bit 7: also compare with decode_all (binary only), which owns its packets.
  if (!limits.accept_text && (limits_byte & 0x80)) {
    std::error_code ec;
    std::size_t rest = 0;
    const std::vector<proto::packet> all = proto::decode_all(stream, ec, &rest, limits);
    GEARSPEC_FUZZ_CHECK(ec == whole.error);
    GEARSPEC_FUZZ_CHECK(all.size() == whole.messages);
    static std::string log;
    log.clear();
    for (const auto& p : all) {
      std::string_view args[proto::max_arguments];
      for (std::size_t i = 0; i < p.args.size() && i < proto::max_arguments; ++i) args[i] = p.args[i];
      append_packet(log, p.mag, p.cmd, p.args.size(), args, p.data);
    }
    GEARSPEC_FUZZ_CHECK(log == whole.log);
    // Without an error, what is left is exactly the trailing partial packet.
    if (!ec) GEARSPEC_FUZZ_CHECK(rest == stream.size() - whole.packet_bytes);
  }
  return 0;
}
