// Stateful model test of the reference worker: random submits, grabs,
// status reports, status polls (by handle and by unique) and job endings,
// with the worker's sans-I/O worker_session and a client session wired to
// gearmock's queue engine in memory on one thread. A plain model says which
// job each grab gets (priority first, then the worker's functions in CAN_DO
// order, then FIFO: the engine's and gearmand's order), when the worker
// sleeps (NO_JOB -> PRE_SLEEP) and when a submit wakes it (NOOP -> grab),
// and what every status reply must say.
//
// A failure prints RapidCheck's `reproduce=` string; replay it with
// RC_PARAMS="reproduce=..." (docs/properties.md).
#include <rapidcheck/state.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "gearspec/client/session.hpp"
#include "gearspec/client/worker_session.hpp"
#include "gearspec/mock/queue_engine.hpp"
#include "gearspec/property/cases.hpp"
#include "gearspec/test/property.hpp"

namespace gearspec::property {
namespace {

using client::worker_state;
using proto::priority;
using proto::return_code;

// The worker does "fa" then "fb" (CAN_DO order); nobody does "fc".
const std::vector<std::string> worker_functions{"fa", "fb"};
const std::vector<std::string> all_functions{"fa", "fb", "fc"};

struct model_job {
  std::string function, unique, workload, handle;
  priority prio = priority::normal;
  bool running = false;
  std::uint32_t numerator = 0, denominator = 0;
};

struct worker_model {
  std::vector<model_job> jobs;        ///< live jobs, creation order
  std::vector<std::string> finished;  ///< handles of ended jobs
  std::uint64_t created = 0;
  worker_state state = worker_state::idle;
  std::string held;  ///< handle of the assigned job
};

bool doable(const std::string& function) {
  return std::find(worker_functions.begin(), worker_functions.end(), function) != worker_functions.end();
}

/// The next job for the worker: priority, then function in CAN_DO order, then FIFO.
const model_job* next_job(const worker_model& m) {
  for (const priority p : {priority::high, priority::normal, priority::low})
    for (const std::string& f : worker_functions)
      for (const model_job& j : m.jobs)
        if (!j.running && j.prio == p && j.function == f) return &j;
  return nullptr;
}

model_job* find(worker_model& m, const std::string& handle) {
  for (auto& j : m.jobs)
    if (j.handle == handle) return &j;
  return nullptr;
}

/// A grab as the server answers it: the next job, or NO_JOB and sleep.
void model_grab(worker_model& m) {
  if (const model_job* next = next_job(m)) {
    m.held = next->handle;
    find(m, m.held)->running = true;
    m.state = worker_state::assigned;
  } else {
    m.state = worker_state::sleeping;
  }
}

struct system_under_test {
  mock::queue_engine engine{mock::engine_options{}};
  mock::queue_engine::connection_id client_conn = engine.connect("127.0.0.1");
  mock::queue_engine::connection_id worker_conn = engine.connect("127.0.0.2");
  client::session client;
  client::worker_session worker{{}, client::grab_mode::all};

  system_under_test() {
    for (const auto& f : worker_functions) RC_ASSERT(worker.can_do(f) == return_code::success);
    worker.connection_opened();
    pump();
  }

  static bool move(std::string_view out, const std::function<void(std::size_t)>& wrote,
                   const std::function<void(std::string_view)>& to) {
    if (out.empty()) return false;
    const std::string bytes{out};
    wrote(bytes.size());
    to(bytes);
    return true;
  }

  /// Move bytes both ways on both connections until everything is quiet.
  void pump() {
    for (int round = 0; round < 64; ++round) {
      bool moved = move(
          client.output(), [&](std::size_t n) { client.wrote(n); },
          [&](std::string_view b) { engine.receive(client_conn, b); });
      moved |= move(
          worker.output(), [&](std::size_t n) { worker.wrote(n); },
          [&](std::string_view b) { engine.receive(worker_conn, b); });
      engine.take_ready();
      for (const auto id : {client_conn, worker_conn}) {
        std::string& out = engine.output(id);
        if (out.empty()) continue;
        const std::string bytes = std::move(out);
        out.clear();
        if (id == client_conn) {
          client.receive(bytes);
        } else {
          worker.receive(bytes);
        }
        moved = true;
      }
      if (!moved) return;
    }
    RC_FAIL("sessions and queue engine did not settle within 64 rounds");
  }

  /// The worker agrees with the model, and nothing failed.
  void check(const worker_model& m) const {
    RC_ASSERT(worker.failure() == return_code::success);
    RC_ASSERT(!worker.broken());
    RC_ASSERT(worker.state() == m.state);
    if (m.state == worker_state::assigned) RC_ASSERT(worker.job().handle == m.held);
    const auto& c = worker.counters();
    RC_ASSERT(c.pre_sleeps_sent == c.no_jobs);
    RC_ASSERT(c.wakeups <= c.no_jobs);
  }
};

using command_base = rc::state::Command<worker_model, system_under_test>;

struct submit : command_base {
  std::string function, workload;
  priority prio;
  explicit submit(const worker_model&)
      : function(*rc::gen::elementOf(all_functions)),
        workload(*rc::gen::container<std::string>(rc::gen::inRange<char>(0, 127))),
        prio(*rc::gen::element(priority::high, priority::normal, priority::low)) {}
  void apply(worker_model& m) const override {
    model_job j;
    j.function = function;
    j.workload = workload;
    j.prio = prio;
    j.unique = "u" + std::to_string(m.created + 1);
    j.handle = "H:mock:" + std::to_string(++m.created);
    m.jobs.push_back(j);
    // A sleeping worker that can do it is woken (NOOP) and grabs again.
    if (m.state == worker_state::sleeping && doable(function)) model_grab(m);
  }
  void run(const worker_model& m, system_under_test& s) const override {
    client::task t;
    const std::string unique = "u" + std::to_string(m.created + 1);
    RC_ASSERT(s.client.submit(t, {function, unique, workload, prio, true}) == return_code::success);
    s.pump();
    RC_ASSERT(t.result() == return_code::success);
    RC_ASSERT(std::string{t.handle()} == "H:mock:" + std::to_string(m.created + 1));
    worker_model after = m;
    apply(after);
    s.check(after);
    if (after.state == worker_state::assigned && m.state != worker_state::assigned) {
      RC_ASSERT(s.worker.job().function == function);  // the job that woke it
      RC_ASSERT(s.worker.job().workload == workload);
      RC_ASSERT(s.worker.job().unique == unique);
    }
  }
  void show(std::ostream& os) const override {
    os << "submit(" << function << ", " << proto::name(prio) << ", " << proto::escape_bytes(workload) << ")";
  }
};

struct grab : command_base {
  explicit grab(const worker_model&) {}
  void checkPreconditions(const worker_model& m) const override { RC_PRE(m.state == worker_state::idle); }
  void apply(worker_model& m) const override { model_grab(m); }
  void run(const worker_model& m, system_under_test& s) const override {
    RC_ASSERT(s.worker.grab() == return_code::success);
    s.pump();
    worker_model after = m;
    apply(after);
    s.check(after);
    if (after.state == worker_state::assigned) {
      const model_job& j = *find(after, after.held);
      RC_ASSERT(s.worker.job().function == j.function);
      RC_ASSERT(s.worker.job().unique == j.unique);
      RC_ASSERT(s.worker.job().workload == j.workload);
      RC_ASSERT(s.worker.job().assigned_by == proto::command::job_assign_uniq);
    }
  }
  void show(std::ostream& os) const override { os << "grab"; }
};

struct report_status : command_base {
  std::uint32_t numerator, denominator;
  explicit report_status(const worker_model&)
      : numerator(*rc::gen::arbitrary<std::uint32_t>()), denominator(*rc::gen::arbitrary<std::uint32_t>()) {}
  void checkPreconditions(const worker_model& m) const override { RC_PRE(m.state == worker_state::assigned); }
  void apply(worker_model& m) const override {
    model_job& j = *find(m, m.held);
    j.numerator = numerator;
    j.denominator = denominator;
  }
  void run(const worker_model& m, system_under_test& s) const override {
    RC_ASSERT(s.worker.send_status(numerator, denominator) == return_code::success);
    s.pump();
    s.check(m);
  }
  void show(std::ostream& os) const override {
    os << "report_status(" << numerator << "/" << denominator << ")";
  }
};

struct end_job : command_base {
  int how;  // 0 complete, 1 fail, 2 exception
  explicit end_job(const worker_model&) : how(*rc::gen::inRange(0, 3)) {}
  void checkPreconditions(const worker_model& m) const override { RC_PRE(m.state == worker_state::assigned); }
  void apply(worker_model& m) const override {
    m.jobs.erase(
        std::remove_if(m.jobs.begin(), m.jobs.end(), [&](const model_job& j) { return j.handle == m.held; }),
        m.jobs.end());
    m.finished.push_back(m.held);
    m.held.clear();
    m.state = worker_state::idle;
  }
  void run(const worker_model& m, system_under_test& s) const override {
    const return_code rc = how == 0   ? s.worker.send_complete("result")
                           : how == 1 ? s.worker.send_fail()
                                      : s.worker.send_exception("boom");
    RC_ASSERT(rc == return_code::success);
    s.pump();
    worker_model after = m;
    apply(after);
    s.check(after);
  }
  void show(std::ostream& os) const override {
    os << "end_job(" << (how == 0 ? "complete" : how == 1 ? "fail" : "exception") << ")";
  }
};

struct poll_status : command_base {
  std::string handle;
  bool by_unique;
  explicit poll_status(const worker_model& m) : by_unique(*rc::gen::arbitrary<bool>()) {
    std::vector<std::string> candidates{"H:mock:999999"};
    for (const auto& j : m.jobs) candidates.push_back(j.handle);
    for (const auto& h : m.finished) candidates.push_back(h);
    handle = *rc::gen::elementOf(candidates);
  }
  void run(const worker_model& m, system_under_test& s) const override {
    const auto it =
        std::find_if(m.jobs.begin(), m.jobs.end(), [&](const model_job& j) { return j.handle == handle; });
    const bool known = it != m.jobs.end();
    client::task t;
    if (by_unique) {
      // The unique of a live job; a finished or unknown handle's number
      // gives a unique no live job has.
      const std::string unique = known ? it->unique : "u" + handle.substr(handle.rfind(':') + 1);
      RC_ASSERT(s.client.get_status_unique(t, unique) == return_code::success);
    } else {
      RC_ASSERT(s.client.get_status(t, handle) == return_code::success);
    }
    s.pump();
    RC_ASSERT(t.result() == return_code::success);
    RC_ASSERT(t.is_known() == known);
    RC_ASSERT(t.is_running() == (known && it->running));
    RC_ASSERT(t.numerator() == (known ? it->numerator : 0u));
    RC_ASSERT(t.denominator() == (known ? it->denominator : 0u));
    RC_ASSERT(t.client_count() == 0u);  // background jobs: no client waits
    s.check(m);
  }
  void show(std::ostream& os) const override {
    os << "poll_status(" << handle << (by_unique ? ", by unique)" : ")");
  }
};

TEST(WorkerModelProperty, GrabsStatusAndEndingsFollowTheQueueModel) {
  test::check_property(
      [] {
        system_under_test sut;
        rc::state::check(
            worker_model{}, sut,
            rc::state::gen::execOneOfWithArgs<submit, submit, grab, report_status, end_job, poll_status>());
      },
      standard_cases);
}

}  // namespace
}  // namespace gearspec::property
