#include "gearspec/conformance/known_failures.hpp"

#include <fnmatch.h>

#include <fstream>

#include "gearspec/conformance/case_loader.hpp"

namespace gearspec::conformance {

bool id_matches(const std::string& pattern, const std::string& id) {
  return ::fnmatch(pattern.c_str(), id.c_str(), 0) == 0;
}

std::vector<known_failure_entry> load_known_failures(const std::string& path,
                                                     const std::vector<case_spec>& all_cases) {
  std::ifstream in(path);
  if (!in) throw case_file_error(path, 0, "cannot open known-failures file");
  std::vector<known_failure_entry> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    auto pattern = line.substr(first, last - first + 1);
    const bool flaky =
        pattern.rfind("flaky", 0) == 0 && pattern.size() > 5 && (pattern[5] == ' ' || pattern[5] == '\t');
    if (flaky) pattern = pattern.substr(pattern.find_first_not_of(" \t", 5));
    if (pattern.find_first_of(" \t") != std::string::npos)
      throw case_file_error(path, number,
                            "expected one case ID or glob per line (or 'flaky ID'), got '" + pattern + "'");
    bool matches = false;
    for (const auto& c : all_cases) matches = matches || id_matches(pattern, c.id);
    if (!matches) throw case_file_error(path, number, "'" + pattern + "' matches no case of the suite");
    out.push_back({pattern, number, flaky});
  }
  return out;
}

gate_outcome apply_known_failures(const std::vector<known_failure_entry>& entries, const std::string& path,
                                  std::vector<case_result>& results) {
  gate_outcome g;
  for (const auto& e : entries) {
    bool matched_any = false, failing = false;
    for (auto& r : results) {
      if (!id_matches(e.pattern, r.case_id)) continue;
      matched_any = true;
      if (is_failure(r.verdict) && r.verdict != grade::harness_error) {
        failing = true;
        r.known_failure = true;
      }
    }
    // Entries for cases not selected in this run are neither stale nor used.
    if (matched_any && !failing && !e.flaky)
      g.stale.push_back(path + ":" + std::to_string(e.line) + ": " + e.pattern);
  }
  for (const auto& r : results) {
    if (!is_failure(r.verdict) || r.verdict == grade::harness_error) continue;
    (r.known_failure ? g.known_failing : g.new_failures).push_back(r.case_id);
  }
  return g;
}

int exit_status(const gate_outcome& gate, const std::vector<case_result>& results) {
  for (const auto& r : results)
    if (r.verdict == grade::harness_error) return 2;
  return gate.new_failures.empty() && gate.stale.empty() ? 0 : 1;
}

}  // namespace gearspec::conformance
