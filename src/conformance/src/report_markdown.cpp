// Markdown summary of several clients' runs (docs/results.md).
#include <map>

#include "gearspec/conformance/report.hpp"

namespace gearspec::conformance {
namespace {

/// One table cell: no newlines or pipes, long text shortened.
std::string cell(const std::string& text, std::size_t max = 360) {
  std::string out;
  for (char ch : text)
    out += ch == '|' ? std::string("\\|") : std::string(1, ch == '\n' || ch == '\r' ? ' ' : ch);
  if (out.size() > max) out = out.substr(0, max) + "...";
  return out;
}

}  // namespace

std::string markdown_summary(const std::vector<suite_result>& suites) {
  const grade columns[] = {grade::ok,     grade::non_strict, grade::informational, grade::unimplemented,
                           grade::failed, grade::crashed,    grade::hung,          grade::harness_error};
  std::string md = "| client | adapter | cases |";
  for (auto g : columns) md += " " + std::string(to_string(g)) + " |";
  md += "\n|---|---|---:|";
  for (std::size_t i = 0; i < std::size(columns); ++i) md += "---:|";
  md += "\n";
  for (const auto& s : suites) {
    std::map<grade, int> n;
    for (const auto& r : s.results) ++n[r.verdict];
    md += "| " + cell(s.client_label) + " | " + cell(s.adapter.name + " " + s.adapter.version) + " | " +
          std::to_string(s.results.size()) + " |";
    for (auto g : columns) md += " " + std::to_string(n[g]) + " |";
    md += "\n";
  }
  for (const auto& s : suites) {
    std::string rows;
    for (const auto& r : s.results)
      if (is_failure(r.verdict) && r.verdict != grade::harness_error)
        rows += "| `" + r.case_id + "` | " + std::string(to_string(r.verdict)) + " | " + cell(r.title, 90) +
                " | " + cell(r.summary()) + " |\n";
    if (rows.empty()) continue;
    md += "\n### " + cell(s.client_label) +
          "\n\n| case | grade | title | evidence (first finding) |\n|---|---|---|---|\n" + rows;
  }
  return md;
}

}  // namespace gearspec::conformance
