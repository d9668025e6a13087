#include "gearspec/conformance/adapter_protocol.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>

#include "gearspec/util/encoding.hpp"

namespace gearspec::conformance {
namespace {

using json = nlohmann::json;

bool parse_object(const std::string& line, int id, json& out, std::string& problem) {
  try {
    out = json::parse(line);
  } catch (const json::exception& e) {
    problem = std::string("not JSON (") + e.what() + ")";
    return false;
  }
  if (!out.is_object()) {
    problem = "not a JSON object";
    return false;
  }
  if (!out.contains("id") || !out["id"].is_number_integer() || out["id"].get<long long>() != id) {
    problem = "\"id\" is not " + std::to_string(id);
    return false;
  }
  return true;
}

bool optional_string(const json& o, const char* key, std::optional<std::string>& out, std::string& problem) {
  if (!o.contains(key) || o[key].is_null()) return true;
  if (!o[key].is_string()) {
    problem = std::string("\"") + key + "\" is not a string";
    return false;
  }
  out = o[key].get<std::string>();
  return true;
}

const std::set<std::string>& error_classes() {
  static const std::set<std::string> classes{"invalid_argument", "could_not_connect", "lost_connection",
                                             "server_error",     "protocol_error",    "timeout",
                                             "other"};
  return classes;
}

}  // namespace

std::string make_hello_request(int id) { return json{{"id", id}, {"op", "hello"}}.dump(); }

std::string make_submit_request(int id, const std::string& server, const request_spec& request) {
  json jobs = json::array();
  for (const auto& j : request.jobs) {
    json job{{"function", j.function},
             {"workload_b64", util::base64_encode(j.workload)},
             {"priority", std::string(proto::name(j.prio))},
             {"background", j.background}};
    if (j.unique) job["unique"] = *j.unique;
    jobs.push_back(std::move(job));
  }
  json out{{"id", id}, {"op", "submit"}, {"server", server}};
  // No timeout_ms: the caller sets none and the library's default applies.
  if (!request.library_default_timeout) out["timeout_ms"] = request.timeout_ms;
  out["jobs"] = std::move(jobs);
  return out.dump();
}

bool parse_hello_answer(const std::string& line, int id, hello_answer& out, std::string& problem) {
  json o;
  if (!parse_object(line, id, o, problem)) return false;
  if (!o.contains("name") || !o["name"].is_string()) {
    problem = "hello answer has no \"name\" string";
    return false;
  }
  out.name = o["name"].get<std::string>();
  if (o.contains("version") && o["version"].is_string()) out.version = o["version"].get<std::string>();
  if (!o.contains("features") || !o["features"].is_array()) {
    problem = "hello answer has no \"features\" list";
    return false;
  }
  for (const auto& f : o["features"]) {
    if (!f.is_string()) {
      problem = "a feature is not a string";
      return false;
    }
    out.features.push_back(f.get<std::string>());
  }
  return true;
}

bool parse_submit_answer(const std::string& line, int id, std::size_t job_count, std::vector<job_result>& out,
                         std::string& problem) {
  json o;
  if (!parse_object(line, id, o, problem)) return false;
  if (!o.contains("results") || !o["results"].is_array()) {
    problem = "answer has no \"results\" list";
    return false;
  }
  const auto& results = o["results"];
  if (results.size() != job_count) {
    problem = std::to_string(results.size()) + " results for " + std::to_string(job_count) + " jobs";
    return false;
  }
  out.clear();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const auto where = "result " + std::to_string(i) + ": ";
    if (!r.is_object() || !r.contains("ok") || !r["ok"].is_boolean()) {
      problem = where + "no boolean \"ok\"";
      return false;
    }
    job_result jr;
    jr.ok = r["ok"].get<bool>();
    std::optional<std::string> error_class, error, message;
    if (!optional_string(r, "handle", jr.handle, problem) || !optional_string(r, "unique", jr.unique, problem) ||
        !optional_string(r, "error_class", error_class, problem) || !optional_string(r, "error", error, problem) ||
        !optional_string(r, "message", message, problem)) {
      problem = where + problem;
      return false;
    }
    if (r.contains("server_code") && !r["server_code"].is_null())
      jr.server_code = r["server_code"].is_string() ? r["server_code"].get<std::string>() : r["server_code"].dump();
    if (!jr.ok) {
      if (!error_class || !error_classes().count(*error_class)) {
        problem = where + "failed job without a valid \"error_class\" (got " +
                  (error_class ? "\"" + *error_class + "\"" : std::string("none")) + ")";
        return false;
      }
      jr.error_class = *error_class;
    }
    jr.error = error.value_or("");
    jr.message = message.value_or("");
    out.push_back(std::move(jr));
  }
  return true;
}

bool is_valid_utf8(const std::string& bytes) noexcept {
  std::size_t i = 0;
  const auto n = bytes.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= n) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(bytes[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace gearspec::conformance
