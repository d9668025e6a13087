// YAML case files -> case_spec. yaml-cpp stays inside this file.
#include "gearspec/conformance/case_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "gearspec/conformance/adapter_protocol.hpp"
#include "gearspec/conformance/value_matrix.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::conformance {
namespace {

namespace fs = std::filesystem;

/// Parsing context: the file name and helpers that throw with a line number.
class reader {
 public:
  explicit reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
    throw case_file_error(source_, at.Mark().is_null() ? 0 : at.Mark().line + 1, what);
  }

  void require_map(const YAML::Node& n, const char* what) const {
    if (!n.IsMap()) fail(n, std::string(what) + " must be a mapping (key: value lines)");
  }

  void check_keys(const YAML::Node& n, const std::set<std::string>& allowed, const char* what) const {
    for (const auto& kv : n) {
      const auto key = kv.first.as<std::string>();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(kv.first, "unknown key '" + key + "' in " + what + " (allowed: " + list + ")");
      }
    }
  }

  std::string text(const YAML::Node& n, const char* what) const {
    if (!n.IsScalar()) fail(n, std::string(what) + " must be a text value");
    return n.Scalar();
  }

  int integer(const YAML::Node& n, const char* what, long min, long max) const {
    long v = 0;
    try {
      if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "");
      v = n.as<long>();
    } catch (const YAML::Exception&) {
      fail(n, std::string(what) + " must be an integer");
    }
    if (v < min || v > max)
      fail(n, std::string(what) + " = " + std::to_string(v) + " is outside " + std::to_string(min) + ".." +
                  std::to_string(max));
    return static_cast<int>(v);
  }

  /// A byte string: plain text, or {hex: ...}, {base64: ...}, {repeat: TEXT, count: N}.
  std::string bytes(const YAML::Node& n, const char* what) const {
    if (n.IsScalar()) return n.Scalar();
    if (!n.IsMap()) fail(n, std::string(what) + " must be text or a mapping {hex|base64|repeat}");
    check_keys(n, {"hex", "base64", "repeat", "count"}, what);
    std::string out;
    if (n["hex"]) {
      if (util::from_hex(text(n["hex"], "hex"), out)) fail(n["hex"], std::string(what) + ": malformed hex");
      return out;
    }
    if (n["base64"]) {
      if (util::base64_decode(text(n["base64"], "base64"), out))
        fail(n["base64"], std::string(what) + ": malformed base64");
      return out;
    }
    if (n["repeat"]) {
      const auto unit = text(n["repeat"], "repeat");
      if (unit.empty()) fail(n["repeat"], "repeat needs a non-empty text");
      const int count = n["count"] ? integer(n["count"], "count", 0, 64 << 20) : 1;
      out.reserve(unit.size() * static_cast<std::size_t>(count));
      for (int i = 0; i < count; ++i) out += unit;
      return out;
    }
    fail(n, std::string(what) + " mapping needs one of hex, base64, repeat");
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

/// One of the names in `table`; anything else is an error that lists them.
template <typename E, std::size_t N>
E parse_named(const reader& rd, const YAML::Node& n, const char* what, const named<E> (&table)[N]) {
  const auto v = rd.text(n, what);
  if (const auto value = value_in(table, v)) return *value;
  rd.fail(n, std::string(what) + " must be " + names_in(table) + ", not '" + v + "'");
}

requirement parse_requirement(const reader& rd, const YAML::Node& n) {
  return parse_named(rd, n, "requirement", requirement_names);
}

bool parse_bool(const reader& rd, const YAML::Node& n, const char* what) {
  const auto v = rd.text(n, what);
  if (v != "true" && v != "false") rd.fail(n, std::string(what) + " must be true or false");
  return v == "true";
}

constexpr named<proto::priority> priority_names[] = {
    {proto::priority::normal, "normal"}, {proto::priority::high, "high"}, {proto::priority::low, "low"}};

std::vector<std::string> parse_string_list(const reader& rd, const YAML::Node& n, const char* what) {
  std::vector<std::string> out;
  if (n.IsScalar()) return {n.Scalar()};
  if (!n.IsSequence()) rd.fail(n, std::string(what) + " must be a list");
  for (const auto& item : n) out.push_back(rd.text(item, what));
  return out;
}

/// `error_class: CLASS` or a list of them, each one of error_classes().
std::vector<std::string> parse_error_classes(const reader& rd, const YAML::Node& n, const char* unknown) {
  auto out = parse_string_list(rd, n, "error_class");
  for (const auto& c : out)
    if (!error_classes().count(c)) rd.fail(n, std::string(unknown) + " '" + c + "'");
  return out;
}

void parse_jobs(const reader& rd, const YAML::Node& n, std::vector<job_spec>& out) {
  if (!n.IsSequence() || n.size() == 0) rd.fail(n, "jobs must be a non-empty list");
  for (const auto& j : n) {
    rd.require_map(j, "a job");
    rd.check_keys(j,
                  {"function", "unique", "workload", "priority", "background", "expect", "expect_requirement",
                   "wire", "error_class", "error_class_requirement", "count"},
                  "a job");
    job_spec job;
    if (!j["function"]) rd.fail(j, "a job needs a function");
    job.function = rd.bytes(j["function"], "function");
    // Any bytes but NUL, which ends the argument on the wire: what a client
    // makes of a NUL in a function is the value matrix's nul-inside cases.
    if (job.function.find('\0') != std::string::npos)
      rd.fail(j["function"], "function must not hold a NUL (it ends the argument on the wire)");
    // Bytes that are not UTF-8 need adapter protocol 2 (required_protocol).
    if (j["unique"] && !j["unique"].IsNull()) job.unique = rd.bytes(j["unique"], "unique");
    if (j["workload"]) job.workload = rd.bytes(j["workload"], "workload");
    if (j["priority"]) job.prio = parse_named(rd, j["priority"], "priority", priority_names);
    if (j["background"]) job.background = parse_bool(rd, j["background"], "background");
    if (j["expect"]) job.outcome = parse_named(rd, j["expect"], "expect", outcome_names);
    if (j["expect_requirement"]) job.outcome_level = parse_requirement(rd, j["expect_requirement"]);
    if (j["wire"]) job.wire = parse_named(rd, j["wire"], "wire", wire_names);
    if (j["error_class"])
      job.error_classes = parse_error_classes(rd, j["error_class"], "unknown error_class");
    if (j["error_class_requirement"]) {
      if (!j["error_class"])
        rd.fail(j["error_class_requirement"], "error_class_requirement needs an error_class");
      job.error_class_level = parse_requirement(rd, j["error_class_requirement"]);
    }
    const int count = j["count"] ? rd.integer(j["count"], "count", 1, 100000) : 1;
    for (int i = 0; i < count; ++i) out.push_back(job);
  }
}

/// `timeout_ms: N`, or `none`: the caller sets no timeout (the library's default).
void parse_timeout(const reader& rd, const YAML::Node& n, request_spec& r) {
  if (n.IsScalar() && n.Scalar() == "none") {
    r.library_default_timeout = true;
    return;
  }
  r.timeout_ms = rd.integer(n, "timeout_ms", 0, 600000);
}

std::uint32_t status_number(const reader& rd, const YAML::Node& n, const char* what) {
  long long v = -1;
  try {
    if (n.IsScalar()) v = n.as<long long>();
  } catch (const YAML::Exception&) {
  }
  if (v < 0 || v > 4294967295LL) rd.fail(n, std::string(what) + " must be an integer 0..4294967295");
  return static_cast<std::uint32_t>(v);
}

/// `status: {handle|unique: BYTES, expect: error|either|{known, running, numerator,
/// denominator, client_count}, wire, error_class}`.
status_spec parse_status(const reader& rd, const YAML::Node& n) {
  rd.require_map(n, "status");
  rd.check_keys(n, {"handle", "unique", "expect", "wire", "error_class"}, "status");
  status_spec st;
  if (static_cast<bool>(n["handle"]) == static_cast<bool>(n["unique"]))
    rd.fail(n, "status needs exactly one of handle, unique");
  st.by_unique = static_cast<bool>(n["unique"]);
  st.key = rd.bytes(st.by_unique ? n["unique"] : n["handle"], st.by_unique ? "unique" : "handle");
  if (!n["expect"]) rd.fail(n, "status needs expect (error, either, or the status fields)");
  const auto& e = n["expect"];
  if (e.IsScalar()) {
    const auto v = e.Scalar();
    if (v != "error" && v != "either") rd.fail(e, "status expect must be error, either or a mapping");
    st.error_or_ok = v == "either";
  } else {
    rd.require_map(e, "status expect");
    rd.check_keys(e, {"known", "running", "numerator", "denominator", "client_count"}, "status expect");
    for (const char* key : {"known", "running", "numerator", "denominator"})
      if (!e[key]) rd.fail(e, std::string("status expect needs ") + key);
    status_values v;
    v.known = parse_bool(rd, e["known"], "known");
    v.running = parse_bool(rd, e["running"], "running");
    v.numerator = status_number(rd, e["numerator"], "numerator");
    v.denominator = status_number(rd, e["denominator"], "denominator");
    if (e["client_count"]) {
      if (!st.by_unique)
        rd.fail(e["client_count"], "client_count is only in STATUS_RES_UNIQUE (a status by unique)");
      v.client_count = status_number(rd, e["client_count"], "client_count");
    }
    st.expect = v;
  }
  if (n["wire"]) st.wire = parse_named(rd, n["wire"], "wire", wire_names);
  if (n["error_class"]) st.error_classes = parse_error_classes(rd, n["error_class"], "unknown error_class");
  return st;
}

/// A request of `status` when given, else of `jobs`, on top of `r` (the defaults).
request_spec parse_request(const reader& rd, const YAML::Node& jobs, const YAML::Node& status,
                           request_spec r) {
  if (status)
    r.status = parse_status(rd, status);
  else
    parse_jobs(rd, jobs, r.jobs);
  return r;
}

/// A case's mapping, falling back to the file's `defaults` for keys it does
/// not set. Lookups are const, so yaml-cpp never inserts anything, and every
/// node keeps its own line for errors.
struct case_node {
  YAML::Node own;
  YAML::Node defaults;
  YAML::Node operator[](const char* key) const {
    const YAML::Node& o = own;
    if (o[key]) return o[key];
    const YAML::Node& d = defaults;
    if (d.IsMap() && d[key]) return d[key];
    return YAML::Node(YAML::NodeType::Undefined);
  }
};

const std::set<std::string> case_keys{
    "id",          "title",     "section",     "requirement", "checks",
    "needs",       "server",    "scenario",    "timeout_ms",  "deadline_ms",
    "jobs",        "requests",  "processes",   "for_offset",  "fresh_uniques_distinct",
    "allow_retry", "budget_ms", "on_deadline", "protocol",    "work",
    "status"};

work_action parse_work_action(const reader& rd, const YAML::Node& n) {
  using k = work_action::kind;
  work_action a;
  if (n.IsScalar() && n.Scalar() == "fail") {
    a.what = k::fail;
    return a;
  }
  if (!n.IsMap() || n.size() != 1)
    rd.fail(n,
            "an action is fail or one of {complete|exception|data|warning: BYTES}, {status: [N, D]}, {sleep: "
            "MS}");
  const auto key = n.begin()->first.as<std::string>();
  const YAML::Node v = n.begin()->second;
  const auto what = value_in(work_action_names, key);
  if (!what || *what == k::fail) rd.fail(n, "unknown action '" + key + "'");
  a.what = *what;
  if (a.what == k::status) {
    if (!v.IsSequence() || v.size() != 2) rd.fail(v, "status must be [NUMERATOR, DENOMINATOR]");
    a.numerator = static_cast<std::uint32_t>(rd.integer(v[0], "numerator", 0, 2147483647));
    a.denominator = static_cast<std::uint32_t>(rd.integer(v[1], "denominator", 0, 2147483647));
  } else if (a.what == k::sleep) {
    a.ms = rd.integer(v, "sleep", 0, 60000);
  } else {
    a.bytes = rd.bytes(v, key.c_str());
  }
  return a;
}

/// `work:` of a worker case (docs/conformance.md "Worker cases").
work_spec parse_work(const reader& rd, const YAML::Node& n) {
  rd.require_map(n, "work");
  rd.check_keys(
      n, {"functions", "max_jobs", "timeout_ms", "queue", "expect", "error_class", "jobs", "max_grabs"},
      "work");
  work_spec w;
  if (!n["functions"] || !n["functions"].IsSequence() || n["functions"].size() == 0)
    rd.fail(n, "work needs a non-empty list of functions");
  for (const auto& f : n["functions"]) {
    rd.require_map(f, "a function");
    rd.check_keys(f, {"name", "actions"}, "a function");
    if (!f["name"]) rd.fail(f, "a function needs a name");
    work_function wf;
    wf.name = rd.bytes(f["name"], "name");
    if (f["actions"]) {
      if (!f["actions"].IsSequence()) rd.fail(f["actions"], "actions must be a list");
      for (const auto& a : f["actions"]) wf.actions.push_back(parse_work_action(rd, a));
    }
    w.functions.push_back(std::move(wf));
  }
  if (n["max_jobs"]) w.max_jobs = rd.integer(n["max_jobs"], "max_jobs", 1, 1000);
  if (n["timeout_ms"]) w.timeout_ms = rd.integer(n["timeout_ms"], "timeout_ms", 1, 600000);
  if (n["queue"]) {
    if (!n["queue"].IsSequence()) rd.fail(n["queue"], "queue must be a list of jobs");
    for (const auto& j : n["queue"]) {
      rd.require_map(j, "a queued job");
      rd.check_keys(j, {"function", "unique", "workload"}, "a queued job");
      queued_job q;
      if (!j["function"]) rd.fail(j, "a queued job needs a function");
      q.function = rd.bytes(j["function"], "function");
      if (j["unique"]) q.unique = rd.bytes(j["unique"], "unique");
      if (j["workload"]) q.workload = rd.bytes(j["workload"], "workload");
      w.queued.push_back(std::move(q));
    }
  }
  if (n["expect"]) {
    const auto v = rd.text(n["expect"], "expect");
    if (v != "ok" && v != "error" && v != "either")
      rd.fail(n["expect"], "work expect must be ok, error or either");
    w.expect_ok = v == "ok";
    w.expect_either = v == "either";
  }
  if (n["error_class"]) w.error_classes = parse_error_classes(rd, n["error_class"], "unknown error class");
  if (n["jobs"]) w.expect_jobs = rd.integer(n["jobs"], "jobs", 0, 1000);
  if (n["max_grabs"]) w.max_grabs = rd.integer(n["max_grabs"], "max_grabs", 1, 100000);
  return w;
}

case_spec parse_case(const reader& rd, const case_node& n) {
  rd.require_map(n.own, "a case");
  rd.check_keys(n.own, case_keys, "a case");
  case_spec c;
  c.source_file = rd.source();
  c.source_line = n.own.Mark().line + 1;
  for (const char* key : {"id", "title", "section", "requirement", "checks"})
    if (!n[key]) rd.fail(n.own, std::string("a case needs '") + key + "'");
  c.id = rd.text(n["id"], "id");
  c.title = rd.text(n["title"], "title");
  c.section = rd.text(n["section"], "section");
  c.level = parse_requirement(rd, n["requirement"]);
  c.requirement_text = rd.text(n["checks"], "checks");
  if (n["needs"]) {
    c.needs = parse_string_list(rd, n["needs"], "needs");
    const auto& known = known_features();
    for (const auto& f : c.needs)
      if (std::find(known.begin(), known.end(), f) == known.end())
        rd.fail(n["needs"], "unknown feature '" + f + "'");
  }
  if (n["scenario"]) {
    const auto& s = n["scenario"];
    c.scenario_yaml = rd.text(s, "scenario");
    // A block scalar (`scenario: |`) starts on the line after its indicator.
    c.scenario_first_line = s.Mark().line + 2;
    c.server = server_kind::scenario;
  }
  if (n["server"]) {
    c.server = parse_named(rd, n["server"], "server", server_names);
    if (c.server != server_kind::scenario && n["scenario"])
      rd.fail(n["server"], "server: " + std::string(to_string(c.server)) + " cannot have a scenario");
  }
  if (c.server == server_kind::scenario && c.scenario_yaml.empty())
    rd.fail(n.own, "server: scenario needs a 'scenario: |' block");
  request_spec request_defaults;
  if (n["timeout_ms"]) parse_timeout(rd, n["timeout_ms"], request_defaults);
  if ((n["jobs"] ? 1 : 0) + (n["requests"] ? 1 : 0) + (n["status"] ? 1 : 0) > 1)
    rd.fail(n.own, "give one of jobs, status or requests");
  if (n["work"] && (n["jobs"] || n["requests"] || n["status"]))
    rd.fail(n["work"], "a worker case has work, not jobs, status or requests");
  if (n["status"] || n["jobs"]) {
    c.requests.push_back(parse_request(rd, n["jobs"], n["status"], request_defaults));
  } else if (n["requests"]) {
    if (!n["requests"].IsSequence() || n["requests"].size() == 0)
      rd.fail(n["requests"], "requests must be a non-empty list");
    for (const auto& r : n["requests"]) {
      rd.require_map(r, "a request");
      rd.check_keys(r, {"jobs", "status", "timeout_ms"}, "a request");
      request_spec defaults = request_defaults;
      if (r["timeout_ms"]) parse_timeout(rd, r["timeout_ms"], defaults);
      if (static_cast<bool>(r["jobs"]) == static_cast<bool>(r["status"]))
        rd.fail(r, "a request needs either jobs or status");
      c.requests.push_back(parse_request(rd, r["jobs"], r["status"], defaults));
    }
  } else if (n["work"]) {
    c.work = parse_work(rd, n["work"]);
  } else {
    rd.fail(n.own, "a case needs jobs, status, requests or work");
  }
  if (n["processes"]) c.processes = rd.integer(n["processes"], "processes", 1, 16);
  if (n["protocol"]) c.protocol = rd.integer(n["protocol"], "protocol", 1, 2);
  if (n["fresh_uniques_distinct"])
    c.fresh_uniques_distinct = rd.text(n["fresh_uniques_distinct"], "fresh_uniques_distinct") == "true";
  if (n["allow_retry"]) c.allow_retry = parse_bool(rd, n["allow_retry"], "allow_retry");
  if (n["budget_ms"]) c.budget_ms = rd.integer(n["budget_ms"], "budget_ms", 1, 600000);
  if (n["on_deadline"]) {
    const auto v = rd.text(n["on_deadline"], "on_deadline");
    if (v != "hung" && v != "case-level") rd.fail(n["on_deadline"], "on_deadline must be hung or case-level");
    c.deadline_at_case_level = v == "case-level";
  }
  int longest_timeout = c.work ? c.work->timeout_ms : 0;
  for (const auto& r : c.requests)
    if (!r.library_default_timeout) longest_timeout = std::max(longest_timeout, r.timeout_ms);
  c.deadline_ms =
      n["deadline_ms"] ? rd.integer(n["deadline_ms"], "deadline_ms", 1, 600000) : longest_timeout + 2000;
  if (c.deadline_ms <= longest_timeout)
    rd.fail(n["deadline_ms"], "deadline_ms must exceed every timeout_ms (the library needs time to report)");
  return c;
}

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

/// `for_offset: [FIRST, LAST]` makes one case per offset, with {offset}
/// replaced in the id, the title and the scenario.
std::vector<case_spec> expand(const reader& rd, const case_node& n) {
  case_spec base = parse_case(rd, n);
  if (!n["for_offset"]) return {base};
  const auto& range = n["for_offset"];
  if (!range.IsSequence() || range.size() != 2) rd.fail(range, "for_offset must be [FIRST, LAST]");
  const int first = rd.integer(range[0], "for_offset first", 0, 1 << 20);
  const int last = rd.integer(range[1], "for_offset last", first, first + 4096);
  if (base.id.find("{offset}") == std::string::npos)
    rd.fail(n["id"], "a for_offset case needs {offset} in its id (IDs must stay distinct and stable)");
  std::vector<case_spec> out;
  for (int off = first; off <= last; ++off) {
    case_spec c = base;
    const auto value = std::to_string(off);
    replace_all(c.id, "{offset}", value);
    replace_all(c.title, "{offset}", value);
    replace_all(c.scenario_yaml, "{offset}", value);
    out.push_back(std::move(c));
  }
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw case_file_error(path, 0, "cannot open file");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

YAML::Node load_yaml(const std::string& text, const std::string& source) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw case_file_error(source, e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax: " + e.msg);
  }
}

bool is_case_file(const YAML::Node& root) {
  return root.IsMap() && (root["cases"] || root["id"] || root["generate"]);
}

}  // namespace

case_file_error::case_file_error(std::string file, int line, const std::string& what)
    : std::runtime_error(file + ":" + std::to_string(line) + ": " + what),
      file_(std::move(file)),
      line_(line) {}

std::vector<case_spec> parse_case_file(std::string_view yaml_text, const std::string& source_name) {
  reader rd(source_name);
  const YAML::Node root = load_yaml(std::string(yaml_text), source_name);
  std::vector<case_spec> out;
  try {
    if (!root.IsMap())
      throw case_file_error(source_name, 1, "a case file is a mapping with 'cases:' or one case");
    if (root["generate"]) {
      // Cases generated from a table in the code (value_matrix.hpp).
      rd.check_keys(root, {"generate"}, "a generated case file");
      const auto what = rd.text(root["generate"], "generate");
      if (what != "value-matrix")
        rd.fail(root["generate"], "generate must be value-matrix, not '" + what + "'");
      return value_matrix_cases(source_name, root["generate"].Mark().line + 1);
    }
    if (root["cases"]) {
      rd.check_keys(root, {"cases", "defaults"}, "the file");
      if (root["defaults"]) rd.require_map(root["defaults"], "defaults");
      if (!root["cases"].IsSequence()) rd.fail(root["cases"], "cases must be a list");
      const YAML::Node defaults = root["defaults"] ? root["defaults"] : YAML::Node();
      if (defaults.IsMap()) {
        rd.check_keys(defaults, case_keys, "defaults");
        for (const char* per_case : {"id", "title", "jobs", "requests", "status", "for_offset"})
          if (defaults[per_case])
            rd.fail(defaults[per_case], std::string("'") + per_case + "' cannot be a default");
      }
      for (const auto& n : root["cases"]) {
        auto expanded = expand(rd, case_node{n, defaults});
        out.insert(out.end(), expanded.begin(), expanded.end());
      }
    } else {
      auto expanded = expand(rd, case_node{root, YAML::Node()});
      out.insert(out.end(), expanded.begin(), expanded.end());
    }
  } catch (const YAML::Exception& e) {
    throw case_file_error(source_name, e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
  }
  return out;
}

std::vector<case_spec> load_case_file(const std::string& path) {
  return parse_case_file(read_file(path), path);
}

std::vector<case_spec> load_cases(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> in_dir;
      for (const auto& e : fs::directory_iterator(p)) {
        const auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) in_dir.push_back(e.path().string());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      throw case_file_error(p, 0, "no such file or directory");
    }
  }
  std::vector<case_spec> out;
  std::map<std::string, std::pair<std::string, int>> seen;
  for (const auto& f : files) {
    for (auto& c : load_case_file(f)) {
      auto [it, fresh] = seen.emplace(c.id, std::make_pair(c.source_file, c.source_line));
      if (!fresh)
        throw case_file_error(c.source_file, c.source_line,
                              "duplicate case id '" + c.id + "' (first defined at " + it->second.first + ":" +
                                  std::to_string(it->second.second) + ")");
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<case_spec> load_case_or_scenario(const std::string& path) {
  const auto text = read_file(path);
  if (is_case_file(load_yaml(text, path))) return parse_case_file(text, path);
  case_spec c;
  c.id = "scenario/" + fs::path(path).stem().string();
  c.title = "Replay of scenario " + fs::path(path).filename().string();
  c.section = "SEMANTICS 6";
  c.level = requirement::must;
  c.requirement_text =
      "never report success for a job the server never created, never crash, never hang past the timeout";
  c.server = server_kind::scenario;
  c.scenario_yaml = text;
  c.scenario_first_line = 1;
  job_spec job;
  job.function = "fn";
  job.unique = "u-1";
  job.workload = "payload";
  job.outcome = expected_outcome::ok_or_error;
  request_spec r;
  r.jobs.push_back(job);
  c.requests.push_back(r);
  c.deadline_ms = r.timeout_ms + 2000;
  c.source_file = path;
  c.source_line = 1;
  return {c};
}

std::string to_case_file(const case_spec& c) {
  YAML::Emitter e;
  // `key: VALUE`, the value written as the manipulators and values given.
  const auto put = [&e](const auto& key, const auto&... value) {
    e << YAML::Key << key << YAML::Value;
    (e << ... << value);
  };
  // `key: BYTES`, quoted when printable without edge blanks, else as {hex: ...}.
  auto bytes_key = [&e](const char* key, const std::string& b) {
    e << YAML::Key << key << YAML::Value;
    const bool printable = std::all_of(b.begin(), b.end(), [](char ch) {
      return static_cast<unsigned char>(ch) >= 0x20 && static_cast<unsigned char>(ch) < 0x7f;
    });
    if (b.empty() || (printable && b.front() != ' ' && b.back() != ' '))
      e << YAML::DoubleQuoted << b;
    else
      e << YAML::BeginMap << YAML::Key << "hex" << YAML::Value << util::to_hex(b) << YAML::EndMap;
  };
  e << YAML::BeginMap;
  put("id", c.id);
  put("title", c.title);
  put("section", c.section);
  put("requirement", std::string(to_string(c.level)));
  put("checks", c.requirement_text);
  if (!c.needs.empty()) put("needs", YAML::Flow, c.needs);
  put("server", std::string(to_string(c.server)));
  if (c.server == server_kind::scenario) put("scenario", YAML::Literal, c.scenario_yaml);
  if (c.processes != 1) put("processes", c.processes);
  put("deadline_ms", c.deadline_ms);
  if (c.deadline_at_case_level) put("on_deadline", "case-level");
  if (c.budget_ms) put("budget_ms", *c.budget_ms);
  if (c.allow_retry) put("allow_retry", "true");
  if (c.protocol != 1) put("protocol", c.protocol);
  if (c.work) {
    const auto& w = *c.work;
    put("work", YAML::BeginMap);
    put("functions", YAML::BeginSeq);
    for (const auto& f : w.functions) {
      e << YAML::BeginMap;
      bytes_key("name", f.name);
      put("actions", YAML::BeginSeq);
      for (const auto& a : f.actions) {
        using k = work_action::kind;
        const std::string name(to_string(a.what));
        if (a.what == k::fail) {
          e << name;
          continue;
        }
        e << YAML::BeginMap;
        if (a.what == k::status)
          put(name, YAML::Flow, YAML::BeginSeq, a.numerator, a.denominator, YAML::EndSeq);
        else if (a.what == k::sleep)
          put(name, a.ms);
        else
          bytes_key(name.c_str(), a.bytes);
        e << YAML::EndMap;
      }
      e << YAML::EndSeq << YAML::EndMap;
    }
    e << YAML::EndSeq;
    put("max_jobs", w.max_jobs);
    put("timeout_ms", w.timeout_ms);
    if (!w.queued.empty()) {
      put("queue", YAML::BeginSeq);
      for (const auto& q : w.queued) {
        e << YAML::BeginMap;
        bytes_key("function", q.function);
        bytes_key("unique", q.unique);
        bytes_key("workload", q.workload);
        e << YAML::EndMap;
      }
      e << YAML::EndSeq;
    }
    put("expect", w.expect_either ? "either" : w.expect_ok ? "ok" : "error");
    if (!w.error_classes.empty()) put("error_class", YAML::Flow, w.error_classes);
    if (w.expect_jobs) put("jobs", *w.expect_jobs);
    if (w.max_grabs) put("max_grabs", *w.max_grabs);
    e << YAML::EndMap << YAML::EndMap;
    return std::string(e.c_str()) + "\n";
  }
  put("requests", YAML::BeginSeq);
  for (const auto& r : c.requests) {
    e << YAML::BeginMap << YAML::Key << "timeout_ms" << YAML::Value;
    if (r.library_default_timeout)
      e << "none";
    else
      e << r.timeout_ms;
    if (r.status) {
      const auto& st = *r.status;
      put("status", YAML::BeginMap);
      bytes_key(st.by_unique ? "unique" : "handle", st.key);
      e << YAML::Key << "expect" << YAML::Value;
      if (st.expect) {
        const auto& v = *st.expect;
        e << YAML::BeginMap << YAML::Key << "known" << YAML::Value << (v.known ? "true" : "false");
        put("running", v.running ? "true" : "false");
        put("numerator", v.numerator);
        put("denominator", v.denominator);
        if (v.client_count) put("client_count", *v.client_count);
        e << YAML::EndMap;
      } else {
        e << (st.error_or_ok ? "either" : "error");
      }
      if (st.wire != expected_wire::sent) put("wire", std::string(to_string(st.wire)));
      if (!st.error_classes.empty()) put("error_class", YAML::Flow, st.error_classes);
      e << YAML::EndMap << YAML::EndMap;
      continue;
    }
    put("jobs", YAML::BeginSeq);
    for (const auto& j : r.jobs) {
      e << YAML::BeginMap;
      bytes_key("function", j.function);
      if (j.unique) bytes_key("unique", *j.unique);
      bytes_key("workload", j.workload);
      put("priority", std::string(proto::name(j.prio)));
      if (!j.background) put("background", "false");
      put("expect", std::string(to_string(j.outcome)));
      if (j.outcome_level) put("expect_requirement", std::string(to_string(*j.outcome_level)));
      if (j.wire != expected_wire::sent) put("wire", std::string(to_string(j.wire)));
      if (!j.error_classes.empty()) put("error_class", YAML::Flow, j.error_classes);
      if (j.error_class_level) put("error_class_requirement", std::string(to_string(*j.error_class_level)));
      e << YAML::EndMap;
    }
    e << YAML::EndSeq << YAML::EndMap;
  }
  e << YAML::EndSeq << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

std::string default_cases_dir() {
  if (const char* env = std::getenv("GEARSPEC_CASES_DIR"); env && *env) return env;
  std::error_code ec;
  // Installed: <prefix>/bin/gearspec and <prefix>/share/gearspec/cases.
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / GEARSPEC_RELATIVE_CASES_DIR;
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return GEARSPEC_SOURCE_CASES_DIR;
}

}  // namespace gearspec::conformance
