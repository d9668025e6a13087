// Fuzz target: the reference client's sans-I/O session fed arbitrary server
// bytes after a fuzzer-chosen batch of tasks.
//
// Input layout:
//   byte 0      L: length of the option section that follows (bytes 1..L)
//   option section (byte_reader, missing bytes read as 0):
//     byte      bits 0-2 task count - 1 (1..8); bits 3-4 limits
//               {default, body 64, body 4096, argument 16}; bit 5 namespace
//               "ns:"; bits 6-7 end {nothing, connection_closed, timed_out,
//               connection_closed}
//     byte      writes: bit 0 set = write half the output, feed the first half
//               of the server bytes, then write the rest; bit 1 = detach the
//               chosen task before any write (its bytes must vanish); bit 2 =
//               a failed connect first (COULD_NOT_CONNECT, tasks stay queued)
//     byte      detach: index of a task to detach and destroy after the
//               writes (>= count: none)
//     2 bytes   chunking of the server bytes (mode, parameter), as the decoder target
//     per task: 1 byte (bits 0-1 kind {submit, submit, get_status, echo},
//               bits 2-3 priority, bit 4 background, bit 5 get_status asks by
//               unique: GET_STATUS_UNIQUE), then function, unique
//               and workload as length-prefixed strings (get_status: the
//               function is the handle; echo: the workload is the data)
//   bytes 1+L.. the server's bytes (the structure-aware mutator works here)
// Every chunk is copied into its own exact-size heap block, so reading one
// byte past what receive() was given is an ASan report.
//
// Invariants (SEMANTICS.md 5): a submit reports success only with a handle
// that a JOB_CREATED in the server bytes carried (foreground: and a
// WORK_COMPLETE for it); a status task only after a STATUS_RES for its handle;
// a status-by-unique task only after a STATUS_RES_UNIQUE for its unique; an
// echo only after an ECHO_RES with its exact data. Handles are 1..63
// bytes. A finished task has a result other than UNKNOWN_STATE, an unfinished
// one has none; an ERROR reply's code maps to the task's result. After
// connection_closed / timed_out every task is finished, those that were not
// with LOST_CONNECTION / TIMEOUT, and the session is idle.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gearspec/client/session.hpp"
#include "gearspec/client/task.hpp"
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
using client::task_phase;
using gearspec::fuzz::byte_reader;

constexpr std::size_t max_server_bytes = 64 * 1024;

struct planned_task {
  std::uint8_t kind = 0;
  std::string function, unique, workload;
  proto::priority prio = proto::priority::normal;
  bool background = true;
};

// What the server bytes contain, decoded independently of the session with
// the session's own limits: the facts a success must rest on.
struct server_facts {
  std::vector<std::string> job_created, work_complete, status_res, status_res_unique, echo_res;
  std::size_t packets = 0;
};

GEARSPEC_FUZZ_HARNESS server_facts read_facts(std::string_view bytes, const client::session_limits& limits) {
  server_facts facts;
  // The handle (an ECHO_RES: the data) of each reply a success can rest on.
  const std::pair<proto::command, std::vector<std::string>*> kept[] = {
      {proto::command::job_created, &facts.job_created},
      {proto::command::work_complete, &facts.work_complete},
      {proto::command::status_res, &facts.status_res},
      {proto::command::status_res_unique, &facts.status_res_unique},
      {proto::command::echo_res, &facts.echo_res}};
  facts.packets = gearspec::fuzz::for_each_server_packet(bytes, limits, [&](const proto::packet_view& p) {
    for (const auto& [cmd, into] : kept)
      if (p.cmd == cmd) into->emplace_back(cmd == proto::command::echo_res ? p.data : p.arg(0));
  });
  return facts;
}

GEARSPEC_FUZZ_HARNESS bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

GEARSPEC_FUZZ_HARNESS client::session_limits limits_from(std::uint8_t selector) {
  client::session_limits l;
  const unsigned pick = selector & 3;  // {default, body 64, body 4096, argument 16}
  if (pick == 1 || pick == 2) l.max_body_size = pick == 1 ? 64 : 4096;
  if (pick == 3) l.max_argument_size = 16;
  return l;
}

// Feed `bytes` in chunks chosen by (mode, param), each in an exact-size block.
GEARSPEC_FUZZ_HARNESS void feed(client::session& s, std::string_view bytes, std::uint8_t mode,
                                std::uint16_t param) {
  gearspec::fuzz::chunker chunks{mode, param, bytes.size()};
  for (std::size_t step = chunks.next(); step > 0; step = chunks.next()) {
    std::unique_ptr<char[]> block{new char[step]};
    std::memcpy(block.get(), bytes.data(), step);
    s.receive(std::string_view{block.get(), step});
    bytes.remove_prefix(step);
  }
}

GEARSPEC_FUZZ_HARNESS void check_task(const client::task& t, const planned_task& plan,
                                      const server_facts& facts) {
  const std::string_view handle = t.handle();
  GEARSPEC_FUZZ_CHECK(handle.size() <= client::max_job_handle_length);
  GEARSPEC_FUZZ_CHECK(std::strlen(t.handle_c_str()) == handle.size() ||
                      handle.find('\0') != std::string_view::npos);
  if (t.finished())
    GEARSPEC_FUZZ_CHECK(t.result() != return_code::unknown_state);
  else
    GEARSPEC_FUZZ_CHECK(t.result() == return_code::unknown_state);
  if (t.phase() == task_phase::running) {  // a foreground job the server created
    GEARSPEC_FUZZ_CHECK(t.kind() == client::task_kind::submit && !plan.background && t.is_known());
    GEARSPEC_FUZZ_CHECK(contains(facts.job_created, handle));
  }
  if (!t.server_code().empty()) {
    const return_code mapped = proto::map_server_error_code(t.server_code());
    GEARSPEC_FUZZ_CHECK(t.result() == (mapped == return_code::success ? return_code::server_error : mapped));
  }
  if (t.result() != return_code::success) return;
  switch (t.kind()) {
    case client::task_kind::submit:
      GEARSPEC_FUZZ_CHECK(t.is_known() && !handle.empty());
      GEARSPEC_FUZZ_CHECK(contains(facts.job_created, handle));  // never success without JOB_CREATED
      if (!proto::is_background_submit(t.command()))
        GEARSPEC_FUZZ_CHECK(contains(facts.work_complete, handle));
      break;
    case client::task_kind::get_status:
      GEARSPEC_FUZZ_CHECK(contains(facts.status_res, handle));
      break;
    case client::task_kind::get_status_unique:
      GEARSPEC_FUZZ_CHECK(contains(facts.status_res_unique, t.unique()));
      break;
    case client::task_kind::echo:
      GEARSPEC_FUZZ_CHECK(t.data() == plan.workload && contains(facts.echo_res, t.data()));
      break;
  }
}

}  // namespace

GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(gearspec::fuzz::option_section_size(data, size))

extern "C" GEARSPEC_FUZZ_HARNESS int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [options, server] = gearspec::fuzz::split_sections(data, size, max_server_bytes);

  const std::uint8_t flags = options.byte();
  const std::size_t count = 1 + (flags & 7);
  const client::session_limits limits = limits_from(flags >> 3);
  const std::uint8_t end_action = flags >> 6;
  const std::uint8_t write_mode = options.byte();
  const std::size_t detach_index = options.byte();
  const std::uint8_t chunk_mode = options.byte();
  const std::uint16_t chunk_param = options.u16();

  client::session s{limits};
  if (flags & 0x20) s.set_namespace("ns:");
  std::vector<planned_task> plans(count);
  std::vector<std::unique_ptr<client::task>> tasks;
  std::vector<bool> accepted;
  for (auto& plan : plans) {
    const std::uint8_t k = options.byte();
    plan.kind = k & 3;
    plan.prio = static_cast<proto::priority>(((k >> 2) & 3) % 3);
    plan.background = (k & 0x10) != 0;
    plan.function = std::string{options.short_string()};
    plan.unique = std::string{options.short_string()};
    plan.workload = std::string{options.short_string()};
    tasks.push_back(std::make_unique<client::task>());
    client::task& t = *tasks.back();
    return_code rc = return_code::success;
    switch (plan.kind) {
      case 2:
        rc = (k & 0x20) ? s.get_status_unique(t, plan.unique) : s.get_status(t, plan.function);
        break;
      case 3:
        rc = s.echo(t, plan.workload);
        break;
      default:
        rc = s.submit(t, {plan.function, plan.unique, plan.workload, plan.prio, plan.background});
        break;
    }
    accepted.push_back(rc == return_code::success);
    if (rc != return_code::success) {  // refused: the task is untouched
      GEARSPEC_FUZZ_CHECK(t.phase() == task_phase::idle && t.result() == return_code::unknown_state);
    } else {
      GEARSPEC_FUZZ_CHECK(t.phase() == task_phase::queued);
      if (plan.kind < 2 && !plan.unique.empty() && plan.unique != "#")
        GEARSPEC_FUZZ_CHECK(t.unique() == plan.unique);  // the caller's unique, byte-exact
    }
  }

  for (std::size_t i = 0; i < count; ++i)  // a task in flight cannot be submitted again
    if (accepted[i])
      GEARSPEC_FUZZ_CHECK(s.submit(*tasks[i], {"fn", "", ""}) == return_code::invalid_argument);
  if (flags & 0x20) GEARSPEC_FUZZ_CHECK(s.name_space() == "ns:");
  GEARSPEC_FUZZ_CHECK(s.limits().max_body_size == limits.max_body_size);

  if (write_mode & 4) {
    s.connect_failed(return_code::could_not_connect, "fuzz: refused");
    GEARSPEC_FUZZ_CHECK(s.outcome() == return_code::could_not_connect && !s.outcome_text().empty());
    for (std::size_t i = 0; i < count; ++i)
      if (accepted[i])
        GEARSPEC_FUZZ_CHECK(tasks[i]->phase() == task_phase::queued &&
                            tasks[i]->result() == return_code::could_not_connect);
    s.clear_outcome();
    GEARSPEC_FUZZ_CHECK(s.outcome() == return_code::success);
  }
  if ((write_mode & 2) && detach_index < count) {  // never written: its bytes leave the output
    const std::size_t before = s.output().size();
    s.detach(*tasks[detach_index]);
    GEARSPEC_FUZZ_CHECK(s.output().size() <= before && tasks[detach_index]->phase() == task_phase::idle);
    GEARSPEC_FUZZ_CHECK(s.output().size() < before || !accepted[detach_index]);
    tasks[detach_index].reset();
  }
  s.connection_opened();
  for (std::size_t i = 0; i < count; ++i)  // a fresh connection forgets the failed connect
    if (tasks[i] && accepted[i]) GEARSPEC_FUZZ_CHECK(tasks[i]->result() == return_code::unknown_state);
  GEARSPEC_FUZZ_CHECK(s.queued() + s.waiting() <= count);
  const std::string_view first_half = server.substr(0, (write_mode & 1) ? server.size() / 2 : 0);
  if (write_mode & 1) {
    const std::size_t half = s.output().size() / 2;
    s.wrote(half);
    feed(s, first_half, chunk_mode, chunk_param);
  }
  s.wrote(s.output().size());
  GEARSPEC_FUZZ_CHECK(s.output().empty());
  if (detach_index < count && tasks[detach_index]) {
    s.detach(*tasks[detach_index]);
    GEARSPEC_FUZZ_CHECK(tasks[detach_index]->phase() == task_phase::idle ||
                        tasks[detach_index]->phase() == task_phase::finished);
    tasks[detach_index].reset();  // destroyed: the session must hold no reference to it
  }
  feed(s, server.substr(first_half.size()), chunk_mode, chunk_param);

  const server_facts facts = read_facts(server, limits);
  GEARSPEC_FUZZ_CHECK(s.counters().packets_received <= facts.packets + 1);
  std::vector<bool> finished_before(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!tasks[i] || !accepted[i]) continue;
    check_task(*tasks[i], plans[i], facts);
    finished_before[i] = tasks[i]->finished();
  }

  if (!s.busy()) GEARSPEC_FUZZ_CHECK(!s.awaiting_replies() && s.running() == 0);
  if (end_action == 0) return 0;
  const return_code expected = end_action == 2 ? return_code::timeout : return_code::lost_connection;
  if (end_action == 2)
    s.timed_out("fuzz: timeout");
  else
    s.connection_closed("fuzz: peer closed");
  GEARSPEC_FUZZ_CHECK(!s.busy() && !s.awaiting_replies());
  if (end_action == 2) GEARSPEC_FUZZ_CHECK(s.broken());
  for (std::size_t i = 0; i < count; ++i) {
    if (!tasks[i] || !accepted[i]) continue;
    const client::task& t = *tasks[i];
    GEARSPEC_FUZZ_CHECK(t.finished());
    if (!finished_before[i]) GEARSPEC_FUZZ_CHECK(t.result() == expected);
    check_task(t, plans[i], facts);
  }
  return 0;
}
