// Fuzz target: gearmock's sans-I/O queue engine fed arbitrary client bytes on
// several connections.
//
// Input layout:
//   byte 0      L: length of the option section that follows (bytes 1..L)
//   option section (missing bytes read as 0):
//     byte      bits 0-1 connections - 1 (1..4); bits 2-3 max_queued_jobs
//               {unlimited, 1, 3, 16}; bits 4-5 limits {default, packet 64,
//               packet 4096, argument 16}
//     2 bytes   chunking (mode, parameter), as the decoder target
//     byte      a frame index at which the connection that frame goes to is
//               disconnected and replaced by a new one (0xff: never)
//     rest      routing: frame i goes to connection routing[i % size] % count
//   bytes 1+L.. the clients' bytes, cut into frames (whole packets and text
//               lines, as the structure-aware mutator sees them)
//
// Invariants: nothing throws; stats add up (jobs == queued + running,
// jobs <= jobs_created, the configured queue limit holds, connections counted
// right); every byte the engine queues for a client is a stream of response
// packets ("\0RES", a response or relayed command) and admin text lines;
// a connection flagged for closing has a reason; after every connection is
// gone no job is running.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gearspec/fuzz/byte_reader.hpp"
#include "gearspec/fuzz/check.hpp"
#include "gearspec/fuzz/chunker.hpp"
#include "gearspec/fuzz/libfuzzer_hooks.hpp"
#include "gearspec/fuzz/packet_stream.hpp"
#include "gearspec/fuzz/sectioned_input.hpp"
#include "gearspec/mock/queue_engine.hpp"
#include "gearspec/protocol/decoder.hpp"

namespace {

namespace proto = gearspec::proto;
namespace mock = gearspec::mock;
using gearspec::fuzz::byte_reader;

constexpr std::size_t max_client_bytes = 64 * 1024;
constexpr std::size_t max_reconnects = 64;

GEARSPEC_FUZZ_HARNESS mock::engine_options options_from(std::uint8_t flags) {
  static constexpr std::size_t queue_limits[] = {0, 1, 3, 16};
  mock::engine_options o;
  o.max_queued_jobs = queue_limits[(flags >> 2) & 3];
  const unsigned limits = (flags >> 4) & 3;  // {default, packet 64, packet 4096, argument 16}
  if (limits == 1 || limits == 2) o.max_packet_size = limits == 1 ? 64 : 4096;
  if (limits == 3) o.max_argument_size = 16;
  o.pid = 4242;  // deterministic admin replies
  return o;
}

// What the engine sends a client: response packets and admin text.
GEARSPEC_FUZZ_HARNESS void check_output(std::string_view out) {
  proto::decoder_limits l;
  l.max_body_size = 0xFFFFFFFEu;
  l.max_argument_size = 0xFFFFFFFFu;
  l.max_text_line = 0xFFFFFFFEu;
  proto::decoder dec{l};
  while (!out.empty()) {
    std::error_code ec;
    const std::size_t n = dec.put(out, ec);
    GEARSPEC_FUZZ_CHECK(!ec);
    GEARSPEC_FUZZ_CHECK(dec.ready());  // the engine queues whole messages only
    if (dec.kind() == proto::message_kind::packet) {
      const proto::packet_view& p = dec.packet();
      GEARSPEC_FUZZ_CHECK(p.mag == proto::magic::response && proto::magic_fits(p.cmd, p.mag));
    }
    out.remove_prefix(n);
    dec.next();
  }
}

GEARSPEC_FUZZ_HARNESS void check_stats(const mock::queue_engine& e, const mock::engine_options& o,
                                       std::size_t connected) {
  const mock::engine_stats s = e.stats();
  GEARSPEC_FUZZ_CHECK(s.jobs == s.queued + s.running);
  GEARSPEC_FUZZ_CHECK(s.jobs <= s.jobs_created);
  GEARSPEC_FUZZ_CHECK(s.connections == connected);
  if (o.max_queued_jobs != 0) GEARSPEC_FUZZ_CHECK(s.jobs <= o.max_queued_jobs);
}

struct harness {
  mock::queue_engine& engine;
  const mock::engine_options& opts;
  std::vector<mock::queue_engine::connection_id> conns;
  std::size_t reconnects = 0;

  GEARSPEC_FUZZ_HARNESS void replace(std::size_t slot) {
    engine.disconnect(conns[slot]);
    conns[slot] = engine.connect("127.0.0." + std::to_string(slot + 1));
    ++reconnects;
  }

  // The I/O layer's loop: write out (check) what is ready, close what must be.
  GEARSPEC_FUZZ_HARNESS void pump() {
    for (auto id : engine.take_ready()) {
      const auto it = std::find(conns.begin(), conns.end(), id);
      GEARSPEC_FUZZ_CHECK(it != conns.end());  // only live connections are reported
      std::string& out = engine.output(id);
      check_output(out);
      out.clear();
      const bool closing = engine.should_close(id);
      GEARSPEC_FUZZ_CHECK(closing == !engine.close_reason(id).empty());
      if (closing && reconnects < max_reconnects) replace(static_cast<std::size_t>(it - conns.begin()));
    }
    check_stats(engine, opts, conns.size());
  }
};

}  // namespace

GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(gearspec::fuzz::option_section_size(data, size))

extern "C" GEARSPEC_FUZZ_HARNESS int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [options, bytes] = gearspec::fuzz::split_sections(data, size, max_client_bytes);
  const std::uint8_t flags = options.byte();
  const std::size_t count = 1 + (flags & 3);
  const mock::engine_options opts = options_from(flags);
  const std::uint8_t chunk_mode = options.byte() & 3;
  const std::uint16_t chunk_param = options.u16();
  const std::size_t replace_at = options.byte();
  std::string_view routing = options.rest();
  if (routing.empty()) routing = std::string_view{"\0", 1};

  mock::queue_engine engine{opts};
  harness h{engine, opts, {}};
  for (std::size_t i = 0; i < count; ++i)
    h.conns.push_back(engine.connect("127.0.0." + std::to_string(i + 1)));

  const std::vector<std::string> frames = gearspec::fuzz::split_stream(bytes);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const std::size_t slot = static_cast<unsigned char>(routing[i % routing.size()]) % count;
    if (i == replace_at) h.replace(slot);
    std::string_view frame = frames[i];
    gearspec::fuzz::chunker chunks{chunk_mode, chunk_param, frame.size()};  // as a socket would deliver it
    for (std::size_t step = chunks.next(); step > 0; step = chunks.next()) {
      engine.receive(h.conns[slot], frame.substr(0, step));
      frame.remove_prefix(step);
    }
    h.pump();  // once per frame: the engine must also cope with replies piling up
  }
  // Every client goes away: running jobs go back to the queue.
  for (auto id : h.conns) engine.disconnect(id);
  h.conns.clear();
  engine.take_ready();
  check_stats(engine, opts, 0);
  GEARSPEC_FUZZ_CHECK(engine.stats().running == 0);
  return 0;
}
