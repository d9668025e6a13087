#include "gearspec/conformance/runner.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "gearspec/conformance/adapter_process.hpp"
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
    const double t = std::chrono::duration<double>(e.timestamp - t0).count();
    using k = mock::journal_entry::kind;
    if (e.connection == 0) {
      w.server_notes.push_back(std::string(mock::to_string(e.what)) + ": " + e.text);
      continue;
    }
    wire_event ev;
    ev.seconds = t;
    if (e.what == k::received) {
      ev.what = wire_event::kind::from_client;
      ev.bytes = e.bytes;
    } else if (e.what == k::sent) {
      ev.what = wire_event::kind::to_client;
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

std::string shorten(const std::string& line) {
  constexpr std::size_t keep = 600;
  if (line.size() <= keep) return line;
  return line.substr(0, keep) + "... (" + std::to_string(line.size()) + " bytes)";
}

/// Drives one adapter process through hello and the case's requests.
class process_driver {
 public:
  process_driver(const case_spec& c, const run_options& o, clock::time_point hard_deadline, case_result& r)
      : case_(c), opts_(o), hard_deadline_(hard_deadline), result_(r) {}

  /// Returns false when the process failed (graded already) and the case should stop.
  bool run(const std::string& server, std::vector<std::optional<std::vector<job_result>>>& answers,
           std::vector<double>& request_ms, bool check_features, hello_answer& hello, process_record& record) {
    adapter_process proc(opts_.adapter_argv);
    bool healthy = true;
    std::string line;
    const auto hello_request = make_hello_request(0);
    record.requests.push_back(hello_request);
    if (!exchange(proc, hello_request, opts_.startup_timeout_ms, "hello", line, record)) {
      healthy = false;
    } else {
      std::string problem;
      if (!parse_hello_answer(line, 0, hello, problem)) {
        add_finding(result_, grade::failed, "a valid answer to hello", problem + ": " + shorten(line));
        healthy = false;
      }
    }
    if (healthy && check_features) {
      std::string missing;
      for (const auto& f : required_features(case_))
        if (std::find(hello.features.begin(), hello.features.end(), f) == hello.features.end())
          missing += (missing.empty() ? "" : ", ") + f;
      if (!missing.empty()) {
        add_finding(result_, grade::unimplemented, "adapter feature(s) " + missing, "not listed in its hello");
        unimplemented_ = true;
      }
      if (hello.protocol < required_protocol(case_)) {
        add_finding(result_, grade::unimplemented, protocol_needed(case_), protocol_spoken(hello));
        unimplemented_ = true;
      }
    }
    for (std::size_t q = 0; healthy && !unimplemented_ && q < case_.requests.size(); ++q) {
      const auto& spec = case_.requests[q];
      const int id = static_cast<int>(q + 1);
      const auto request = spec.status ? make_status_request(id, server, spec)
                                       : make_submit_request(id, server, spec, hello.protocol);
      record.requests.push_back(shorten(request));
      const auto sent_at = clock::now();
      if (!exchange(proc, request, deadline_ms(), "request " + std::to_string(q + 1), line, record)) {
        healthy = false;
        break;
      }
      request_ms[q] = std::chrono::duration<double, std::milli>(clock::now() - sent_at).count();
      std::vector<job_result> results;
      std::string problem;
      if (!(spec.status ? parse_status_answer(line, id, results, problem)
                        : parse_submit_answer(line, id, spec.jobs.size(), results, problem))) {
        add_finding(result_, grade::failed, "a valid answer to request " + std::to_string(q + 1),
                    problem + ": " + shorten(line));
        healthy = false;
        break;
      }
      answers[q] = std::move(results);
    }
    // Orderly end: stdin closed, the adapter exits with status 0.
    proc.close_stdin();
    if (!proc.wait_exit(std::min(clock::now() + milliseconds(opts_.exit_timeout_ms), hard_deadline_))) {
      proc.kill();
      if (healthy)
        add_finding(result_, grade::hung, "the adapter exits when its stdin closes",
                    "still running after " + std::to_string(opts_.exit_timeout_ms) + " ms; killed");
      healthy = false;
    } else if (healthy && proc.exit().signaled) {
      add_finding(result_, grade::crashed, "the adapter exits normally after answering",
                  proc.exit().describe());
      healthy = false;
    } else if (healthy && proc.exit().code != 0) {
      add_finding(result_, grade::failed, "the adapter exits with status 0 when its stdin closes",
                  proc.exit().describe());
    }
    record.stderr_text = proc.stderr_text();
    record.exit_description = killed_ ? "killed by gearspec (no answer by the deadline)" : proc.exit().describe();
    return healthy;
  }

  bool unimplemented() const { return unimplemented_; }

 private:
  int deadline_ms() const { return opts_.case_timeout_ms.value_or(case_.deadline_ms); }

  /// Write one request and read its answer line. On failure grades HUNG,
  /// CRASHED or FAILED and returns false.
  bool exchange(adapter_process& proc, const std::string& request, int wait_ms, const std::string& what,
                std::string& line, process_record& record) {
    const auto deadline = std::min(clock::now() + milliseconds(wait_ms), hard_deadline_);
    auto st = proc.write_line(request, deadline);
    if (st == adapter_process::io_status::done) st = proc.read_line(line, deadline);
    if (st == adapter_process::io_status::done) {
      record.answers.push_back(shorten(line));
      return true;
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
        add_finding(result_, grade::hung, "an answer to " + what + " within " + std::to_string(wait_ms) + " ms",
                    "no answer; the adapter was killed");
      return false;
    }
    // EOF: the adapter went away. How it ended decides the grade.
    proc.wait_exit(std::min(clock::now() + milliseconds(opts_.exit_timeout_ms), hard_deadline_));
    if (proc.running()) {
      proc.kill();
      killed_ = true;
      add_finding(result_, grade::hung, "an answer to " + what,
                  "the adapter closed stdout but did not exit; killed");
    } else if (proc.exit().signaled) {
      add_finding(result_, grade::crashed, "an answer to " + what, "the adapter was " + proc.exit().describe());
    } else {
      add_finding(result_, grade::failed, "an answer to " + what,
                  "the adapter ended (" + proc.exit().describe() + ") without answering");
    }
    return false;
  }

  const case_spec& case_;
  const run_options& opts_;
  clock::time_point hard_deadline_;
  case_result& result_;
  bool unimplemented_ = false;
  bool killed_ = false;
};

std::string render_processes(const std::vector<process_record>& records) {
  std::string out;
  for (std::size_t p = 0; p < records.size(); ++p) {
    const auto& rec = records[p];
    out += "adapter process " + std::to_string(p + 1) + " (" + rec.exit_description + ")\n";
    for (std::size_t i = 0; i < rec.requests.size(); ++i) {
      out += "  runner  -> " + rec.requests[i] + "\n";
      if (i < rec.answers.size()) out += "  adapter <- " + rec.answers[i] + "\n";
    }
    if (!rec.stderr_text.empty()) {
      out += "  stderr:\n";
      std::size_t start = 0;
      while (start < rec.stderr_text.size()) {
        auto end = rec.stderr_text.find('\n', start);
        if (end == std::string::npos) end = rec.stderr_text.size();
        out += "    " + rec.stderr_text.substr(start, end - start) + "\n";
        start = end + 1;
      }
    }
  }
  return out;
}

case_result run_case_until(const case_spec& c, const run_options& opts, clock::time_point hard_deadline,
                           hello_answer* adapter_out) {
  const auto started = clock::now();
  case_result r;
  r.case_id = c.id;
  r.title = c.title;
  r.section = c.section;
  r.level = c.level;
  r.requirement_text = c.requirement_text;

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
  hello_answer hello;
  for (int p = 0; p < c.processes; ++p) {
    obs.answers.emplace_back(c.requests.size());
    obs.request_ms.emplace_back(c.requests.size(), 0.0);
    records.emplace_back();
    process_driver driver(c, opts, hard_deadline, r);
    const bool healthy = driver.run(address, obs.answers.back(), obs.request_ms.back(), p == 0, hello, records.back());
    obs.last_connection.push_back(server ? highest_connection(server->journal()) : 0);
    if (p == 0) obs.features = hello.features;
    if (p == 0 && adapter_out) *adapter_out = hello;
    if (!healthy || driver.unimplemented()) break;
  }
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
      add_finding(r, grade::harness_error, "a scenario that answers the client's OPTION_REQ before the submit",
                  "connection " + std::to_string(options.front()) +
                      ": the client sent OPTION_REQ and the case's gearmock script did not answer it with "
                      "OPTION_RES; this case cannot grade a client that sends options first");
  }
  r.wire_log = "server " + address + " (" + std::string(to_string(c.server)) + ")\n" +
               render_wire_log(obs.wire) + render_processes(records);
  r.seconds = std::chrono::duration<double>(clock::now() - started).count();
  return r;
}

}  // namespace

void validate_scenarios(const std::vector<case_spec>& cases) {
  for (const auto& c : cases)
    if (c.server == server_kind::scenario) parse_case_scenario(c);
}

case_result run_case(const case_spec& c, const run_options& opts, hello_answer* adapter_out) {
  const auto hard = opts.global_timeout_ms ? clock::now() + milliseconds(*opts.global_timeout_ms)
                                           : clock::time_point::max();
  return run_case_until(c, opts, hard, adapter_out);
}

suite_result run_suite(const std::vector<case_spec>& cases, const run_options& opts) {
  validate_scenarios(cases);
  const auto started = clock::now();
  const auto hard = opts.global_timeout_ms ? started + milliseconds(*opts.global_timeout_ms)
                                           : clock::time_point::max();
  suite_result suite;
  suite.client_label = opts.client_label;
  suite.results.resize(cases.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::size_t done = 0;
  std::string harness_failure;
  bool have_hello = false;

  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= cases.size() || stop) return;
      case_result r;
      hello_answer hello;
      if (clock::now() >= hard) {
        r.case_id = cases[i].id;
        r.title = cases[i].title;
        r.section = cases[i].section;
        r.level = cases[i].level;
        r.requirement_text = cases[i].requirement_text;
        add_finding(r, grade::harness_error, "the case runs within the global timeout",
                    "not started: the global timeout of " + std::to_string(*opts.global_timeout_ms) +
                        " ms was reached");
      } else {
        try {
          r = run_case_until(cases[i], opts, hard, &hello);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(mu);
          if (harness_failure.empty()) harness_failure = e.what();
          stop = true;
          return;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      if (!have_hello && !hello.name.empty()) suite.adapter = hello, have_hello = true;
      suite.results[i] = std::move(r);
      ++done;
      if (opts.on_result) opts.on_result(suite.results[i], done, cases.size());
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
