#include "gearspec/conformance/runner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "gearspec/conformance/adapter_process.hpp"
#include "gearspec/conformance/adapter_session.hpp"
#include "gearspec/conformance/case_loader.hpp"
#include "gearspec/conformance/grading.hpp"
#include "gearspec/mock/server.hpp"

namespace gearspec::conformance {
namespace {

using std::chrono::milliseconds;

/// A loopback port with nothing listening (bound, read, closed).
std::uint16_t unused_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

std::shared_ptr<const mock::scenario> parse_case_scenario(const case_spec& c) {
  try {
    return mock::parse_scenario(c.scenario_yaml, c.source_file, c.scenario_first_line);
  } catch (const mock::scenario_error& e) {
    throw case_file_error(e.file(), e.line(), "scenario of case " + c.id + ": " + e.what());
  }
}

observed_wire to_observed(const std::vector<mock::journal_entry>& journal) {
  observed_wire w;
  if (journal.empty()) return w;
  const auto t0 = journal.front().timestamp;
  auto conn = [&w](std::uint64_t id) -> wire_connection& {
    for (auto& c : w.connections)
      if (c.id == id) return c;
    w.connections.push_back(wire_connection{id, {}});
    return w.connections.back();
  };
  for (const auto& e : journal) {
    using k = mock::journal_entry::kind;
    if (e.connection == 0) {
      w.server_notes.push_back(std::string(mock::to_string(e.what)) + ": " + e.text);
      continue;
    }
    wire_event ev;
    ev.seconds = std::chrono::duration<double>(e.timestamp - t0).count();
    if (e.what == k::received || e.what == k::sent) {
      ev.what = e.what == k::received ? wire_event::kind::from_client : wire_event::kind::to_client;
      ev.bytes = e.bytes;
    } else {
      ev.text = std::string(mock::to_string(e.what)) + (e.text.empty() ? "" : ": " + e.text);
      if (e.what == k::mismatch)
        w.server_notes.push_back("connection " + std::to_string(e.connection) + ": " + e.text);
    }
    conn(e.connection).events.push_back(std::move(ev));
  }
  std::sort(w.connections.begin(), w.connections.end(),
            [](const wire_connection& a, const wire_connection& b) { return a.id < b.id; });
  return w;
}

std::uint64_t highest_connection(const std::vector<mock::journal_entry>& journal) {
  std::uint64_t m = 0;
  for (const auto& e : journal) m = std::max(m, e.connection);
  return m;
}

/// A worker's last packets may still be unread when its adapter has
/// exited: wait (at most 1 s) until every connection after `skip` has closed.
void settle(const mock::server& server, std::uint64_t skip) {
  const auto until = clock::now() + milliseconds(1000);
  while (clock::now() < until) {
    const auto journal = server.journal();
    std::vector<std::uint64_t> open;
    for (const auto& e : journal) {
      if (e.connection <= skip) continue;
      const bool ended =
          e.what == mock::journal_entry::kind::closed || e.what == mock::journal_entry::kind::reset;
      const auto it = std::find(open.begin(), open.end(), e.connection);
      if (ended && it != open.end()) open.erase(it);
      if (!ended && it == open.end() && e.what == mock::journal_entry::kind::accepted)
        open.push_back(e.connection);
    }
    if (open.empty()) return;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

std::string shorten(const std::string& line) {
  constexpr std::size_t keep = 600;
  if (line.size() <= keep) return line;
  return line.substr(0, keep) + "... (" + std::to_string(line.size()) + " bytes)";
}

/// How a case's adapter process ended, for the persistent-mode rules.
enum class process_outcome {
  healthy,  ///< answered everything (or the case stopped at a missing feature)
  ended,    ///< the process went away (exit or signal) without an answer
  failed,   ///< no answer by the deadline (killed) or a garbage answer
};

/// Drives one adapter process through hello (once per process) and the
/// case's requests. A persistent process comes in `session` and stays there
/// while healthy; otherwise the driver starts one and ends it after the case.
class process_driver {
 public:
  process_driver(const case_spec& c, const run_options& o, clock::time_point hard_deadline, case_result& r)
      : case_(c), opts_(o), hard_deadline_(hard_deadline), result_(r) {}

  /// `session`: the worker's persistent process (may be empty: one is
  /// started and left there), or nullptr for a process of this case only,
  /// ended after it with its exit status graded.
  process_outcome run(const std::string& server, std::vector<std::optional<std::vector<job_result>>>& answers,
                      std::vector<double>& request_ms, bool check_features, hello_answer& hello,
                      process_record& record, std::unique_ptr<adapter_session>* session) {
    std::unique_ptr<adapter_session> own;
    auto& slot = session ? *session : own;
    if (!slot) slot = std::make_unique<adapter_session>(opts_.adapter_argv);
    adapter_session& s = *slot;
    record.pid = s.pid();
    record.nth_case = s.begin_case();
    process_outcome outcome = process_outcome::healthy;
    if (!s.hello) {
      const int id = s.next_id();
      hello_answer h;
      outcome = ask(s, make_hello_request(id), opts_.startup_timeout_ms, "hello", record,
                    [&](const std::string& line, std::string& problem) {
                      return parse_hello_answer(line, id, h, problem);
                    });
      if (outcome == process_outcome::healthy) s.hello = std::move(h);
    }
    if (s.hello) hello = *s.hello;
    if (outcome == process_outcome::healthy && check_features) {
      std::string missing;
      for (const auto& f : required_features(case_))
        if (std::find(hello.features.begin(), hello.features.end(), f) == hello.features.end())
          missing += (missing.empty() ? "" : ", ") + f;
      if (!missing.empty()) {
        add_finding(result_, grade::unimplemented, "adapter feature(s) " + missing,
                    "not listed in its hello");
        unimplemented_ = true;
      }
      if (hello.protocol < required_protocol(case_)) {
        add_finding(result_, grade::unimplemented, protocol_needed(case_), protocol_spoken(hello));
        unimplemented_ = true;
      }
    }
    for (std::size_t q = 0;
         outcome == process_outcome::healthy && !unimplemented_ && q < case_.requests.size(); ++q) {
      const auto& spec = case_.requests[q];
      const int id = s.next_id();
      const auto request = spec.status ? make_status_request(id, server, spec)
                                       : make_submit_request(id, server, spec, hello.protocol);
      const auto sent_at = clock::now();
      std::vector<job_result> results;
      outcome = ask(s, request, deadline_ms(), "request " + std::to_string(q + 1), record,
                    [&](const std::string& line, std::string& problem) {
                      request_ms[q] =
                          std::chrono::duration<double, std::milli>(clock::now() - sent_at).count();
                      return spec.status ? parse_status_answer(line, id, results, problem)
                                         : parse_submit_answer(line, id, spec.jobs.size(), results, problem);
                    });
      if (outcome == process_outcome::healthy) answers[q] = std::move(results);
    }
    if (outcome == process_outcome::healthy && !unimplemented_ && case_.work)
      outcome = run_work(s, server, record);
    record.stderr_text = s.process().take_stderr();
    if (session && outcome == process_outcome::healthy) {
      record.exit_description = "kept running for the next case";
      return outcome;
    }
    // Orderly end (a process of this case only), or a failed process retired:
    // its exit status is graded only when nothing failed before.
    const auto findings_before = result_.findings.size();
    const auto ended = end_process(s.process(), opts_.exit_timeout_ms, hard_deadline_,
                                   outcome == process_outcome::healthy, "", result_);
    if (result_.findings.size() != findings_before) outcome = process_outcome::failed;
    record.stderr_text += s.process().take_stderr();
    record.exit_description = killed_ ? "killed by gearspec (no answer by the deadline)" : ended;
    exit_ = s.process().exit();
    slot.reset();
    return outcome;
  }

  bool unimplemented() const { return unimplemented_; }
  /// How the process ended, when the driver ended it (or it ended by itself).
  const exit_info& exit() const { return exit_; }
  /// Where a worker case's answer to `work` goes.
  void set_work_answer(std::optional<work_answer>* out) { work_out_ = out; }

 private:
  int deadline_ms() const { return opts_.case_timeout_ms.value_or(case_.deadline_ms); }

  process_outcome run_work(adapter_session& s, const std::string& server, process_record& record) {
    const int id = s.next_id();
    work_answer answer;
    const auto outcome = ask(s, make_work_request(id, server, *case_.work), deadline_ms(), "the work request",
                             record, [&](const std::string& line, std::string& problem) {
                               return parse_work_answer(line, id, answer, problem);
                             });
    if (outcome == process_outcome::healthy && work_out_) *work_out_ = std::move(answer);
    return outcome;
  }

  /// Exchange `request` (logged) and parse its answer with `parse(line,
  /// problem)`: an answer it rejects grades FAILED.
  template <typename Parse>
  process_outcome ask(adapter_session& s, const std::string& request, int wait_ms, const std::string& what,
                      process_record& record, Parse&& parse) {
    record.requests.push_back(shorten(request));
    std::string line, problem;
    auto outcome = exchange(s, request, wait_ms, what, line, record);
    if (outcome == process_outcome::healthy && !parse(line, problem)) {
      add_finding(result_, grade::failed, "a valid answer to " + what, problem + ": " + shorten(line));
      outcome = process_outcome::failed;
    }
    return outcome;
  }

  /// Write one request and read its answer line. On failure grades HUNG,
  /// CRASHED or FAILED and says how the process failed.
  process_outcome exchange(adapter_session& s, const std::string& request, int wait_ms,
                           const std::string& what, std::string& line, process_record& record) {
    auto& proc = s.process();
    const auto deadline = std::min(clock::now() + milliseconds(wait_ms), hard_deadline_);
    auto st = proc.write_line(request, deadline);
    if (st == adapter_process::io_status::done) st = s.read_answer(line, deadline, record.late_lines);
    if (st == adapter_process::io_status::done) {
      record.answers.push_back(shorten(line));
      return process_outcome::healthy;
    }
    if (st == adapter_process::io_status::timeout) {
      proc.kill();
      killed_ = true;
      // A case on library defaults (no caller timeout) grades the wait at its
      // own level: the client waited the whole deadline, it did not hang the run.
      if (case_.deadline_at_case_level)
        add_finding(result_, severity_of(case_.level),
                    "the library gives up by itself within " + std::to_string(wait_ms) + " ms",
                    "still waiting after " + std::to_string(wait_ms) + " ms; the adapter was killed");
      else
        add_finding(result_, grade::hung,
                    "an answer to " + what + " within " + std::to_string(wait_ms) + " ms",
                    "no answer; the adapter was killed");
      return process_outcome::failed;
    }
    // EOF: the adapter went away. How it ended decides the grade.
    proc.wait_exit(std::min(clock::now() + milliseconds(opts_.exit_timeout_ms), hard_deadline_));
    if (proc.running()) {
      proc.kill();
      killed_ = true;
      add_finding(result_, grade::hung, "an answer to " + what,
                  "the adapter closed stdout but did not exit; killed");
      return process_outcome::failed;
    }
    if (proc.exit().signaled) {
      add_finding(result_, grade::crashed, "an answer to " + what,
                  "the adapter was " + proc.exit().describe());
    } else {
      add_finding(result_, grade::failed, "an answer to " + what,
                  "the adapter ended (" + proc.exit().describe() + ") without answering");
    }
    return process_outcome::ended;
  }

  const case_spec& case_;
  const run_options& opts_;
  clock::time_point hard_deadline_;
  case_result& result_;
  bool unimplemented_ = false;
  bool killed_ = false;
  exit_info exit_;
  std::optional<work_answer>* work_out_ = nullptr;
};

void append_indented(std::string& out, const std::string& text, const char* indent) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += indent + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
}

std::string render_processes(const std::vector<process_record>& records) {
  std::string out;
  for (std::size_t p = 0; p < records.size(); ++p) {
    const auto& rec = records[p];
    out += "adapter process " + std::to_string(p + 1) + ": pid " + std::to_string(rec.pid) + ", case " +
           std::to_string(rec.nth_case) + " of this process (" + rec.exit_description + ")\n";
    if (rec.nth_case > 1) out += "  (hello was answered in the process's first case)\n";
    for (std::size_t i = 0; i < rec.requests.size(); ++i) {
      out += "  runner  -> " + rec.requests[i] + "\n";
      if (i < rec.answers.size()) out += "  adapter <- " + rec.answers[i] + "\n";
    }
    for (const auto& l : rec.late_lines)
      out += "  late output (an earlier case's id) <- " + shorten(l) + "\n";
    if (!rec.stderr_text.empty()) {
      out += "  stderr:\n";
      append_indented(out, rec.stderr_text, "    ");
    }
  }
  return out;
}

/// A case's result before grading: what the case is.
case_result result_of(const case_spec& c) {
  case_result r;
  r.case_id = c.id;
  r.title = c.title;
  r.section = c.section;
  r.level = c.level;
  r.requirement_text = c.requirement_text;
  return r;
}

/// One case's run, and what it tells the worker about its persistent process.
struct case_run {
  case_result result;
  hello_answer hello;
  /// The (first) process ended (exit or signal) without answering.
  bool process_ended = false;
  /// ... and it had served earlier cases: that may be the aftermath of the previous case.
  std::optional<exit_info> reused_process_ended;
  /// The process of this case's first run, rendered, for the evidence.
  std::string process_log;
};

/// `session`: the worker's persistent adapter process, or nullptr for
/// processes of this case only (--isolate, and every case with `processes`
/// above 1, whose point is fresh processes).
case_run run_case_until(const case_spec& c, const run_options& opts, clock::time_point hard_deadline,
                        std::unique_ptr<adapter_session>* session) {
  const auto started = clock::now();
  case_run out;
  case_result& r = out.result = result_of(c);

  std::unique_ptr<mock::server> server;
  std::string address;
  if (c.server == server_kind::refused) {
    address = "127.0.0.1:" + std::to_string(unused_loopback_port());
  } else {
    mock::options o;
    if (c.server == server_kind::scenario) o.script = parse_case_scenario(c);
    server = std::make_unique<mock::server>(o);
    server->start();
    address = server->address();
  }

  case_observation obs;
  std::vector<process_record> records;
  auto* slot = c.processes == 1 ? session : nullptr;
  if (c.work && server) {
    try {
      queue_jobs(server->port(), c.work->queued, 2000);
    } catch (const std::exception& e) {
      add_finding(r, grade::harness_error, "the case's jobs queued on the server", e.what());
    }
    obs.runner_connections = highest_connection(server->journal());
  }
  for (int p = 0; p < c.processes; ++p) {
    obs.answers.emplace_back(c.requests.size());
    obs.request_ms.emplace_back(c.requests.size(), 0.0);
    records.emplace_back();
    process_driver driver(c, opts, hard_deadline, r);
    driver.set_work_answer(&obs.work);
    hello_answer hello;
    const auto outcome =
        driver.run(address, obs.answers.back(), obs.request_ms.back(), p == 0, hello, records.back(), slot);
    obs.last_connection.push_back(server ? highest_connection(server->journal()) : 0);
    if (p == 0) obs.features = hello.features, out.hello = hello;
    if (p == 0 && outcome == process_outcome::ended) {
      out.process_ended = true;
      if (records.back().nth_case > 1) out.reused_process_ended = driver.exit();
    }
    if (outcome != process_outcome::healthy || driver.unimplemented()) break;
  }
  // A process of its own would now be closing; its library may still talk to
  // the server meanwhile (answer a NOOP, close). A persistent process gets
  // the same moment before the server stops, so the journal sees that traffic:
  // until the client's connections are closed, at most settle_ms.
  if (server && slot && *slot) {
    const auto until = clock::now() + milliseconds(opts.settle_ms);
    while (server->connection_count() > 0 && clock::now() < until)
      std::this_thread::sleep_for(milliseconds(1));
  }
  if (server && c.work) settle(*server, obs.runner_connections);
  if (server) {
    server->stop();
    obs.wire = to_observed(server->journal());
  }
  if (r.verdict != grade::unimplemented) grade_case(c, obs, r);
  // Clients that open with OPTION_REQ (PHP's extension, abraxas) meet a
  // scripted connection that expects a submit: gearmock scenarios cannot yet
  // answer an option first, so what follows says nothing about the client.
  if (c.server == server_kind::scenario) {
    const auto options = analyse(obs.wire).unanswered_options;
    if (!options.empty())
      add_finding(r, grade::harness_error,
                  "a scenario that answers the client's OPTION_REQ before the submit",
                  "connection " + std::to_string(options.front()) +
                      ": the client sent OPTION_REQ and the case's gearmock script did not answer it with "
                      "OPTION_RES; this case cannot grade a client that sends options first");
  }
  out.process_log = render_processes(records);
  r.wire_log = "server " + address + " (" + std::string(to_string(c.server)) + ")\n" +
               render_wire_log(obs.wire) + out.process_log;
  r.seconds = std::chrono::duration<double>(clock::now() - started).count();
  return out;
}

case_result not_started(const case_spec& c, int global_timeout_ms) {
  case_result r = result_of(c);
  add_finding(r, grade::harness_error, "the case runs within the global timeout",
              "not started: the global timeout of " + std::to_string(global_timeout_ms) + " ms was reached");
  return r;
}

/// One worker thread's persistent adapter process and the last case it
/// served. That case's result is held back until it is final: the process's
/// exit status, checked when the process is retired, belongs to it.
class persistent_worker {
 public:
  persistent_worker(const run_options& o, clock::time_point hard) : opts_(o), hard_(hard) {}

  /// Run case `i`; results that became final are passed to `publish`.
  template <typename Publish>
  void run(std::size_t i, const case_spec& c, Publish&& publish) {
    // A case of several processes runs in fresh ones: the persistent process
    // is retired first, so the held case is always the last one it served.
    if (c.processes != 1) retire();
    look_between_cases();
    auto run = run_case_until(c, opts_, hard_, opts_.isolate ? nullptr : &session_);
    if (run.reused_process_ended) {
      // Was it this case or the previous one's aftermath? A fresh process
      // answers that, and its run is exactly what --isolate would grade.
      const exit_info first_exit = *run.reused_process_ended;
      const std::string first_log = run.process_log;
      run = run_case_until(c, opts_, hard_, &session_);
      if (!run.process_ended)
        held_case_ended_later(first_exit,
                              "before it answered the next case, " + c.id +
                                  " (which then ran again in a fresh process and answered)",
                              "the next case's first attempt, in this case's process:\n" + first_log);
      run.result.wire_log +=
          "(ran twice: the first attempt's process, which had served earlier cases, ended "
          "without answering; this is the run in a fresh process)\n";
    }
    if (held_) publish(held_->index, std::move(held_->result), held_->hello);
    held_ = held_case{i, &c, std::move(run.result), std::move(run.hello)};
    if (opts_.isolate) finish(publish);
  }

  /// The end of the run: retire the process, publish the held case.
  template <typename Publish>
  void finish(Publish&& publish) {
    retire();
    if (held_) publish(held_->index, std::move(held_->result), held_->hello);
    held_.reset();
  }

 private:
  struct held_case {
    std::size_t index;
    const case_spec* spec;
    case_result result;
    hello_answer hello;
  };

  /// Close the persistent process's stdin and grade its exit on the held case.
  void retire() {
    look_between_cases();
    if (session_ && held_) {
      const auto pid = session_->pid();
      const int served = session_->cases_served();
      // Past the global timeout there is no time left to wait for an exit:
      // the process is killed and nothing is graded.
      const auto ended = end_process(session_->process(), opts_.exit_timeout_ms, hard_, clock::now() < hard_,
                                     " (pid " + std::to_string(pid) + ", retired after " +
                                         std::to_string(served) + " case(s); this case was its last)",
                                     held_->result);
      held_->result.wire_log +=
          "adapter process pid " + std::to_string(pid) + " retired (stdin closed): " + ended + "\n";
      append_stderr(session_->process().take_stderr());
    }
    session_.reset();
  }

  /// Output the persistent process wrote after the held case's last answer
  /// goes to that case's log; a process that ended meanwhile is retired, its
  /// exit status graded on that case (what --isolate checks after each case).
  void look_between_cases() {
    if (!session_ || !held_) return;
    std::vector<std::string> lines;
    std::string err;
    session_->collect_idle_output(lines, err);
    auto& log = held_->result.wire_log;
    for (const auto& l : lines) log += "late output after the last answer <- " + shorten(l) + "\n";
    append_stderr(err);
    if (!session_->process().running()) {
      const auto ended = session_->process().exit();
      log += "adapter process pid " + std::to_string(session_->pid()) +
             " ended after the last answer: " + ended.describe() + "\n";
      session_.reset();
      held_case_ended_later(ended, "after this case's last answer", "");
    }
  }

  /// The persistent process that served the held case ended by itself after
  /// answering it. A clean exit grades nothing. A failed one may be the
  /// aftermath of any case it served (a library's late error on a connection
  /// it kept), so the held case runs again in a process of its own, as
  /// --isolate runs it, and that run is its grade: the same grade in both
  /// modes, and never a failure pinned on a case that did not cause it.
  void held_case_ended_later(const exit_info& ended, const std::string& when, const std::string& extra_log) {
    if (!held_ || (!ended.signaled && ended.code == 0)) return;
    const std::string context = " (the process that served this case ended by itself " + when + ")";
    if (clock::now() >= hard_) {  // no time left for a second run
      grade_exit(ended, context, held_->result);
      held_->result.wire_log += extra_log;
      return;
    }
    auto rerun = run_case_until(*held_->spec, opts_, hard_, nullptr);
    rerun.result.wire_log +=
        "(ran twice: the persistent process that served this case's first run ended by itself " + when +
        ", " + ended.describe() +
        "; that may be the aftermath of any case it served, so this is the case's run in a "
        "process of its own, as --isolate runs it)\nthe first run:\n" +
        held_->result.wire_log + extra_log;
    held_->result = std::move(rerun.result);
    if (!rerun.hello.name.empty()) held_->hello = std::move(rerun.hello);
  }

  void append_stderr(const std::string& err) {
    if (err.empty()) return;
    held_->result.wire_log += "stderr after the last answer:\n";
    append_indented(held_->result.wire_log, err, "    ");
  }

  const run_options& opts_;
  clock::time_point hard_;
  std::unique_ptr<adapter_session> session_;
  std::optional<held_case> held_;
};

}  // namespace

void validate_scenarios(const std::vector<case_spec>& cases) {
  for (const auto& c : cases)
    if (c.server == server_kind::scenario) parse_case_scenario(c);
}

case_result run_case(const case_spec& c, const run_options& opts, hello_answer* adapter_out) {
  const auto hard = opts.global_timeout_ms ? clock::now() + milliseconds(*opts.global_timeout_ms)
                                           : clock::time_point::max();
  auto run = run_case_until(c, opts, hard, nullptr);
  if (adapter_out) *adapter_out = run.hello;
  return std::move(run.result);
}

suite_result run_suite(const std::vector<case_spec>& cases, const run_options& opts) {
  validate_scenarios(cases);
  const auto started = clock::now();
  const auto hard =
      opts.global_timeout_ms ? started + milliseconds(*opts.global_timeout_ms) : clock::time_point::max();
  suite_result suite;
  suite.client_label = opts.client_label;
  suite.results.resize(cases.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::size_t done = 0;
  std::string harness_failure;
  bool have_hello = false;

  auto publish = [&](std::size_t i, case_result&& r, const hello_answer& hello) {
    std::lock_guard<std::mutex> lock(mu);
    if (!have_hello && !hello.name.empty()) suite.adapter = hello, have_hello = true;
    suite.results[i] = std::move(r);
    ++done;
    if (opts.on_result) opts.on_result(suite.results[i], done, cases.size());
  };
  auto worker = [&] {
    persistent_worker w(opts, hard);
    try {
      for (;;) {
        const std::size_t i = next.fetch_add(1);
        if (i >= cases.size() || stop) break;
        if (clock::now() >= hard)
          publish(i, not_started(cases[i], *opts.global_timeout_ms), {});
        else
          w.run(i, cases[i], publish);
      }
      w.finish(publish);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (harness_failure.empty()) harness_failure = e.what();
      stop = true;
    }
  };
  unsigned n = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  n = static_cast<unsigned>(std::min<std::size_t>(n, std::max<std::size_t>(1, cases.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (!harness_failure.empty()) throw std::runtime_error(harness_failure);
  suite.seconds = std::chrono::duration<double>(clock::now() - started).count();
  return suite;
}

}  // namespace gearspec::conformance
