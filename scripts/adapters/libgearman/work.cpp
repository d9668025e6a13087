#include "work.hpp"

#include <libgearman-1.0/gearman.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "errors.hpp"
#include "gearspec/conformance/adapter_fields.hpp"

namespace gearspec::adapter::libgearman {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

struct action {
  std::string what;  // complete, fail, exception, status, data, warning, sleep
  std::string data;
  std::uint32_t numerator = 0, denominator = 0;
  int ms = 0;
};

// What one registered function does with each of its jobs, and where the
// jobs it ran are reported. libgearman hands this back as the callback context.
struct function_context {
  std::vector<action> actions;
  json* jobs = nullptr;
};

std::uint32_t status_number(const json& a, const char* key, const std::string& where) {
  if (!a.contains(key) || !a[key].is_number_unsigned() || a[key].get<std::uint64_t>() > UINT32_MAX)
    throw std::invalid_argument(where + "." + key + " must be a number 0..4294967295");
  return a[key].get<std::uint32_t>();
}

action parse_action(const json& a, const std::string& where) {
  if (!a.is_object() || !a.contains("do") || !a["do"].is_string())
    throw std::invalid_argument(where + " must be an object with a string \"do\"");
  action out;
  out.what = a["do"].get<std::string>();
  if (out.what == "complete" || out.what == "exception" || out.what == "data" || out.what == "warning") {
    out.data = bytes_field(a, "data", where).value_or("");
  } else if (out.what == "status") {
    out.numerator = status_number(a, "numerator", where);
    out.denominator = status_number(a, "denominator", where);
  } else if (out.what == "sleep") {
    if (!a.contains("ms") || !a["ms"].is_number_unsigned())
      throw std::invalid_argument(where + ".ms must be a number of milliseconds");
    out.ms = a["ms"].get<int>();
  } else if (out.what != "fail") {
    throw std::invalid_argument(where + ".do \"" + out.what + "\" is not an action");
  }
  return out;
}

// A payload for gearman_job_send_*: an empty one goes as (NULL, 0), as for
// a submit's workload (libgearman rejects a non-NULL pointer with size 0).
const void* payload(const action& a) { return a.data.empty() ? nullptr : a.data.data(); }

gearman_return_t run_action(gearman_job_st* job, const action& a) {
  if (a.what == "complete") return gearman_job_send_complete(job, payload(a), a.data.size());
  if (a.what == "fail") return gearman_job_send_fail(job);
  if (a.what == "exception") return gearman_job_send_exception(job, payload(a), a.data.size());
  if (a.what == "status") return gearman_job_send_status(job, a.numerator, a.denominator);
  if (a.what == "data") return gearman_job_send_data(job, payload(a), a.data.size());
  if (a.what == "warning") return gearman_job_send_warning(job, payload(a), a.data.size());
  std::this_thread::sleep_for(std::chrono::milliseconds(a.ms));  // "sleep"
  return GEARMAN_SUCCESS;
}

// libgearman's worker callback (gearman_function_fn). It reports what
// libgearman handed it and runs the actions with the gearman_job_* calls;
// each call's return code is the step's outcome. Returning GEARMAN_SUCCESS
// tells libgearman the function is done: a job the actions already answered
// gets nothing more from it.
gearman_return_t run_job(gearman_job_st* job, void* context) noexcept {
  auto* fn = static_cast<function_context*>(context);
  try {
    json record;
    for (const auto& [name, text] : {std::pair{"handle", gearman_job_handle(job)},
                                     {"function", gearman_job_function_name(job)},
                                     {"unique", gearman_job_unique(job)}})
      gearspec::conformance::put_bytes_field(record, name, text ? text : "");
    const auto* workload = static_cast<const char*>(gearman_job_workload(job));
    gearspec::conformance::put_bytes_field(
        record, "workload", workload ? std::string(workload, gearman_job_workload_size(job)) : std::string{});
    json steps = json::array();
    for (const auto& a : fn->actions) {
      const gearman_return_t rc = run_action(job, a);
      if (gearman_success(rc)) {
        steps.push_back({{"ok", true}});
      } else {
        const char* text = gearman_job_error(job);
        steps.push_back({{"ok", false}, {"error", gearman_strerror(rc)}, {"message", text ? text : ""}});
      }
    }
    record["steps"] = std::move(steps);
    fn->jobs->push_back(std::move(record));
  } catch (const std::exception&) {
    // Only allocation can throw here; libgearman is told the job failed.
    return GEARMAN_FATAL;
  }
  return GEARMAN_SUCCESS;
}

}  // namespace

json work(const json& request) {
  if (!request.contains("server") || !request["server"].is_string())
    throw std::invalid_argument("work needs a string \"server\"");
  if (!request.contains("functions") || !request["functions"].is_array() || request["functions"].empty())
    throw std::invalid_argument("work needs a non-empty \"functions\" array");
  const int max_jobs = request.value("max_jobs", 1);
  const int timeout_ms = request.value("timeout_ms", -1);
  if (max_jobs < 0) throw std::invalid_argument("work: max_jobs must not be negative");
  const auto [host, port] = parse_server(request["server"].get<std::string>());

  json jobs = json::array();
  std::vector<std::string> names;
  std::vector<function_context> contexts(request["functions"].size());
  for (std::size_t i = 0; i < request["functions"].size(); ++i) {
    const json& f = request["functions"][i];
    const std::string where = "functions[" + std::to_string(i) + "]";
    if (!f.is_object()) throw std::invalid_argument(where + " is not an object");
    const auto name = bytes_field(f, "name", where);
    if (!name) throw std::invalid_argument(where + " has no name");
    if (!f.contains("actions") || !f["actions"].is_array())
      throw std::invalid_argument(where + " needs an \"actions\" array");
    for (std::size_t k = 0; k < f["actions"].size(); ++k)
      contexts[i].actions.push_back(
          parse_action(f["actions"][k], where + ".actions[" + std::to_string(k) + "]"));
    contexts[i].jobs = &jobs;
    names.push_back(*name);
  }

  std::unique_ptr<gearman_worker_st, decltype(&gearman_worker_free)> worker(gearman_worker_create(nullptr),
                                                                            &gearman_worker_free);
  if (!worker) throw std::runtime_error("gearman_worker_create failed");
  json result = {{"ok", true}};
  gearman_return_t rc = gearman_worker_add_server(worker.get(), host.c_str(), port);
  // The name goes with its length, so any byte (NUL too) reaches CAN_DO.
  for (std::size_t i = 0; gearman_success(rc) && i < names.size(); ++i)
    rc = gearman_worker_define_function(worker.get(), names[i].data(), names[i].size(),
                                        gearman_function_create(run_job), 0, &contexts[i]);
  // timeout_ms bounds the whole request: each gearman_worker_work waits at
  // most what is left of it (gearman_worker_set_timeout bounds one wait).
  const auto deadline = clock_type::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
  for (int done = 0; gearman_success(rc) && done < max_jobs; ++done) {
    if (timeout_ms >= 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
      gearman_worker_set_timeout(worker.get(), static_cast<int>(std::max<long long>(left, 1)));
    }
    rc = gearman_worker_work(worker.get());
  }
  if (!gearman_success(rc)) {
    const char* text = gearman_worker_error(worker.get());
    result = classified_failure(rc, text ? text : "");
  }
  return {{"jobs", std::move(jobs)}, {"result", std::move(result)}};
}

}  // namespace gearspec::adapter::libgearman
