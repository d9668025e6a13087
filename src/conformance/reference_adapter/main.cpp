// gearspec-adapter-reference: the adapter (docs/conformance.md, protocol v2:
// bytes in every field) for gearspec's own reference client. It is started as a subprocess
// like any other adapter, so the runner treats every client the same way.
//
//   gearspec-adapter-reference                    the reference client
//   gearspec-adapter-reference --break=MODE       deliberately broken (runner tests)
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "broken_mode.hpp"
#include "gearspec/client/client.hpp"
#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/util/encoding.hpp"
#include "work.hpp"

namespace {

using json = nlohmann::json;
using gearspec::proto::return_code;
namespace client = gearspec::client;
using gearspec::reference_adapter::broken_mode;
using gearspec::reference_adapter::error_result;
using gearspec::reference_adapter::utf8_replaced;

/// ADAPTER.md error classes from the reference client's return codes.
std::string error_class_of(return_code rc, const std::string& server_code) {
  if (!server_code.empty()) return "server_error";
  return gearspec::reference_adapter::error_class_of_code(rc);
}

/// What a dynamic language makes of a string that reads as a number when it
/// converts it back to text: "007" -> "7", "1e3" -> "1000" (coerce-numeric).
std::string coerced(const std::string& s) {
  if (s.empty()) return s;
  const char first = s[0] == '-' || s[0] == '+' ? (s.size() > 1 ? s[1] : 'x') : s[0];
  if (!std::isdigit(static_cast<unsigned char>(first)) && first != '.') return s;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return s;
  if (std::abs(v) < 1e15 && v == static_cast<double>(static_cast<long long>(v)))
    return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string stripped(const std::string& s) {
  const char* ws = " \t\r\n\v\f";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

/// The broken modes that alter a job's arguments before the client sees
/// them. Returns true when the job is to be reported rejected after sending.
bool mutate_arguments(broken_mode mode, std::string& function, std::string& unique, std::string& workload) {
  switch (mode) {
    case broken_mode::trailing_nul:
      workload.push_back('\0');
      break;
    case broken_mode::drop_unique:
      unique.clear();
      break;
    case broken_mode::strip_whitespace:
      unique = stripped(unique);
      break;
    case broken_mode::coerce_numeric:
      function = coerced(function), unique = coerced(unique), workload = coerced(workload);
      break;
    case broken_mode::falsy_unique:
      if (unique == "0") unique.clear();
      break;
    case broken_mode::reencode_utf8:
      function = utf8_replaced(function), unique = utf8_replaced(unique);
      break;
    case broken_mode::truncate_reject: {
      const bool over =
          function.size() > client::max_function_size || unique.size() > client::max_unique_size;
      if (function.size() > client::max_function_size) function.resize(client::max_function_size);
      if (unique.size() > client::max_unique_size) unique.resize(client::max_unique_size);
      return over;
    }
    default:
      break;
  }
  return false;
}

/// A result's byte field: v2's `<name>_b64` (plus the text when UTF-8), or
/// only v1's text when the adapter plays a v1 adapter (protocol-1).
void put_field(json& r, const std::string& name, const std::string& bytes, broken_mode mode) {
  if (mode == broken_mode::protocol_1)
    r[name] = bytes;
  else
    gearspec::conformance::put_bytes_field(r, name, bytes);
}

json submit(const json& request, broken_mode mode) {
  client::client c;
  json results = json::array();
  const auto& jobs = request.at("jobs");
  if (c.add_servers(request.at("server").get<std::string>()) != return_code::success) {
    for (std::size_t i = 0; i < jobs.size(); ++i)
      results.push_back(
          error_result("invalid_argument", return_code::invalid_argument, "bad server address"));
    return results;
  }
  c.set_timeout(request.value("timeout_ms", -1));

  struct job_state {
    std::string function, unique, workload;
    client::task task;
    client::task retry;  // blind-retry: the same submit once more
    return_code add_rc = return_code::success;
    bool report_rejected = false;  // truncate-reject
  };
  std::vector<std::unique_ptr<job_state>> states;
  for (const auto& j : jobs) {
    auto s = std::make_unique<job_state>();
    s->function = gearspec::conformance::get_bytes_field(j, "function").value_or("");
    s->unique = gearspec::conformance::get_bytes_field(j, "unique").value_or("");
    if (gearspec::util::base64_decode(j.value("workload_b64", ""), s->workload))
      throw std::runtime_error("workload_b64 is not base64");
    s->report_rejected = mutate_arguments(mode, s->function, s->unique, s->workload);
    const auto prio = j.value("priority", "normal");
    client::job_request req;
    req.function = s->function;
    req.unique = s->unique;
    req.workload = s->workload;
    req.prio = prio == "high"  ? client::priority::high
               : prio == "low" ? client::priority::low
                               : client::priority::normal;
    req.background = j.value("background", true);
    s->add_rc = c.add_task(s->task, req);
    if (mode == broken_mode::blind_retry && s->add_rc == return_code::success) {
      client::job_request again = req;  // the same bytes, generated unique included
      again.unique = s->task.unique();
      c.add_task(s->retry, again);
    }
    states.push_back(std::move(s));
  }
  c.run_tasks();
  for (auto& s : states) {
    json r;
    const return_code rc = s->add_rc != return_code::success ? s->add_rc : s->task.result();
    if (s->report_rejected) {
      r = error_result("invalid_argument", return_code::invalid_argument, "argument longer than the limit");
    } else if (mode == broken_mode::always_error) {
      r = error_result("other", return_code::unknown_state, "every job reported as failed");
    } else if (rc == return_code::success) {
      r = {{"ok", true}};
      std::string handle(s->task.handle());
      if (mode == broken_mode::reencode_utf8) handle = utf8_replaced(handle);
      if (mode != broken_mode::no_handle && mode != broken_mode::hide_handles)
        put_field(r, "handle", handle, mode);
    } else if (mode == broken_mode::success_on_error) {
      r = {{"ok", true}, {"handle", "H:never-created"}};
    } else if (s->add_rc != return_code::success) {
      r = error_result(error_class_of(rc, s->task.server_code()), rc, c.error());
    } else {
      r = error_result(error_class_of(rc, s->task.server_code()), rc,
                       s->task.error_text().empty() ? c.error() : s->task.error_text());
      if (!s->task.server_code().empty()) r["server_code"] = s->task.server_code();
    }
    if (s->add_rc == return_code::success) put_field(r, "unique", std::string(s->task.unique()), mode);
    results.push_back(std::move(r));
    c.remove_task(s->task);
    c.remove_task(s->retry);
  }
  return results;
}

/// GET_STATUS (`handle`) or GET_STATUS_UNIQUE (`unique`) with the reference
/// client's one-shot calls: the answer of the `status` op.
json status(const json& request, broken_mode mode) {
  client::client c;
  if (c.add_servers(request.at("server").get<std::string>()) != return_code::success)
    return error_result("invalid_argument", return_code::invalid_argument, "bad server address");
  c.set_timeout(request.value("timeout_ms", -1));
  const bool by_unique = request.contains("unique_b64") || request.contains("unique");
  auto key = gearspec::conformance::get_bytes_field(request, by_unique ? "unique" : "handle").value_or("");
  if (mode == broken_mode::status_trailing_nul) key.push_back('\0');
  client::job_status st;
  const return_code rc = by_unique ? c.get_unique_status(key, st) : c.get_job_status(key, st);
  if (rc != return_code::success) {
    const bool made_up = mode == broken_mode::status_success_on_error ||
                         (mode == broken_mode::status_atoi && rc == return_code::invalid_packet);
    if (!made_up) return error_result(error_class_of(rc, ""), rc, c.error());
    // What atoi makes of fields it cannot read: zeros, and the call succeeds.
    st = client::job_status{};
    st.known = true;
  }
  if (mode == broken_mode::status_ignore_flags) st.known = st.running = true;
  json r{{"ok", true},
         {"known", st.known},
         {"running", st.running},
         {"numerator", st.numerator},
         {"denominator", st.denominator}};
  if (by_unique) r["client_count"] = st.client_count;
  return r;
}

/// Runner-test mutations that act on the whole request.
void before_answering(const json& request, broken_mode mode) {
  const auto& jobs = request.at("jobs");
  for (const auto& j : jobs) {
    if (mode == broken_mode::never_answer && jobs.size() > 1 && j.value("priority", "normal") == "low")
      for (;;) ::pause();
    if (mode == broken_mode::crash && j.value("workload_b64", "").empty()) {
      ::signal(SIGSEGV, SIG_DFL);  // die by the signal even where a sanitizer installed a handler
      ::raise(SIGSEGV);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gearspec reference adapter (adapter protocol v2 on stdin/stdout)"};
  std::string break_name = "none";
  app.add_option("--break", break_name, "deliberately broken behaviour, for testing the runner")
      ->check(CLI::IsMember(gearspec::reference_adapter::broken_mode_names()));
  bool list_breaks = false;
  app.add_flag("--list-breaks", list_breaks, "print the names of the broken modes, one a line, and exit");
  CLI11_PARSE(app, argc, argv);
  if (list_breaks) {
    for (const auto& name : gearspec::reference_adapter::broken_mode_names())
      if (name != "none") std::cout << name << "\n";
    return 0;
  }
  const broken_mode mode = *gearspec::reference_adapter::parse_broken_mode(break_name);
  ::signal(SIGPIPE, SIG_IGN);

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    json answer;
    try {
      const auto request = json::parse(line);
      const auto op = request.at("op").get<std::string>();
      answer["id"] = request.at("id");
      if (op == "hello") {
        answer["name"] = "gearspec-reference";
        if (mode != broken_mode::protocol_1) answer["protocol"] = gearspec::conformance::adapter_protocol_v2;
        answer["version"] = GEARSPEC_VERSION;
        answer["features"] = {"background", "high", "low", "batch", "unique_readback", "timeout"};
        if (mode != broken_mode::hide_handles) answer["features"].push_back("handle_readback");
        answer["features"].push_back("work");
        // The status op exists from protocol 2 on.
        if (mode != broken_mode::protocol_1)
          for (const char* f : {"status", "status_unique"}) answer["features"].push_back(f);
      } else if (op == "status") {
        answer.update(status(request, mode));
      } else if (op == "submit") {
        before_answering(request, mode);
        answer["results"] = submit(request, mode);
      } else if (op == "work") {
        answer.update(gearspec::reference_adapter::work(request, mode));
      } else {
        std::cerr << "unknown op '" << op << "'\n";
        answer["error"] = "unknown op";
      }
    } catch (const std::exception& e) {
      std::cerr << "gearspec-adapter-reference: bad request: " << e.what() << "\n";
      return 2;
    }
    std::cout << answer.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
  }
  return 0;
}
