#include "gearspec/conformance/adapter_protocol.hpp"

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::conformance {

const std::set<std::string>& error_classes() {
  static const std::set<std::string> classes{"invalid_argument",
                                             "could_not_connect",
                                             "lost_connection",
                                             "server_error",
                                             "protocol_error",
                                             "timeout",
                                             "other"};
  return classes;
}

namespace {

using json = nlohmann::json;

/// What is wrong with an answer, in the words its finding shows.
[[noreturn]] void bad(const std::string& problem) { throw std::invalid_argument(problem); }

/// Runs `parse`; the first thing it finds wrong becomes `problem`.
template <typename Parse>
bool answer_ok(std::string& problem, Parse&& parse) {
  try {
    parse();
    return true;
  } catch (const std::invalid_argument& e) {
    problem = e.what();
    return false;
  }
}

json parse_object(const std::string& line, int id) {
  json out;
  try {
    out = json::parse(line);
  } catch (const json::exception& e) {
    bad(std::string("not JSON (") + e.what() + ")");
  }
  if (!out.is_object()) bad("not a JSON object");
  if (!out.contains("id") || !out["id"].is_number_integer() || out["id"].get<long long>() != id)
    bad("\"id\" is not " + std::to_string(id));
  return out;
}

/// A v2 byte field (`<key>_b64`, else the text `<key>`). When both are given
/// they must name the same bytes: an adapter that re-encodes one of them
/// would otherwise be graded on whichever the runner happened to read.
std::optional<std::string> bytes_field(const json& o, const char* key) {
  auto out = get_bytes_field(o, key);
  const auto b64_key = std::string(key) + "_b64";
  if (out && o.contains(key) && o[key].is_string() && o.contains(b64_key) &&
      o[key].get<std::string>() != *out)
    bad(std::string("\"") + key + "\" and \"" + b64_key + "\" differ");
  return out;
}

/// One result object of an answer (`ok`, handle, unique, error fields).
job_result parse_result(const json& r, const std::string& where) {
  if (!r.is_object() || !r.contains("ok") || !r["ok"].is_boolean()) bad(where + "no boolean \"ok\"");
  job_result jr;
  jr.ok = r["ok"].get<bool>();
  std::optional<std::string> error_class;
  try {
    jr.handle = bytes_field(r, "handle");
    jr.unique = bytes_field(r, "unique");
    error_class = get_text_field(r, "error_class");
    jr.error = get_text_field(r, "error").value_or("");
    jr.message = get_text_field(r, "message").value_or("");
  } catch (const std::invalid_argument& e) {
    bad(where + e.what());
  }
  if (r.contains("server_code") && !r["server_code"].is_null())
    jr.server_code =
        r["server_code"].is_string() ? r["server_code"].get<std::string>() : r["server_code"].dump();
  if (!jr.ok) {
    if (!error_class || !error_classes().count(*error_class))
      bad(where + "failed job without a valid \"error_class\" (got " +
          (error_class ? "\"" + *error_class + "\"" : std::string("none")) + ")");
    jr.error_class = *error_class;
  }
  return jr;
}

}  // namespace

std::string make_hello_request(int id) { return json{{"id", id}, {"op", "hello"}}.dump(); }

std::string make_submit_request(int id, const std::string& server, const request_spec& request,
                                int protocol) {
  json jobs = json::array();
  for (const auto& j : request.jobs) {
    json job{{"workload_b64", util::base64_encode(j.workload)},
             {"priority", std::string(proto::name(j.prio))},
             {"background", j.background}};
    // v1 has text fields only; the runner sends a v1 adapter no case whose
    // function or unique is not UTF-8 (required_protocol), so nothing is lost.
    if (protocol >= adapter_protocol_v2) {
      put_bytes_field(job, "function", j.function);
      if (j.unique) put_bytes_field(job, "unique", *j.unique);
    } else {
      job["function"] = j.function;
      if (j.unique) job["unique"] = *j.unique;
    }
    jobs.push_back(std::move(job));
  }
  json out{{"id", id}, {"op", "submit"}, {"server", server}};
  // No timeout_ms: the caller sets none and the library's default applies.
  if (!request.library_default_timeout) out["timeout_ms"] = request.timeout_ms;
  out["jobs"] = std::move(jobs);
  return out.dump();
}

std::string make_status_request(int id, const std::string& server, const request_spec& request) {
  const auto& st = *request.status;
  json out{{"id", id}, {"op", "status"}, {"server", server}};
  if (!request.library_default_timeout) out["timeout_ms"] = request.timeout_ms;
  put_bytes_field(out, st.by_unique ? "unique" : "handle", st.key);
  return out.dump();
}

std::string protocol_needed(const case_spec& c) {
  bool function = false, unique = false;
  for (const auto& r : c.requests)
    for (const auto& j : r.jobs) {
      function = function || !util::is_valid_utf8(j.function);
      unique = unique || (j.unique && !util::is_valid_utf8(*j.unique));
    }
  std::string why = function && unique ? "a function and a unique that are not UTF-8"
                    : function         ? "a function that is not UTF-8"
                    : unique           ? "a unique that is not UTF-8"
                                       : "bytes that are not UTF-8 (e.g. the job handle)";
  return "adapter protocol " + std::to_string(required_protocol(c)) +
         " (fields as bytes: function_b64, unique_b64, handle_b64): the case has " + why +
         ", which a JSON string cannot carry";
}

std::string protocol_spoken(const hello_answer& hello) {
  return "the adapter speaks protocol " + std::to_string(hello.protocol) +
         (hello.protocol == adapter_protocol_v1 ? " (its hello has no \"protocol\": 2)" : "");
}

bool parse_hello_answer(const std::string& line, int id, hello_answer& out, std::string& problem) {
  return answer_ok(problem, [&] {
    const auto o = parse_object(line, id);
    if (!o.contains("name") || !o["name"].is_string()) bad("hello answer has no \"name\" string");
    out.name = o["name"].get<std::string>();
    if (o.contains("protocol") && !o["protocol"].is_null()) {
      if (!o["protocol"].is_number_integer() || o["protocol"].get<long long>() < adapter_protocol_v1)
        bad("hello answer's \"protocol\" is " + o["protocol"].dump() + ", not a version (1, 2, ...)");
      // The adapter names the highest version it speaks; both use the lower one.
      out.protocol =
          static_cast<int>(std::min<long long>(o["protocol"].get<long long>(), adapter_protocol_v2));
    }
    if (o.contains("version") && o["version"].is_string()) out.version = o["version"].get<std::string>();
    if (!o.contains("features") || !o["features"].is_array()) bad("hello answer has no \"features\" list");
    for (const auto& f : o["features"]) {
      if (!f.is_string()) bad("a feature is not a string");
      out.features.push_back(f.get<std::string>());
    }
  });
}

bool parse_submit_answer(const std::string& line, int id, std::size_t job_count, std::vector<job_result>& out,
                         std::string& problem) {
  return answer_ok(problem, [&] {
    const auto o = parse_object(line, id);
    if (!o.contains("results") || !o["results"].is_array()) bad("answer has no \"results\" list");
    const auto& results = o["results"];
    if (results.size() != job_count)
      bad(std::to_string(results.size()) + " results for " + std::to_string(job_count) + " jobs");
    out.clear();
    for (std::size_t i = 0; i < results.size(); ++i)
      out.push_back(parse_result(results[i], "result " + std::to_string(i) + ": "));
  });
}

bool parse_status_answer(const std::string& line, int id, std::vector<job_result>& out,
                         std::string& problem) {
  return answer_ok(problem, [&] {
    const auto o = parse_object(line, id);
    auto jr = parse_result(o, "status answer: ");
    if (jr.ok) {
      const auto flag = [&](const char* key) {
        if (!o.contains(key) || !o[key].is_boolean())
          bad(std::string("status answer: no boolean \"") + key + "\"");
        return o[key].get<bool>();
      };
      const auto number = [&](const char* key) {
        if (!o.contains(key) || !o[key].is_number_integer() || o[key].get<long long>() < 0 ||
            o[key].get<long long>() > 4294967295LL)
          bad(std::string("status answer: \"") + key + "\" is not an integer 0..4294967295");
        return static_cast<std::uint32_t>(o[key].get<long long>());
      };
      status_values v;
      v.known = flag("known");
      v.running = flag("running");
      v.numerator = number("numerator");
      v.denominator = number("denominator");
      if (o.contains("client_count") && !o["client_count"].is_null()) v.client_count = number("client_count");
      jr.status = v;
    }
    out.assign(1, std::move(jr));
  });
}

}  // namespace gearspec::conformance
