// Grading a worker case from the journal and the adapter's answer to `work`
// (docs/conformance.md "Worker cases"): well-formed requests, CAN_DO before
// grabbing, PRE_SLEEP after NO_JOB and no grab until NOOP, bounded grabs, job
// bytes reported exactly, every WORK_* on the assigned handle with the bytes
// the function gave, and the outcome the case expects.
#include <algorithm>
#include <deque>
#include <optional>
#include <set>

#include "gearspec/conformance/grading.hpp"

namespace gearspec::conformance {
namespace {

using proto::command;

struct assignment {
  std::uint64_t connection = 0;
  command kind = command::job_assign;
  std::string handle, function, unique, workload;
  bool held = false;    ///< it answered one of the worker's grabs
  std::string arrived;  ///< the worker's last request before it came, for the report of an unasked one
  std::vector<proto::packet> answers;  ///< the worker's WORK_* packets for this handle, in order
};

assignment assignment_of(std::uint64_t conn, const proto::packet& p) {
  assignment a;
  a.connection = conn;
  a.kind = p.cmd;
  a.handle = p.args.at(0);
  a.function = p.args.at(1);
  if (p.cmd != command::job_assign) a.unique = p.args.at(2);
  a.workload = p.data;
  return a;
}

/// The WORK_* packets an action list makes, up to the first that ends the job.
std::vector<proto::packet> expected_packets(const work_function& f, const std::string& handle) {
  using k = work_action::kind;
  constexpr std::pair<k, command> sent[] = {
      {k::status, command::work_status},   {k::data, command::work_data},
      {k::warning, command::work_warning}, {k::exception, command::work_exception},
      {k::fail, command::work_fail},       {k::complete, command::work_complete}};
  std::vector<proto::packet> out;
  for (const auto& a : f.actions)
    for (const auto& [what, cmd] : sent) {
      if (a.what != what) continue;
      if (a.what == k::status)
        out.emplace_back(
            proto::magic::request, cmd,
            std::vector<std::string>{handle, std::to_string(a.numerator), std::to_string(a.denominator)});
      else
        out.emplace_back(proto::magic::request, cmd, std::vector<std::string>{handle},
                         a.what == k::fail ? std::string() : a.bytes);
      if (proto::ends_job(cmd)) return out;
    }
  return out;
}

std::string describe_packet(const proto::packet& p) {
  std::string s(proto::name(p.cmd));
  for (const auto& a : p.args) s += " " + describe_bytes(a);
  if (!p.data.empty() || proto::info(p.cmd).has_data) s += " data " + describe_bytes(p.data);
  return s;
}

const work_function* function_named(const work_spec& w, const std::string& name) {
  for (const auto& f : w.functions)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace

void grade_worker_case(const case_spec& c, const case_observation& obs, case_result& r) {
  const grade level = severity_of(c.level);
  const auto& w = *c.work;
  const auto findings_before = r.findings.size();
  const auto verdict_before = r.verdict;
  // A scripted JOB_ASSIGN* that does not answer the worker's grab, or that
  // answers no grab at all.
  std::string unasked;
  std::vector<assignment> assigned;
  int grabs = 0;
  for (const auto& conn : obs.wire.connections) {
    if (conn.id <= obs.runner_connections) continue;
    const auto where = "connection " + std::to_string(conn.id) + ": ";
    decoded_stream from_client, to_client;
    std::set<std::string> announced;
    bool after_no_job = false, slept = false, woken = false, busy_reported = false, cando_reported = false;
    constexpr auto none = static_cast<std::size_t>(-1);
    std::size_t current = none;  // index into `assigned` of the job held here
    std::string last_request = "before any request";
    // Answers pair with grabs in order (WIRE 2), whenever either was
    // journaled: a server may write an assignment ahead of the grab it
    // answers (NO_JOB, NOOP and the assignment in one write), and that grab
    // takes it. An assignment no grab ever takes was not asked for, and its
    // job is never held. A NO_JOB only answers a grab already waiting: one
    // sent ahead would otherwise take the grab the next assignment answers.
    std::deque<command> grabs_waiting;
    std::deque<std::size_t> answers_ahead;  // indexes into `assigned`
    auto pair = [&](command grab, std::size_t index) {
      auto& a = assigned[index];
      a.held = true;
      current = index;
      if (!proto::info(a.kind).answers.has(grab) && unasked.empty())
        unasked = where + std::string(proto::name(grab)) + ", answered with " +
                  std::string(proto::name(a.kind)) + ", which does not answer it";
    };
    auto on_client = [&](const proto::packet& p) {
      if (p.mag != proto::magic::request)
        add_finding(r, level, "requests with the \\0REQ magic",
                    where + describe_packet(p) + " with another magic");
      if (p.cmd == command::can_do || p.cmd == command::can_do_timeout) announced.insert(p.args.at(0));
      if (p.cmd == command::reset_abilities) announced.clear();
      if (p.cmd == command::pre_sleep && after_no_job) slept = true;
      last_request = "after " + std::string(proto::name(p.cmd));
      if (proto::is_grab(p.cmd)) {
        ++grabs;
        if (answers_ahead.empty()) {
          grabs_waiting.push_back(p.cmd);
        } else {
          pair(p.cmd, answers_ahead.front());
          answers_ahead.pop_front();
        }
        for (const auto& f : w.functions)
          if (!announced.count(f.name) && !cando_reported) {
            add_finding(r, level, "CAN_DO for every function before the first grab on a connection",
                        where + std::string(proto::name(p.cmd)) + " before CAN_DO " + describe_bytes(f.name));
            cando_reported = true;
          }
        if (after_no_job && !(slept && woken) && !busy_reported) {
          add_finding(r, level, "after NO_JOB: PRE_SLEEP, then no grab until the server's NOOP",
                      where + std::string(proto::name(p.cmd)) + " again " +
                          (slept ? "after PRE_SLEEP but before any NOOP" : "without PRE_SLEEP"));
          busy_reported = true;
        }
        after_no_job = slept = woken = false;
      }
      if (proto::is_relayed(p.cmd)) {
        if (current == none || p.args.at(0) != assigned[current].handle) {
          add_finding(r, level,
                      "every WORK_* packet carries the handle of the job assigned on its connection",
                      where + describe_packet(p) +
                          (current == none ? std::string(" with no job assigned")
                                           : " while holding " + describe_bytes(assigned[current].handle)));
        } else {
          assigned[current].answers.push_back(p);
        }
      }
    };
    auto on_server = [&](const proto::packet& p) {
      if (p.cmd == command::no_job) {
        after_no_job = true, slept = woken = false;
        if (!grabs_waiting.empty()) grabs_waiting.pop_front();
      }
      if (p.cmd == command::noop && slept) woken = true;
      if (proto::is_assignment(p.cmd)) {
        assigned.push_back(assignment_of(conn.id, p));
        assigned.back().arrived = last_request;
        if (grabs_waiting.empty()) {
          answers_ahead.push_back(assigned.size() - 1);
        } else {
          pair(grabs_waiting.front(), assigned.size() - 1);
          grabs_waiting.pop_front();
        }
      }
    };
    for (const auto& ev : conn.events) {
      if (ev.what == wire_event::kind::from_client)
        from_client.feed(ev.bytes, on_client);
      else if (ev.what == wire_event::kind::to_client)
        to_client.feed(ev.bytes, on_server);
    }
    if (!from_client.problem().empty())
      add_finding(r, level, "the worker's bytes are well-formed request packets",
                  where + from_client.problem());
    for (const auto index : answers_ahead)
      if (unasked.empty())
        unasked = where + std::string(proto::name(assigned[index].kind)) + " " +
                  describe_bytes(assigned[index].handle) + " " + assigned[index].arrived +
                  ", which no GRAB_JOB* of the worker asked for";
  }
  // A fuzz trial's assignment stream is hostile on purpose: there an
  // assignment of another kind, or one nobody asked for, is one more thing
  // the worker must survive.
  if (!unasked.empty() && !w.expect_either) {
    // A script with fixed commands (a case about one assignment packet) met
    // a worker that grabs differently, or not yet (PRE_SLEEP first): the
    // case says nothing about it.
    r.findings.resize(findings_before);
    r.verdict = verdict_before;
    add_finding(r, grade::unimplemented, "a worker whose grab the case's scripted assignment answers",
                unasked);
    return;
  }
  if (w.max_grabs && grabs > *w.max_grabs)
    add_finding(
        r, level,
        "at most " + std::to_string(*w.max_grabs) + " GRAB_JOB* in the case (the worker sleeps, not polls)",
        std::to_string(grabs) + " grabs");

  // What the case expects of the outcome (nothing for `expect: either`).
  const bool ok_expected = w.expect_ok && !w.expect_either;
  const bool error_expected = !w.expect_ok && !w.expect_either;
  // The jobs the worker asked for, in order, and its answers for each. An
  // unasked assignment (only a fuzz trial's stream gets here with one) is
  // no job of the worker's.
  std::vector<const assignment*> held;
  for (const auto& a : assigned)
    if (a.held) held.push_back(&a);
  for (const auto* h : held) {
    const auto& a = *h;
    const auto* f = function_named(w, a.function);
    if (!f) continue;  // a job for an unregistered function: the library decides
    const auto want = expected_packets(*f, a.handle);
    const auto& got = a.answers;
    const auto job = "job " + describe_bytes(a.handle) + ": ";
    for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
      if (i >= got.size()) {
        if (ok_expected)
          add_finding(r, level, "the worker sends " + describe_packet(want[i]), job + "not sent");
        break;
      }
      if (i >= want.size() || !(got[i] == want[i])) {
        add_finding(r, level,
                    i < want.size() ? "the worker sends " + describe_packet(want[i])
                                    : "nothing more for the job after it ended",
                    job + "sent " + describe_packet(got[i]));
        break;
      }
    }
  }

  if (!obs.work) return;  // no valid answer: graded by the runner
  const auto& ans = *obs.work;
  r.jobs_reported_ok = static_cast<int>(ans.jobs.size());  // jobs the worker took
  for (std::size_t i = 0; i < ans.jobs.size(); ++i) {
    const auto& j = ans.jobs[i];
    const auto which = "reported job " + std::to_string(i + 1) + ": ";
    if (i >= held.size()) {
      add_finding(r, level, "only jobs the server assigned are reported",
                  which + "handle " + describe_bytes(j.handle) + " was never assigned in answer to a grab");
      continue;
    }
    const auto& a = *held[i];
    const std::pair<const char*, std::pair<const std::string*, const std::string*>> fields[] = {
        {"handle", {&a.handle, &j.handle}},
        {"function", {&a.function, &j.function}},
        {"unique", {&a.unique, &j.unique}},
        {"workload", {&a.workload, &j.workload}}};
    for (const auto& [name, pair] : fields)
      if (*pair.first != *pair.second)
        add_finding(r, level,
                    std::string("the job's ") + name +
                        " reaches the worker byte-exact: " + describe_bytes(*pair.first),
                    which + describe_bytes(*pair.second));
    if (ok_expected)
      for (std::size_t s = 0; s < j.steps.size(); ++s)
        if (!j.steps[s].ok)
          add_finding(r, level, "every action of the function succeeds",
                      which + "action " + std::to_string(s + 1) + " failed: " + j.steps[s].error);
  }
  const auto want_jobs = w.expect_jobs ? w.expect_jobs
                         : ok_expected ? std::optional<int>(w.max_jobs)
                                       : std::nullopt;
  if (want_jobs && static_cast<int>(ans.jobs.size()) != *want_jobs)
    add_finding(r, level, std::to_string(*want_jobs) + " job(s) reported", std::to_string(ans.jobs.size()));
  const auto reported = ans.error_class + " (" + ans.error + ": " + ans.message + ")";
  if (ok_expected && !ans.ok)
    add_finding(r, level, "the worker takes " + std::to_string(w.max_jobs) + " job(s) without an error",
                "error " + reported);
  if (error_expected && ans.ok) add_finding(r, level, "the library reports an error", "it reported success");
  if (const auto want = wrong_class(w.error_classes, ans.error_class); want && error_expected && !ans.ok)
    add_finding(r, std::min(level, grade::non_strict), *want, reported);
}

}  // namespace gearspec::conformance
