// Fuzz target: the reference worker's sans-I/O worker_session fed arbitrary
// server bytes (JOB_ASSIGN* / NOOP / NO_JOB / ERROR streams and worse),
// driven as worker::work() drives it: grab, answer each job, grab again.
//
// Input layout:
//   byte 0      L: length of the option section that follows (bytes 1..L)
//   option section (byte_reader, missing bytes read as 0):
//     byte      bits 0-1 grab mode {plain, uniq, all, all}; bit 2 small limits
//               (body 64, argument 16); bits 3-4 end {nothing,
//               connection_closed, timed_out, connection_closed}; bit 5 also
//               register "f2" (CAN_DO_TIMEOUT 30); bit 6 the grab's last byte
//               is written only after the first chunk
//     byte      answer: bits 0-1 {complete, fail, exception, complete}; bit 2
//               WORK_STATUS first; bit 3 WORK_DATA first
//     2 bytes   chunking of the server bytes (mode, parameter), as the decoder target
//   bytes 1+L.. the server's bytes (the structure-aware mutator works here)
// Every chunk is copied into its own exact-size heap block, so reading past
// what receive() was given is an ASan report.
//
// Invariants: everything the worker writes decodes as requests a worker may
// send; between two grabs there is exactly one PRE_SLEEP (then a NOOP was
// received) or one job answer — never a poll without PRE_SLEEP; each WORK_*
// carries the handle of a JOB_ASSIGN* the server sent; a held job came from
// the stream, for a registered function, with a non-empty handle; the
// counters agree with the stream (no more NO_JOBs, wake-ups or assignments
// than the server sent; one PRE_SLEEP per NO_JOB); a server ERROR is the
// only non-fatal failure; after connection_closed / timed_out the worker is
// broken (a timeout while asleep and written: not), idle and writes nothing.
#include "gearspec/client/worker_session.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/fuzz/byte_reader.hpp"
#include "gearspec/fuzz/check.hpp"
#include "gearspec/fuzz/chunker.hpp"
#include "gearspec/fuzz/libfuzzer_hooks.hpp"
#include "gearspec/fuzz/sectioned_input.hpp"
#include "gearspec/fuzz/server_packets.hpp"
#include "gearspec/protocol/decoder.hpp"

namespace {

namespace proto = gearspec::proto;
namespace client = gearspec::client;
using client::return_code;
using client::worker_state;
using proto::command;

constexpr std::size_t max_server_bytes = 64 * 1024;

// What the server bytes contain, decoded independently of the session.
struct server_facts {
  std::set<std::string> assigned_handles;
  std::size_t packets = 0, no_jobs = 0, noops = 0, assigns = 0, errors = 0;
};

GEARSPEC_FUZZ_HARNESS server_facts read_facts(std::string_view bytes, const client::worker_limits& limits) {
  server_facts facts;
  facts.packets = gearspec::fuzz::for_each_server_packet(bytes, limits, [&](const proto::packet_view& p) {
    switch (p.cmd) {
      case command::no_job:
        ++facts.no_jobs;
        break;
      case command::noop:
        ++facts.noops;
        break;
      case command::error:
        ++facts.errors;
        break;
      case command::job_assign:
      case command::job_assign_uniq:
      case command::job_assign_all:
        ++facts.assigns;
        facts.assigned_handles.emplace(p.arg(0));
        break;
      default:
        break;
    }
  });
  return facts;
}

// The worker's written bytes, checked as a stream of requests.
struct written_stream {
  proto::decoder dec{proto::decoder_limits{}};
  bool grab_seen = false;
  int since_grab = 0;  // PRE_SLEEPs and job answers since the last grab
  std::vector<std::string> work_handles;

  GEARSPEC_FUZZ_HARNESS void take(std::string_view bytes) {
    while (!bytes.empty()) {
      std::error_code ec;
      const std::size_t n = dec.put(bytes, ec);
      GEARSPEC_FUZZ_CHECK(!ec);
      bytes.remove_prefix(n);
      if (!dec.ready()) continue;
      const proto::packet_view& p = dec.packet();
      GEARSPEC_FUZZ_CHECK(p.mag == proto::magic::request && proto::sent_by(p.cmd, proto::peer::worker));
      if (proto::is_grab(p.cmd)) {
        if (grab_seen) GEARSPEC_FUZZ_CHECK(since_grab == 1);  // never a poll without PRE_SLEEP
        grab_seen = true;
        since_grab = 0;
      } else {
        if (p.cmd == command::pre_sleep || proto::ends_job(p.cmd)) ++since_grab;
        if (proto::is_relayed(p.cmd)) work_handles.emplace_back(p.arg(0));
      }
      dec.next();
    }
  }
};

GEARSPEC_FUZZ_HARNESS void write_all(client::worker_session& w, written_stream& out) {
  out.take(w.output());
  w.wrote(w.output().size());
  GEARSPEC_FUZZ_CHECK(w.output().empty());
}

// What worker::work() does between reads: answer a held job, grab when idle.
GEARSPEC_FUZZ_HARNESS void drive(client::worker_session& w, std::uint8_t answer, written_stream& out) {
  if (w.broken()) return;
  if (w.state() == worker_state::assigned) {
    GEARSPEC_FUZZ_CHECK(!w.job().handle.empty() && w.can(w.job().function));
    if (answer & 4) GEARSPEC_FUZZ_CHECK(w.send_status(1, 2) == return_code::success);
    if (answer & 8) GEARSPEC_FUZZ_CHECK(w.send_data("d") == return_code::success);
    switch (answer & 3) {
      case 1:
        GEARSPEC_FUZZ_CHECK(w.send_fail() == return_code::success);
        break;
      case 2:
        GEARSPEC_FUZZ_CHECK(w.send_exception("x") == return_code::success);
        break;
      default:
        GEARSPEC_FUZZ_CHECK(w.send_complete("r") == return_code::success);
        break;
    }
    GEARSPEC_FUZZ_CHECK(w.state() == worker_state::idle);
    GEARSPEC_FUZZ_CHECK(w.send_complete("again") == return_code::invalid_argument);
  }
  if (w.state() == worker_state::idle) GEARSPEC_FUZZ_CHECK(w.grab() == return_code::success);
  write_all(w, out);
}

GEARSPEC_FUZZ_HARNESS bool is_fatal(return_code rc) {
  return rc == return_code::invalid_magic || rc == return_code::invalid_command ||
         rc == return_code::invalid_packet || rc == return_code::unexpected_packet;
}

}  // namespace

GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(gearspec::fuzz::option_section_size(data, size))

extern "C" GEARSPEC_FUZZ_HARNESS int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [options, server] = gearspec::fuzz::split_sections(data, size, max_server_bytes);
  const std::uint8_t flags = options.byte();
  const std::uint8_t answer = options.byte();
  const std::uint8_t chunk_mode = options.byte();
  const std::uint16_t chunk_param = options.u16();

  static constexpr client::grab_mode modes[] = {client::grab_mode::plain, client::grab_mode::uniq,
                                                client::grab_mode::all, client::grab_mode::all};
  client::worker_limits limits;
  if (flags & 4) {
    limits.max_body_size = 64;
    limits.max_argument_size = 16;
  }
  client::worker_session w{limits, modes[flags & 3]};
  GEARSPEC_FUZZ_CHECK(w.grab() == return_code::no_registered_functions);
  GEARSPEC_FUZZ_CHECK(w.can_do("fn") == return_code::success);
  if (flags & 0x20) GEARSPEC_FUZZ_CHECK(w.can_do("f2", 30) == return_code::success);
  w.connection_opened();
  GEARSPEC_FUZZ_CHECK(w.grab() == return_code::success && w.state() == worker_state::grabbing);
  GEARSPEC_FUZZ_CHECK(w.grab() == return_code::invalid_argument);

  written_stream out;
  const bool hold_last_byte = (flags & 0x40) != 0;
  out.take(w.output().substr(0, w.output().size() - (hold_last_byte ? 1 : 0)));
  w.wrote(w.output().size() - (hold_last_byte ? 1 : 0));

  const server_facts facts = read_facts(server, limits);
  gearspec::fuzz::chunker chunks{chunk_mode, chunk_param, server.size()};
  std::string_view rest = server;
  bool first = true;
  for (std::size_t step = chunks.next(); step > 0; step = chunks.next()) {
    std::unique_ptr<char[]> block{new char[step]};
    std::memcpy(block.get(), rest.data(), step);
    const client::worker_counters before = w.counters();
    const bool was_broken = w.broken();
    w.receive(std::string_view{block.get(), step});
    rest.remove_prefix(step);
    if (first && hold_last_byte) write_all(w, out);  // the grab's last byte, late
    first = false;
    // The recoverable failures: a server ERROR (an ERROR packet arrived in
    // this chunk) or a job for a function not registered (a job arrived).
    const bool error_arrived = w.counters().errors > before.errors;
    const bool job_arrived = w.counters().jobs_assigned > before.jobs_assigned;
    const bool recoverable =
        error_arrived || (job_arrived && w.failure() == return_code::invalid_function_name);
    if (w.failure() != return_code::success && !w.broken()) GEARSPEC_FUZZ_CHECK(recoverable);
    // Broken by the stream: a protocol error, unless a recoverable failure
    // earlier in the same chunk was recorded first.
    if (w.broken() && !was_broken) GEARSPEC_FUZZ_CHECK(is_fatal(w.failure()) || recoverable);
    if (!w.broken()) w.clear_failure();
    drive(w, answer, out);
  }

  const client::worker_counters& c = w.counters();
  GEARSPEC_FUZZ_CHECK(c.packets_received <= facts.packets + 1);
  GEARSPEC_FUZZ_CHECK(c.no_jobs <= facts.no_jobs && c.pre_sleeps_sent == c.no_jobs);
  GEARSPEC_FUZZ_CHECK(c.wakeups <= facts.noops && c.wakeups <= c.no_jobs);
  GEARSPEC_FUZZ_CHECK(c.jobs_assigned <= facts.assigns && c.errors <= facts.errors);
  GEARSPEC_FUZZ_CHECK(c.grabs_sent <= 1 + c.wakeups + c.jobs_assigned);
  for (const std::string& handle : out.work_handles) {
    GEARSPEC_FUZZ_CHECK(!handle.empty());
    GEARSPEC_FUZZ_CHECK(facts.assigned_handles.count(handle) == 1);
  }
  if (w.state() == worker_state::assigned)
    GEARSPEC_FUZZ_CHECK(facts.assigned_handles.count(w.job().handle) == 1);

  const std::uint8_t end = (flags >> 3) & 3;
  if (end == 0) return 0;
  const bool asleep_and_written = w.state() == worker_state::sleeping && w.output().empty() && !w.broken();
  w.clear_failure();
  if (end == 2) {
    w.timed_out("fuzz: timeout");
    GEARSPEC_FUZZ_CHECK(w.failure() == return_code::timeout);
    GEARSPEC_FUZZ_CHECK(w.broken() == !asleep_and_written);
    if (asleep_and_written) GEARSPEC_FUZZ_CHECK(w.state() == worker_state::sleeping);
  } else {
    w.connection_closed("fuzz: peer closed");
    GEARSPEC_FUZZ_CHECK(w.failure() == return_code::lost_connection && w.broken());
  }
  if (w.broken()) {
    GEARSPEC_FUZZ_CHECK(w.state() == worker_state::idle && w.output().empty());
    GEARSPEC_FUZZ_CHECK(w.send_complete("late") == return_code::invalid_argument);
    w.connection_opened();  // a new connection announces every function again
    GEARSPEC_FUZZ_CHECK(!w.broken() && !w.output().empty() && w.state() == worker_state::idle);
  }
  return 0;
}
