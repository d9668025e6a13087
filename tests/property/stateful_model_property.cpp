// Stateful model test (issue 6 item 5): random command sequences against the
// reference client's session and gearmock's queue engine, both sans-I/O and
// wired together in memory on one thread, so every step runs to completion
// before the next and shrinking is deterministic. A plain model of the
// client's pending tasks and the server's queue predicts every handle,
// coalescing decision, status reply and job hand-out.
//
// A failure prints RapidCheck's `reproduce=` string; docs/properties.md says
// how to replay it (RC_PARAMS="reproduce=...").
#include <rapidcheck/state.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gearspec/client/session.hpp"
#include "gearspec/mock/queue_engine.hpp"
#include "gearspec/property/cases.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/property.hpp"

namespace gearspec::property {
namespace {

using proto::command;
using proto::magic;
using proto::priority;
using proto::return_code;

// Small value sets, so that sequences coalesce, collide and reuse handles.
const std::vector<std::string> functions{"fa", "fb"};
const std::vector<std::string> uniques{"", "-", "#", "u1", "u2", std::string(64, 'k')};
const std::vector<std::string> workloads{"", "w1", "w2", std::string("\0x", 2)};
constexpr std::size_t max_pending = 8;
constexpr char handle_prefix[] = "H:mock:";

// ---- the model -------------------------------------------------------------------

struct model_job {
  std::string function;
  std::string unique;  ///< as sent ("" stands for a generated UUID)
  std::string workload;
  priority prio = priority::normal;
  std::string handle;
  std::uint64_t number = 0;
  bool running = false;
  std::string numerator = "0", denominator = "0";
};

struct pending_submit {
  std::string function, unique, workload;
  priority prio = priority::normal;
};

struct queue_model {
  std::vector<model_job> jobs;  ///< live jobs, creation order
  std::uint64_t created = 0;
  std::vector<pending_submit> pending;
  std::vector<std::string> finished_handles;
};

/// The unique the client sends for a caller's value ("" = a fresh UUID).
std::string unique_sent(const pending_submit& p) {
  if (p.unique == "#") return std::to_string(client::workload_hash(p.workload));
  return p.unique;
}

/// gearmand's coalescing (mirrored by gearmock): same function and same
/// unique, or unique "-" and the same non-empty workload; generated UUIDs never.
model_job* coalesces_with(queue_model& m, const pending_submit& p) {
  const std::string unique = unique_sent(p);
  if (unique.empty() || (unique == "-" && p.workload.empty())) return nullptr;
  for (auto& j : m.jobs) {
    if (j.function != p.function || j.unique.empty()) continue;
    if (unique == "-" ? (j.unique == "-" && j.workload == p.workload) : j.unique == unique) return &j;
  }
  return nullptr;
}

/// Handle each pending submit gets, in order, creating jobs as the server does.
std::vector<std::string> submit_all(queue_model& m) {
  std::vector<std::string> handles;
  for (const auto& p : m.pending) {
    if (model_job* j = coalesces_with(m, p)) {
      handles.push_back(j->handle);
      continue;
    }
    model_job j;
    j.function = p.function;
    j.unique = unique_sent(p);
    j.workload = p.workload;
    j.prio = p.prio;
    j.number = ++m.created;
    j.handle = handle_prefix + std::to_string(j.number);
    handles.push_back(j.handle);
    m.jobs.push_back(std::move(j));
  }
  m.pending.clear();
  return handles;
}

/// The job a worker for `function` is handed next: highest priority, then oldest.
const model_job* next_for(const queue_model& m, const std::string& function) {
  const model_job* best = nullptr;
  for (const auto& j : m.jobs) {
    if (j.function != function || j.running) continue;
    if (best == nullptr || static_cast<int>(j.prio) < static_cast<int>(best->prio)) best = &j;
  }
  return best;
}

const model_job* running_for(const queue_model& m, const std::string& function) {
  for (const auto& j : m.jobs)
    if (j.function == function && j.running) return &j;
  return nullptr;
}

bool has_running(const queue_model& m, const std::string& function) {
  return running_for(m, function) != nullptr;
}

// ---- the system: session + queue engine, in memory ----------------------------------

struct system_under_test {
  mock::queue_engine engine{mock::engine_options{}};
  mock::queue_engine::connection_id client_conn = engine.connect("127.0.0.1");
  std::map<std::string, mock::queue_engine::connection_id> workers;
  client::session session;
  std::deque<client::task> tasks;  // stable addresses for the session
  std::vector<client::task*> pending;

  /// Move bytes between session and engine until neither has anything to say.
  void pump() {
    for (int round = 0; round < 64; ++round) {
      bool moved = false;
      if (!session.output().empty()) {
        const std::string bytes{session.output()};
        session.wrote(bytes.size());
        engine.receive(client_conn, bytes);
        moved = true;
      }
      engine.take_ready();
      std::string& reply = engine.output(client_conn);
      if (!reply.empty()) {
        const std::string bytes = std::move(reply);
        reply.clear();
        session.receive(bytes);
        moved = true;
      }
      if (!moved) return;
    }
    RC_FAIL("session and queue engine did not settle within 64 rounds");
  }

  void reconnect() {
    engine.disconnect(client_conn);
    client_conn = engine.connect("127.0.0.1");
    session.connection_opened();
  }

  /// A worker connection for `function` (CAN_DO sent once); replies cleared.
  mock::queue_engine::connection_id worker(const std::string& function) {
    auto it = workers.find(function);
    if (it == workers.end()) {
      const auto id = engine.connect("127.0.0.2");
      engine.receive(id, proto::encode(magic::request, command::can_do, {function}));
      it = workers.emplace(function, id).first;
    }
    engine.output(it->second).clear();
    return it->second;
  }

  /// Send a worker request and decode the worker's replies.
  std::vector<proto::packet> worker_says(mock::queue_engine::connection_id id, const std::string& bytes) {
    engine.receive(id, bytes);
    engine.take_ready();
    std::string out = std::move(engine.output(id));
    engine.output(id).clear();
    std::error_code ec;
    auto packets = proto::decode_all(out, ec);
    RC_ASSERT(!ec);
    return packets;
  }
};

using command_base = rc::state::Command<queue_model, system_under_test>;

// ---- commands ----------------------------------------------------------------------

struct add_background_task : command_base {
  pending_submit submit;
  explicit add_background_task(const queue_model&) {
    submit.function = *rc::gen::elementOf(functions);
    submit.unique = *rc::gen::elementOf(uniques);
    submit.workload = *rc::gen::elementOf(workloads);
    submit.prio = *rc::gen::element(priority::high, priority::normal, priority::low);
  }
  void checkPreconditions(const queue_model& m) const override { RC_PRE(m.pending.size() < max_pending); }
  void apply(queue_model& m) const override { m.pending.push_back(submit); }
  void run(const queue_model&, system_under_test& s) const override {
    client::task& t = s.tasks.emplace_back();
    RC_ASSERT(s.session.submit(t, {submit.function, submit.unique, submit.workload, submit.prio, true}) ==
              return_code::success);
    const std::string expected = unique_sent(submit);
    if (expected.empty())
      RC_ASSERT(t.unique().size() == client::uuid_size);
    else
      RC_ASSERT(t.unique() == expected);
    s.pending.push_back(&t);
  }
  void show(std::ostream& os) const override {
    os << "add_background_task(" << submit.function << ", unique=" << proto::escape_bytes(submit.unique)
       << ", workload=" << proto::escape_bytes(submit.workload) << ", " << proto::name(submit.prio) << ")";
  }
};

/// Two submits of the same function and unique in one batch: the second
/// must coalesce with the first.
struct add_coalescing_pair : command_base {
  pending_submit submit;
  explicit add_coalescing_pair(const queue_model&) {
    submit.function = *rc::gen::elementOf(functions);
    submit.unique = *rc::gen::element<std::string>("u1", "u2", "-", "#");
    submit.workload = *rc::gen::element<std::string>("w1", "w2");
    submit.prio = *rc::gen::element(priority::high, priority::normal, priority::low);
  }
  void checkPreconditions(const queue_model& m) const override {
    RC_PRE(m.pending.size() + 2 <= max_pending);
  }
  void apply(queue_model& m) const override {
    m.pending.push_back(submit);
    m.pending.push_back(submit);
  }
  void run(const queue_model&, system_under_test& s) const override {
    for (int i = 0; i < 2; ++i) {
      client::task& t = s.tasks.emplace_back();
      RC_ASSERT(s.session.submit(t, {submit.function, submit.unique, submit.workload, submit.prio, true}) ==
                return_code::success);
      s.pending.push_back(&t);
    }
  }
  void show(std::ostream& os) const override {
    os << "add_coalescing_pair(" << submit.function << ", unique=" << submit.unique << ", " << submit.workload
       << ")";
  }
};

struct run_tasks : command_base {
  explicit run_tasks(const queue_model&) {}
  void checkPreconditions(const queue_model& m) const override { RC_PRE(!m.pending.empty()); }
  void apply(queue_model& m) const override { submit_all(m); }
  void run(const queue_model& before, system_under_test& s) const override {
    queue_model m = before;
    const auto handles = submit_all(m);
    s.session.clear_outcome();
    s.pump();
    RC_ASSERT(!s.session.busy());
    RC_ASSERT(s.session.outcome() == return_code::success);
    RC_ASSERT(s.pending.size() == handles.size());
    for (std::size_t i = 0; i < handles.size(); ++i) {
      RC_ASSERT(s.pending[i]->result() == return_code::success);
      RC_ASSERT(std::string{s.pending[i]->handle()} == handles[i]);
    }
    s.pending.clear();
  }
  void show(std::ostream& os) const override { os << "run_tasks"; }
};

/// The server processes every pending submit, but the client sees only the
/// first `delivered` replies and then a fault: garbage or its own timeout.
/// The tasks after the fault fail with the documented code; the jobs exist
/// on the server anyway; the client reconnects.
struct run_tasks_with_fault : command_base {
  std::size_t delivered = 0;
  int fault = 0;  // 0: reply with request magic, 1: text line, 2: timeout
  explicit run_tasks_with_fault(const queue_model& m) {
    delivered = *rc::gen::inRange<std::size_t>(0, m.pending.size() + 1);
    fault = *rc::gen::inRange(0, 3);
  }
  void checkPreconditions(const queue_model& m) const override {
    RC_PRE(!m.pending.empty() && delivered <= m.pending.size());
  }
  void apply(queue_model& m) const override { submit_all(m); }
  void run(const queue_model& before, system_under_test& s) const override {
    queue_model m = before;
    const auto handles = submit_all(m);
    s.session.clear_outcome();
    const std::string request{s.session.output()};
    s.session.wrote(request.size());
    s.engine.receive(s.client_conn, request);
    s.engine.take_ready();
    std::string replies = std::move(s.engine.output(s.client_conn));
    s.engine.output(s.client_conn).clear();
    std::error_code ec;
    std::size_t cut = 0;
    const auto packets = proto::decode_all(replies, ec);
    RC_ASSERT(!ec);
    RC_ASSERT(packets.size() == handles.size());
    for (std::size_t i = 0; i < delivered; ++i) cut += proto::encode(packets[i]).size();
    s.session.receive(std::string_view{replies}.substr(0, cut));
    return_code expected_fault = return_code::timeout;
    if (fault == 0) {
      s.session.receive(proto::encode(magic::request, command::job_created, {"H:x:1"}));
      expected_fault = return_code::invalid_magic;
    } else if (fault == 1) {
      s.session.receive("OK\n");
      expected_fault = return_code::invalid_packet;
    } else {
      s.session.timed_out("model timeout");
    }
    for (std::size_t i = 0; i < handles.size(); ++i) {
      if (i < delivered) {
        RC_ASSERT(s.pending[i]->result() == return_code::success);
        RC_ASSERT(std::string{s.pending[i]->handle()} == handles[i]);
      } else {
        RC_ASSERT(s.pending[i]->result() == expected_fault);
        RC_ASSERT(s.pending[i]->handle().empty());
      }
    }
    if (delivered < handles.size()) RC_ASSERT(s.session.outcome() == expected_fault);
    RC_ASSERT(!s.session.busy());
    s.pending.clear();
    s.reconnect();
  }
  void show(std::ostream& os) const override {
    os << "run_tasks_with_fault(replies delivered=" << delivered << ", fault="
       << (fault == 0   ? "request magic"
           : fault == 1 ? "text line"
                        : "timeout")
       << ")";
  }
};

struct reconnect : command_base {
  explicit reconnect(const queue_model&) {}
  void run(const queue_model&, system_under_test& s) const override { s.reconnect(); }
  void show(std::ostream& os) const override { os << "reconnect"; }
};

struct job_status : command_base {
  std::string handle;
  explicit job_status(const queue_model& m) {
    std::vector<std::string> candidates{"H:mock:999999"};
    for (const auto& j : m.jobs) candidates.push_back(j.handle);
    for (const auto& h : m.finished_handles) candidates.push_back(h);
    handle = *rc::gen::elementOf(candidates);
  }
  void checkPreconditions(const queue_model& m) const override { RC_PRE(m.pending.empty()); }
  void run(const queue_model& m, system_under_test& s) const override {
    client::task t;
    RC_ASSERT(s.session.get_status(t, handle) == return_code::success);
    s.pump();
    RC_ASSERT(t.result() == return_code::success);
    const auto it =
        std::find_if(m.jobs.begin(), m.jobs.end(), [&](const model_job& j) { return j.handle == handle; });
    const bool known = it != m.jobs.end();
    RC_ASSERT(t.is_known() == known);
    RC_ASSERT(t.is_running() == (known && it->running));
    RC_ASSERT(std::to_string(t.numerator()) == (known ? it->numerator : "0"));
    RC_ASSERT(std::to_string(t.denominator()) == (known ? it->denominator : "0"));
  }
  void show(std::ostream& os) const override { os << "job_status(" << handle << ")"; }
};

struct worker_grabs : command_base {
  std::string function;
  explicit worker_grabs(const queue_model&) { function = *rc::gen::elementOf(functions); }
  void apply(queue_model& m) const override {
    if (const model_job* next = next_for(m, function)) {
      for (auto& j : m.jobs)
        if (j.handle == next->handle) j.running = true;
    }
  }
  void run(const queue_model& m, system_under_test& s) const override {
    const auto id = s.worker(function);
    const auto replies = s.worker_says(id, proto::encode(magic::request, command::grab_job_uniq, {}));
    RC_ASSERT(replies.size() == 1u);
    const model_job* next = next_for(m, function);
    if (next == nullptr) {
      RC_ASSERT(replies[0].cmd == command::no_job);
      return;
    }
    RC_ASSERT(replies[0].cmd == command::job_assign_uniq);
    RC_ASSERT(replies[0].args[0] == next->handle);
    RC_ASSERT(replies[0].args[1] == function);
    if (next->unique.empty())
      RC_ASSERT(replies[0].args[2].size() == client::uuid_size);
    else
      RC_ASSERT(replies[0].args[2] == next->unique);
    RC_ASSERT(replies[0].data == next->workload);
  }
  void show(std::ostream& os) const override { os << "worker_grabs(" << function << ")"; }
};

struct worker_reports_status : command_base {
  std::string function, numerator, denominator;
  explicit worker_reports_status(const queue_model&) {
    function = *rc::gen::elementOf(functions);
    numerator = std::to_string(*rc::gen::inRange(0, 100));
    denominator = std::to_string(*rc::gen::inRange(0, 100));
  }
  void checkPreconditions(const queue_model& m) const override { RC_PRE(has_running(m, function)); }
  void apply(queue_model& m) const override {
    const std::string handle = running_for(m, function)->handle;
    for (auto& j : m.jobs)
      if (j.handle == handle) j.numerator = numerator, j.denominator = denominator;
  }
  void run(const queue_model& m, system_under_test& s) const override {
    const auto id = s.worker(function);
    const auto replies =
        s.worker_says(id, proto::encode(magic::request, command::work_status,
                                        {running_for(m, function)->handle, numerator, denominator}));
    RC_ASSERT(replies.empty());  // background job: nobody to relay to, nothing to answer
  }
  void show(std::ostream& os) const override {
    os << "worker_reports_status(" << function << ", " << numerator << "/" << denominator << ")";
  }
};

struct worker_completes : command_base {
  std::string function;
  explicit worker_completes(const queue_model&) { function = *rc::gen::elementOf(functions); }
  void checkPreconditions(const queue_model& m) const override { RC_PRE(has_running(m, function)); }
  void apply(queue_model& m) const override {
    const std::string handle = running_for(m, function)->handle;
    m.jobs.erase(
        std::remove_if(m.jobs.begin(), m.jobs.end(), [&](const model_job& j) { return j.handle == handle; }),
        m.jobs.end());
    m.finished_handles.push_back(handle);
  }
  void run(const queue_model& m, system_under_test& s) const override {
    const auto id = s.worker(function);
    const auto replies = s.worker_says(id, proto::encode(magic::request, command::work_complete,
                                                         {running_for(m, function)->handle}, "done"));
    RC_ASSERT(replies.empty());
    s.engine.take_ready();
    RC_ASSERT(s.engine.output(s.client_conn).empty());  // nothing is relayed for a background job
  }
  void show(std::ostream& os) const override { os << "worker_completes(" << function << ")"; }
};

TEST(StatefulModelProperty, ClientAndQueueAgreeWithTheModel) {
  test::check_property(
      [] {
        system_under_test sut;
        rc::state::check(
            queue_model{}, sut,
            rc::state::gen::execOneOfWithArgs<add_background_task, add_background_task, add_coalescing_pair,
                                              run_tasks, run_tasks, run_tasks_with_fault, reconnect,
                                              job_status, worker_grabs, worker_reports_status,
                                              worker_completes>());
      },
      standard_cases);
}

}  // namespace
}  // namespace gearspec::property
