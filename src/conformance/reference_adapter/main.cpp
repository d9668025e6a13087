// gearspec-adapter-reference: the adapter (shared/spec/ADAPTER.md, protocol
// v1) for gearspec's own reference client. It is started as a subprocess
// like any other adapter, so the runner treats every client the same way.
//
//   gearspec-adapter-reference                    the reference client
//   gearspec-adapter-reference --break=MODE       deliberately broken (runner tests)
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "broken_mode.hpp"
#include "gearspec/client/client.hpp"
#include "gearspec/util/encoding.hpp"

namespace {

using json = nlohmann::json;
using gearspec::proto::return_code;
namespace client = gearspec::client;
using gearspec::reference_adapter::broken_mode;

/// ADAPTER.md error classes from the reference client's return codes.
std::string error_class_of(return_code rc, const client::task& t) {
  if (!t.server_code().empty()) return "server_error";
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
          {"error", gearspec::proto::return_code_identifier(static_cast<int>(rc))},
          {"message", message}};
}

json submit(const json& request, broken_mode mode) {
  client::client c;
  json results = json::array();
  const auto& jobs = request.at("jobs");
  if (c.add_servers(request.at("server").get<std::string>()) != return_code::success) {
    for (std::size_t i = 0; i < jobs.size(); ++i)
      results.push_back(error_result("invalid_argument", return_code::invalid_argument, "bad server address"));
    return results;
  }
  c.set_timeout(request.value("timeout_ms", -1));

  struct job_state {
    std::string function, unique, workload;
    client::task task;
    return_code add_rc = return_code::success;
  };
  std::vector<std::unique_ptr<job_state>> states;
  for (const auto& j : jobs) {
    auto s = std::make_unique<job_state>();
    s->function = j.at("function").get<std::string>();
    if (j.contains("unique") && !j["unique"].is_null()) s->unique = j["unique"].get<std::string>();
    if (gearspec::util::base64_decode(j.value("workload_b64", ""), s->workload))
      throw std::runtime_error("workload_b64 is not base64");
    if (mode == broken_mode::trailing_nul) s->workload.push_back('\0');
    if (mode == broken_mode::drop_unique) s->unique.clear();
    const auto prio = j.value("priority", "normal");
    client::job_request req;
    req.function = s->function;
    req.unique = s->unique;
    req.workload = s->workload;
    req.prio = prio == "high" ? client::priority::high : prio == "low" ? client::priority::low : client::priority::normal;
    req.background = j.value("background", true);
    s->add_rc = c.add_task(s->task, req);
    states.push_back(std::move(s));
  }
  c.run_tasks();
  for (auto& s : states) {
    json r;
    const return_code rc = s->add_rc != return_code::success ? s->add_rc : s->task.result();
    if (rc == return_code::success) {
      r = {{"ok", true}, {"handle", std::string(s->task.handle())}};
    } else if (mode == broken_mode::success_on_error) {
      r = {{"ok", true}, {"handle", "H:never-created"}};
    } else if (s->add_rc != return_code::success) {
      r = error_result(error_class_of(rc, s->task), rc, c.error());
    } else {
      r = error_result(error_class_of(rc, s->task), rc,
                       s->task.error_text().empty() ? c.error() : s->task.error_text());
      if (!s->task.server_code().empty()) r["server_code"] = s->task.server_code();
    }
    if (s->add_rc == return_code::success) r["unique"] = std::string(s->task.unique());
    results.push_back(std::move(r));
    c.remove_task(s->task);
  }
  return results;
}

/// Runner-test mutations that act on the whole request.
void before_answering(const json& request, broken_mode mode) {
  for (const auto& j : request.at("jobs")) {
    if (mode == broken_mode::never_answer && j.value("priority", "normal") == "low")
      for (;;) ::pause();
    if (mode == broken_mode::crash && j.value("workload_b64", "").empty()) {
      ::signal(SIGSEGV, SIG_DFL);  // die by the signal even where a sanitizer installed a handler
      ::raise(SIGSEGV);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gearspec reference adapter (adapter protocol v1 on stdin/stdout)"};
  std::string break_name = "none";
  app.add_option("--break", break_name, "deliberately broken behaviour, for testing the runner")
      ->check(CLI::IsMember(gearspec::reference_adapter::broken_mode_names()));
  CLI11_PARSE(app, argc, argv);
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
        answer["version"] = GEARSPEC_VERSION;
        answer["features"] = {"background", "high", "low", "batch", "unique_readback", "timeout"};
      } else if (op == "submit") {
        before_answering(request, mode);
        answer["results"] = submit(request, mode);
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
