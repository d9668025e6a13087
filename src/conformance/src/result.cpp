#include "gearspec/conformance/result.hpp"

#include <algorithm>

namespace gearspec::conformance {

bool is_failure(grade g) noexcept { return g >= grade::failed; }

std::string case_result::summary() const {
  if (findings.empty()) return notes.empty() ? std::string() : notes.front();
  const auto& f = findings.front();
  if (f.observed.empty()) return f.expected;
  return "expected " + f.expected + "; observed " + f.observed;
}

void add_finding(case_result& r, grade severity, std::string expected, std::string observed) {
  finding f{severity, std::move(expected), std::move(observed)};
  // Keep the worst first; among equals, the first noticed first.
  auto pos = std::find_if(r.findings.begin(), r.findings.end(),
                          [&](const finding& x) { return x.severity < severity; });
  r.findings.insert(pos, std::move(f));
  r.verdict = std::max(r.verdict, severity);
}

}  // namespace gearspec::conformance
