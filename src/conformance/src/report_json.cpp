// JSON report, and reading it back for the multi-client matrix.
#include <nlohmann/json.hpp>

#include "gearspec/conformance/report.hpp"

namespace gearspec::conformance {
namespace {

using json = nlohmann::json;

template <typename E, std::size_t N>
E value_from(const named<E> (&table)[N], const std::string& s, const char* what) {
  if (const auto v = value_in(table, s)) return *v;
  throw std::runtime_error(std::string("unknown ") + what + " '" + s + "'");
}

}  // namespace

std::string json_report(const suite_result& suite, const gate_outcome& gate) {
  json cases = json::array();
  for (const auto& r : suite.results) {
    json findings = json::array();
    for (const auto& f : r.findings)
      findings.push_back(
          {{"grade", to_string(f.severity)}, {"expected", f.expected}, {"observed", f.observed}});
    cases.push_back({{"id", r.case_id},
                     {"title", r.title},
                     {"section", r.section},
                     {"requirement", to_string(r.level)},
                     {"checks", r.requirement_text},
                     {"grade", to_string(r.verdict)},
                     {"known_failure", r.known_failure},
                     {"seconds", r.seconds},
                     {"findings", findings},
                     {"notes", r.notes},
                     {"wire_log", r.wire_log}});
  }
  std::map<std::string, int> counts;
  for (const auto& r : suite.results) ++counts[std::string(to_string(r.verdict))];
  json j{{"format", "gearspec-report/1"},
         {"client", suite.client_label},
         {"adapter",
          {{"name", suite.adapter.name},
           {"version", suite.adapter.version},
           {"features", suite.adapter.features}}},
         {"seconds", suite.seconds},
         {"summary", counts},
         {"stale_known_failures", gate.stale},
         {"new_failures", gate.new_failures},
         {"known_failing", gate.known_failing},
         {"cases", cases}};
  // JSON strings must be UTF-8: invalid bytes (stderr of an adapter) become U+FFFD.
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

suite_result parse_json_report(const std::string& input, const std::string& source_name) {
  try {
    const auto j = json::parse(input);
    if (j.value("format", "") != "gearspec-report/1")
      throw std::runtime_error("not a gearspec-report/1 file");
    suite_result s;
    s.client_label = j.at("client").get<std::string>();
    s.adapter.name = j.at("adapter").value("name", "");
    s.adapter.version = j.at("adapter").value("version", "");
    s.adapter.features = j.at("adapter").value("features", std::vector<std::string>{});
    s.seconds = j.value("seconds", 0.0);
    for (const auto& c : j.at("cases")) {
      case_result r;
      r.case_id = c.at("id").get<std::string>();
      r.title = c.value("title", "");
      r.section = c.value("section", "");
      r.level = value_from(requirement_names, c.value("requirement", "MUST"), "requirement");
      r.requirement_text = c.value("checks", "");
      r.verdict = value_from(grade_names, c.at("grade").get<std::string>(), "grade");
      r.known_failure = c.value("known_failure", false);
      r.seconds = c.value("seconds", 0.0);
      for (const auto& f : c.value("findings", json::array()))
        r.findings.push_back({value_from(grade_names, f.at("grade").get<std::string>(), "grade"),
                              f.value("expected", ""), f.value("observed", "")});
      r.notes = c.value("notes", std::vector<std::string>{});
      r.wire_log = c.value("wire_log", "");
      s.results.push_back(std::move(r));
    }
    return s;
  } catch (const std::exception& e) {
    throw std::runtime_error(source_name + ": " + e.what());
  }
}

}  // namespace gearspec::conformance
