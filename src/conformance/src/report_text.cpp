// Terminal summary.
#include <algorithm>
#include <cstdio>
#include <map>

#include "gearspec/conformance/report.hpp"

namespace gearspec::conformance {
namespace {

const char* color_of(grade g) {
  if (g == grade::ok) return "\033[32m";
  if (g == grade::informational || g == grade::unimplemented) return "\033[36m";
  return g == grade::non_strict ? "\033[33m" : "\033[31m";
}

}  // namespace

std::string grade_counts(const std::vector<case_result>& results) {
  std::map<grade, int> counts;
  for (const auto& r : results) ++counts[r.verdict];
  std::string out;
  for (const auto& [g, n] : counts)
    out += (out.empty() ? "" : ", ") + std::string(to_string(g)) + " " + std::to_string(n);
  return out;
}

void print_summary(std::ostream& out, const suite_result& suite, const gate_outcome& gate, bool verbose,
                   bool color) {
  const char* reset = color ? "\033[0m" : "";
  std::size_t width = 8;
  for (const auto& r : suite.results) width = std::max(width, r.case_id.size());
  out << "gearspec conformance: client " << suite.client_label;
  if (!suite.adapter.name.empty())
    out << " (adapter " << suite.adapter.name << " " << suite.adapter.version << ")";
  out << "\n\n";
  bool any = false;
  for (const auto& r : suite.results) {
    if (!verbose && r.verdict == grade::ok) continue;
    any = true;
    std::string g(to_string(r.verdict));
    if (r.known_failure) g += " (known)";
    char head[256];
    std::snprintf(head, sizeof head, "  %-*s  ", static_cast<int>(width), r.case_id.c_str());
    out << head << (color ? color_of(r.verdict) : "");
    std::snprintf(head, sizeof head, "%-22s", g.c_str());
    out << head << reset << " " << r.title << "\n";
    const auto why = r.summary();
    if (!why.empty()) out << std::string(width + 4, ' ') << "  " << why << "\n";
  }
  if (any) out << "\n";
  out << suite.results.size() << " cases in "
      << (static_cast<double>(static_cast<int>(suite.seconds * 100)) / 100)
      << " s: " << grade_counts(suite.results) << "\n";
  std::vector<const case_result*> by_time;
  for (const auto& r : suite.results) by_time.push_back(&r);
  std::sort(by_time.begin(), by_time.end(), [](auto* a, auto* b) { return a->seconds > b->seconds; });
  out << "slowest:";
  for (std::size_t i = 0; i < by_time.size() && i < 5; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %.2fs", by_time[i]->seconds);
    out << (i ? "," : "") << " " << by_time[i]->case_id << buf;
  }
  out << "\n";
  if (!gate.known_failing.empty()) out << gate.known_failing.size() << " known failure(s) tolerated\n";
  for (const auto& s : gate.stale)
    out << (color ? "\033[31m" : "") << "stale known failure (now passes): " << s << reset << "\n";
  const auto harness_errors =
      std::count_if(suite.results.begin(), suite.results.end(),
                    [](const case_result& r) { return r.verdict == grade::harness_error; });
  if (harness_errors > 0)
    out << (color ? "\033[31m" : "") << harness_errors
        << " case(s) could not be graded (ERROR: a harness problem)" << reset << "\n";
  if (!gate.new_failures.empty())
    out << (color ? "\033[31m" : "") << gate.new_failures.size() << " case(s) failed" << reset << "\n";
  else if (gate.stale.empty() && harness_errors == 0)
    out << (color ? "\033[32m" : "") << "conforming: no FAILED, CRASHED or HUNG case" << reset << "\n";
}

}  // namespace gearspec::conformance
