#include "submit.hpp"

#include <libgearman-1.0/gearman.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "errors.hpp"
#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/util/encoding.hpp"
#include "gearspec/util/host_port.hpp"

namespace gearspec::adapter::libgearman {
namespace {

using nlohmann::json;

struct job_request {
  std::string function;
  bool has_unique = false;  // absent or null: pass NULL (library default)
  std::string unique;
  std::string workload;
  std::string priority;
};

job_request parse_job(const json& job, std::size_t index) {
  const std::string where = "jobs[" + std::to_string(index) + "]";
  if (!job.is_object()) throw std::invalid_argument(where + " is not an object");
  job_request out;
  // Protocol v2: function_b64 / unique_b64 when present, else the v1 text.
  const auto function = bytes_field(job, "function", where);
  const auto unique = bytes_field(job, "unique", where);
  if (!function) throw std::invalid_argument(where + " has no function");
  // libgearman takes function and unique as C strings: any byte but NUL passes.
  out.function = *function;
  out.has_unique = unique.has_value();
  out.unique = unique.value_or("");
  const std::string b64 = job.value("workload_b64", std::string{});
  if (auto ec = gearspec::util::base64_decode(b64, out.workload))
    throw std::invalid_argument(where + ".workload_b64: " + ec.message());
  out.priority = job.value("priority", std::string{"normal"});
  if (out.priority != "normal" && out.priority != "high" && out.priority != "low")
    throw std::invalid_argument(where + ".priority must be normal, high or low, got \"" + out.priority +
                                "\"");
  if (!job.value("background", true))
    throw std::invalid_argument(where + ".background=false: this adapter submits background jobs only");
  return out;
}

// The text libgearman gives a server ERROR packet: "<where>(GEARMAN_X) CODE:TEXT -> file:line: pid(n)".
// Returns the CODE part (possibly empty), or nullopt when the message is not of that form.
std::optional<std::string> server_code_from_message(const std::string& message) {
  const auto open = message.find("_client_run_tasks(");
  if (open == std::string::npos) return std::nullopt;
  const auto close = message.find(") ", open);
  if (close == std::string::npos) return std::nullopt;
  const auto code_start = close + 2;
  const auto colon = message.find(':', code_start);
  const auto arrow = message.find(" -> ", code_start);
  if (colon == std::string::npos || (arrow != std::string::npos && colon > arrow)) return std::nullopt;
  return message.substr(code_start, colon - code_start);
}

const char* error_class_of(gearman_return_t rc) {
  switch (rc) {
    case GEARMAN_COULD_NOT_CONNECT:
    case GEARMAN_GETADDRINFO:
    case GEARMAN_NO_SERVERS:
      return "could_not_connect";
    case GEARMAN_LOST_CONNECTION:
    case GEARMAN_PIPE_EOF:
      return "lost_connection";
    case GEARMAN_TIMEOUT:
      return "timeout";
    case GEARMAN_INVALID_MAGIC:
    case GEARMAN_INVALID_COMMAND:
    case GEARMAN_INVALID_PACKET:
    case GEARMAN_UNEXPECTED_PACKET:
    case GEARMAN_TOO_MANY_ARGS:
      return "protocol_error";
    default:
      return "other";
  }
}

json failure(const char* error_class, gearman_return_t rc, const std::string& message) {
  return {{"ok", false}, {"error_class", error_class}, {"error", gearman_strerror(rc)}, {"message", message}};
}

// The outcome of a task after run_tasks returned run_rc with the client's
// error text `client_message`.
json task_result(gearman_task_st* task, gearman_return_t run_rc, const std::string& client_message) {
  const gearman_return_t task_rc = gearman_task_return(task);
  if (task_rc == GEARMAN_SUCCESS) {
    json ok = {{"ok", true}};
    gearspec::conformance::put_bytes_field(ok, "handle", gearman_task_job_handle(task));
    if (const char* unique = gearman_task_unique(task))
      gearspec::conformance::put_bytes_field(ok, "unique", unique);
    return ok;
  }
  // A task left in UNKNOWN_STATE never got its reply: run_tasks' code is the
  // reason (WIRE.md 6.2: an ERROR packet fails run_tasks, not the task).
  const gearman_return_t rc = (task_rc == GEARMAN_UNKNOWN_STATE && gearman_failed(run_rc)) ? run_rc : task_rc;
  // The client's text is the detailed one ("Connection to 127.0.0.1:1 failed");
  // the task's is often just the code name.
  const char* task_message = gearman_task_error(task);
  return classified_failure(rc, !client_message.empty() ? client_message : task_message ? task_message : "");
}

using client_ptr = std::unique_ptr<gearman_client_st, decltype(&gearman_client_free)>;

gearman_task_st* add_background_task(gearman_client_st* client, const job_request& job,
                                     gearman_return_t* rc) {
  const char* unique = job.has_unique ? job.unique.c_str() : nullptr;
  // An empty workload is passed as (NULL, 0): libgearman rejects a non-NULL
  // pointer with size 0 (WIRE.md 6.1), and NULL is what a caller naturally passes.
  const void* workload = job.workload.empty() ? nullptr : job.workload.data();
  const auto add = job.priority == "high"  ? gearman_client_add_task_high_background
                   : job.priority == "low" ? gearman_client_add_task_low_background
                                           : gearman_client_add_task_background;
  return add(client, nullptr, nullptr, job.function.c_str(), unique, workload, job.workload.size(), rc);
}

}  // namespace

std::optional<std::string> bytes_field(const json& object, const char* name, const std::string& where) {
  try {
    return gearspec::conformance::get_bytes_field(object, name);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

// "host:port" or "[v6]:port"; port 1..65535.
std::pair<std::string, in_port_t> parse_server(const std::string& server) {
  const auto parts = gearspec::util::split_host_port(server);
  if (!parts || !parts->port) throw std::invalid_argument("server \"" + server + "\" is not host:port");
  if (*parts->port == 0) throw std::invalid_argument("server \"" + server + "\" has an invalid port");
  return {std::string{parts->host}, static_cast<in_port_t>(*parts->port)};
}

json classified_failure(gearman_return_t rc, const std::string& message) {
  if (const auto code = server_code_from_message(message)) {
    json error = failure("server_error", rc, message);
    error["server_code"] = *code;
    return error;
  }
  return failure(error_class_of(rc), rc, message);
}

json hello_features() {
  return {"background",      "high",    "low",    "batch",         "unique_readback",
          "handle_readback", "timeout", "status", "status_unique", "work"};
}

json submit(const json& request) {
  if (!request.contains("jobs") || !request["jobs"].is_array())
    throw std::invalid_argument("submit needs a \"jobs\" array");
  if (!request.contains("server") || !request["server"].is_string())
    throw std::invalid_argument("submit needs a string \"server\"");
  std::vector<job_request> jobs;
  for (std::size_t i = 0; i < request["jobs"].size(); ++i) jobs.push_back(parse_job(request["jobs"][i], i));
  const auto [host, port] = parse_server(request["server"].get<std::string>());

  client_ptr client(gearman_client_create(nullptr), &gearman_client_free);
  if (!client) throw std::runtime_error("gearman_client_create failed");
  if (request.contains("timeout_ms") && request["timeout_ms"].is_number_integer())
    gearman_client_set_timeout(client.get(), request["timeout_ms"].get<int>());
  const gearman_return_t add_rc = gearman_client_add_server(client.get(), host.c_str(), port);

  // Every job is queued first, then one run_tasks sends them together (feature "batch").
  std::vector<gearman_task_st*> tasks(jobs.size(), nullptr);
  json results = json::array();
  std::vector<json> rejected(jobs.size());
  bool any_task = false;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    gearman_return_t rc = GEARMAN_SUCCESS;
    tasks[i] = add_background_task(client.get(), jobs[i], &rc);
    if (tasks[i])
      any_task = true;
    else
      rejected[i] = failure("invalid_argument", rc, gearman_client_error(client.get()));
  }
  gearman_return_t run_rc = GEARMAN_SUCCESS;
  if (gearman_failed(add_rc))
    run_rc = add_rc;
  else if (any_task)
    run_rc = gearman_client_run_tasks(client.get());
  const char* client_error = gearman_client_error(client.get());
  const std::string client_message = client_error ? client_error : "";
  for (std::size_t i = 0; i < jobs.size(); ++i)
    results.push_back(tasks[i] ? task_result(tasks[i], run_rc, client_message) : rejected[i]);
  return results;
}

}  // namespace gearspec::adapter::libgearman
