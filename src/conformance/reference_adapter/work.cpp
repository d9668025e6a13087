#include "work.hpp"

#include <chrono>
#include <memory>
#include <thread>

#include "gearspec/client/worker.hpp"
#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::reference_adapter {
namespace {

using json = nlohmann::json;
using proto::return_code;
namespace client = gearspec::client;

std::string bytes_of(const json& o, const char* name) {
  return conformance::get_bytes_field(o, name).value_or("");
}

/// Run one job's actions; each step's outcome goes to `steps`.
void run_actions(client::job& j, const json& actions, broken_mode mode, json& steps) {
  // trailing-nul: every payload the worker sends one byte longer.
  auto payload = [mode](const json& a) {
    auto b = bytes_of(a, "data");
    if (mode == broken_mode::trailing_nul) b.push_back('\0');
    return b;
  };
  for (const auto& a : actions) {
    const auto what = a.at("do").get<std::string>();
    return_code rc = return_code::success;
    if (what == "complete") {
      rc = j.send_complete(payload(a));
    } else if (what == "fail") {
      rc = mode == broken_mode::worker_complete_all ? j.send_complete("") : j.send_fail();
    } else if (what == "exception") {
      rc = mode == broken_mode::worker_complete_all ? j.send_complete("") : j.send_exception(payload(a));
    } else if (what == "status") {
      auto n = a.at("numerator").get<std::uint32_t>(), d = a.at("denominator").get<std::uint32_t>();
      if (mode == broken_mode::worker_swap_status) std::swap(n, d);
      rc = j.send_status(n, d);
    } else if (what == "data") {
      rc = j.send_data(payload(a));
    } else if (what == "warning") {
      rc = j.send_warning(payload(a));
    } else if (what == "sleep") {
      std::this_thread::sleep_for(std::chrono::milliseconds(a.at("ms").get<int>()));
    } else {
      throw std::runtime_error("unknown action '" + what + "'");
    }
    if (rc == return_code::success)
      steps.push_back({{"ok", true}});
    else
      steps.push_back({{"ok", false}, {"error", proto::return_code_identifier(static_cast<int>(rc))}});
  }
}

}  // namespace

/// What a library that keeps text as Unicode makes of bytes that are not
/// UTF-8 (reencode-utf8): each byte that starts no valid sequence becomes
/// U+FFFD, as Python's "replace", JavaScript's TextDecoder and JSON encoders do.
std::string utf8_replaced(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 0;
    for (std::size_t n = 1; n <= 4 && i + n <= s.size() && !len; ++n)
      if (util::is_valid_utf8(std::string_view(s).substr(i, n))) len = n;
    if (len) {
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out;
}

std::string error_class_of_code(return_code rc) {
  switch (rc) {
    case return_code::server_error:  // an ERROR packet with an empty or unknown code
      return "server_error";
    case return_code::invalid_argument:
    case return_code::argument_too_large:
      return "invalid_argument";
    case return_code::could_not_connect:
    case return_code::no_servers:
    case return_code::getaddrinfo:
      return "could_not_connect";
    case return_code::lost_connection:
      return "lost_connection";
    case return_code::invalid_magic:
    case return_code::invalid_command:
    case return_code::invalid_packet:
    case return_code::unexpected_packet:
    case return_code::too_many_args:
      return "protocol_error";
    case return_code::timeout:
      return "timeout";
    default:
      return "other";
  }
}

json error_result(const std::string& error_class, return_code rc, const std::string& message) {
  return {{"ok", false},
          {"error_class", error_class},
          {"error", proto::return_code_identifier(static_cast<int>(rc))},
          {"message", message}};
}

json work(const json& request, broken_mode mode) {
  const auto server = request.at("server").get<std::string>();
  const int timeout = request.value("timeout_ms", -1);
  const int max_jobs = request.value("max_jobs", 1);
  json jobs = json::array();
  auto reported = [mode](const std::string& bytes) {
    return mode == broken_mode::reencode_utf8 ? utf8_replaced(bytes) : bytes;
  };
  auto make_worker = [&](int worker_timeout) {
    auto w = std::make_unique<client::worker>();
    w->add_servers(server);
    w->set_timeout(worker_timeout);
    for (const auto& f : request.at("functions")) {
      const auto actions = f.at("actions");
      w->add_function(bytes_of(f, "name"), 0, [&jobs, actions, mode, reported](client::job& j) {
        json rec;
        conformance::put_bytes_field(rec, "handle", reported(std::string(j.handle())));
        conformance::put_bytes_field(rec, "function", reported(std::string(j.function())));
        conformance::put_bytes_field(rec, "unique", reported(std::string(j.unique())));
        conformance::put_bytes_field(rec, "workload", std::string(j.workload()));
        rec["steps"] = json::array();
        run_actions(j, actions, mode, rec["steps"]);
        jobs.push_back(std::move(rec));
        return return_code::success;
      });
    }
    return w;
  };
  json result{{"ok", true}};
  if (mode == broken_mode::worker_busy_poll) {
    // A worker that polls: a fresh connection and grab every 10 ms until
    // the caller's timeout is spent, instead of sleeping until NOOP.
    const auto end =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout < 0 ? 1000 : timeout);
    int done = 0;
    while (done < max_jobs && std::chrono::steady_clock::now() < end) {
      auto w = make_worker(10);
      const auto rc = w->work();
      if (rc == return_code::success) ++done;
      if (rc != return_code::success && rc != return_code::timeout) {
        result = error_result(error_class_of_code(rc), rc, w->error());
        break;
      }
    }
    if (done < max_jobs && result["ok"] == true)
      result = error_result("timeout", return_code::timeout, "polled");
  } else {
    auto w = make_worker(timeout);
    for (int i = 0; i < max_jobs; ++i) {
      const auto rc = w->work();
      if (rc != return_code::success) {
        result = error_result(error_class_of_code(rc), rc, w->error());
        break;
      }
    }
  }
  if (mode == broken_mode::worker_ignore_errors) result = {{"ok", true}};
  if (mode == broken_mode::always_error) result = error_result("other", return_code::unknown_state, "always");
  return {{"jobs", std::move(jobs)}, {"result", std::move(result)}};
}

}  // namespace gearspec::reference_adapter
