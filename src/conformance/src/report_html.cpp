// The HTML matrix: one self-contained page (no network, no external file)
// that opens on what a reader wants first — a summary per area x client and
// the cases that are not OK — and keeps the OK cases one filter click away.
// Evidence and wire logs are carried only for cells that are not OK, and
// share a fixed budget, so the page stays small however many clients fail.
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>

#include "gearspec/conformance/report.hpp"

namespace gearspec::conformance {
namespace {

/// Grades from worst to best: the order of rows, of summary counts, of filters.
constexpr std::array<grade, 8> by_severity{grade::harness_error, grade::crashed,    grade::hung,
                                           grade::failed,        grade::non_strict, grade::unimplemented,
                                           grade::informational, grade::ok};

/// The page's budget for evidence and wire logs, shared by the cells that
/// carry them (the cells that are not OK): each cell gets an equal share, at
/// most the ceiling below. The JSON report and --wire-log keep everything.
constexpr std::size_t evidence_budget = 200 * 1024, wire_log_budget = 280 * 1024, share_ceiling = 2048;

std::size_t share_of(std::size_t budget, std::size_t cells) {
  return cells == 0 ? share_ceiling : std::min(budget / cells, share_ceiling);
}

/// Escaped text cut to about `cap` bytes, never inside a character or an
/// entity, with how much was left out.
std::string capped(const std::string& text, std::size_t cap, const char* where) {
  std::string out = markup_escape(text);
  if (out.size() <= cap) return out;
  std::size_t cut = cap;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 continuation
  if (const auto amp = out.rfind('&', cut); amp != std::string::npos && out.find(';', amp) >= cut) cut = amp;
  const auto dropped = out.size() - cut;
  out.resize(cut);
  return out + "\n... (" + std::to_string(dropped) + " more bytes: " + where + ")\n";
}

int rank(grade g) {
  return static_cast<int>(std::find(by_severity.begin(), by_severity.end(), g) - by_severity.begin());
}

/// One client's results, indexed by case ID.
using by_id = std::map<std::string, const case_result*>;

const char* page_head =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>gearspec conformance matrix</title>\n<style>"
    "body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:1em}"
    "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;font-size:13px}"
    "th{background:#eee}#cases th{position:sticky;top:0}"
    "pre{font-size:12px;max-width:110ch;overflow-x:auto;white-space:pre-wrap}summary{cursor:pointer;font-"
    "weight:bold}"
    ".OK{background:#d4f7d4}.NON-STRICT{background:#fff2b3}.INFORMATIONAL,.UNIMPLEMENTED{background:#dcecff}"
    ".FAILED,.CRASHED,.HUNG,.ERROR{background:#ffb8b8}.known{outline:2px dashed #777}"
    "#summary td{text-align:center;min-width:7em}#filter label{margin-right:1em}"
    "tr.allok{display:none}body.show-ok tr.allok{display:table-row}"
    "</style></head><body>\n<h1>gearspec conformance matrix</h1>\n";

// Filters rows by grade; marks the page ready (a test loads the page in a
// browser and checks the marker and the absence of a script error).
const char* page_script =
    "<script>\n"
    "window.addEventListener('error',function(e){document.documentElement.dataset.scriptError=String(e."
    "message);});\n"
    "(function(){\n"
    "  var boxes=document.querySelectorAll('#filter input');\n"
    "  function apply(){\n"
    "    var on={};boxes.forEach(function(b){on[b.value]=b.checked;});\n"
    "    document.body.classList.add('show-ok');\n"
    "    document.querySelectorAll('#cases tr[data-grades]').forEach(function(tr){\n"
    "      tr.hidden=!tr.dataset.grades.split(' ').some(function(g){return on[g];});\n"
    "    });\n"
    "  }\n"
    "  boxes.forEach(function(b){b.addEventListener('change',apply);});\n"
    "  apply();\n"
    "  document.documentElement.dataset.ready='1';\n"
    "})();\n"
    "</script>\n";

std::string summary_table(const std::vector<suite_result>& suites, const std::vector<std::string>& areas) {
  std::string h = "<h2>Summary</h2>\n<table id=\"summary\"><tr><th>area</th>";
  for (const auto& s : suites)
    h += "<th>" + markup_escape(s.client_label) + "<br><small>" +
         markup_escape(s.adapter.name + " " + s.adapter.version) + "</small></th>";
  h += "</tr>\n";
  auto cell = [](const std::vector<const case_result*>& results) {
    if (results.empty()) return std::string("<td>not run</td>");
    std::map<int, int> counts;
    for (const auto* r : results) ++counts[rank(r->verdict)];
    const grade worst = by_severity[static_cast<std::size_t>(counts.begin()->first)];
    std::string c = "<td class=\"" + std::string(to_string(worst)) + "\">";
    for (const auto& [k, n] : counts)
      c += (k == counts.begin()->first ? "" : "<br>") + std::to_string(n) + " " +
           std::string(to_string(by_severity[static_cast<std::size_t>(k)]));
    return c + "</td>";
  };
  for (const auto& area : areas) {
    h += "<tr><th>" + markup_escape(area) + "</th>";
    for (const auto& s : suites) {
      std::vector<const case_result*> in_area;
      for (const auto& r : s.results)
        if (area_of(r.case_id) == area) in_area.push_back(&r);
      h += cell(in_area);
    }
    h += "</tr>\n";
  }
  h += "<tr><th>all</th>";
  for (const auto& s : suites) {
    std::vector<const case_result*> all;
    for (const auto& r : s.results) all.push_back(&r);
    h += cell(all);
  }
  return h + "</tr>\n</table>\n";
}

std::string filter_bar() {
  std::string h = "<p id=\"filter\">Show cases with a cell graded: ";
  for (const auto g : by_severity) {
    const std::string name(to_string(g));
    h += "<label><input type=\"checkbox\" value=\"" + name + "\"" + (g == grade::ok ? "" : " checked") +
         "> " + name + "</label>";
  }
  return h + "</p>\n";
}

/// Cells that open on evidence and a wire log: the failures and NON-STRICT.
bool carries_details(grade g) { return is_failure(g) || g == grade::non_strict; }

struct cell_caps {
  std::size_t evidence, wire_log;
};

std::string result_cell(const case_result* r, const cell_caps& caps) {
  if (r == nullptr) return "<td>not run</td>";
  const std::string g(to_string(r->verdict));
  const std::string label = g + (r->known_failure ? " (known)" : "");
  const std::string cls = "<td class=\"" + g + (r->known_failure ? " known" : "") + "\"";
  if (r->verdict == grade::ok) return cls + ">OK</td>";
  if (!carries_details(r->verdict))
    return cls + " title=\"" + markup_escape(r->summary()) + "\">" + label + "</td>";
  return cls + "><details><summary>" + label + "</summary><pre>" +
         capped(evidence_text(*r), caps.evidence, "every finding is in the JSON report") + "</pre><pre>" +
         capped(r->wire_log, caps.wire_log, "see the JSON report or --wire-log") + "</pre></details></td>";
}

}  // namespace

std::string html_matrix(const std::vector<suite_result>& suites) {
  // Rows: the union of case IDs in first-seen order; areas likewise.
  std::vector<std::string> ids, areas;
  std::map<std::string, const case_result*> first;
  std::vector<by_id> index(suites.size());
  for (std::size_t i = 0; i < suites.size(); ++i)
    for (const auto& r : suites[i].results) {
      index[i].emplace(r.case_id, &r);
      if (!first.emplace(r.case_id, &r).second) continue;
      ids.push_back(r.case_id);
      if (std::find(areas.begin(), areas.end(), area_of(r.case_id)) == areas.end())
        areas.push_back(area_of(r.case_id));
    }
  auto result_of = [&](std::size_t client, const std::string& id) -> const case_result* {
    const auto it = index[client].find(id);
    return it == index[client].end() ? nullptr : it->second;
  };
  auto worst_rank = [&](const std::string& id) {
    int worst = rank(grade::ok);
    for (std::size_t i = 0; i < suites.size(); ++i)
      if (const auto* r = result_of(i, id)) worst = std::min(worst, rank(r->verdict));
    return worst;
  };
  // Failures first; within a grade, the suite's own order.
  std::size_t detailed = 0;
  for (const auto& suite : suites)
    detailed += static_cast<std::size_t>(
        std::count_if(suite.results.begin(), suite.results.end(),
                      [](const case_result& r) { return carries_details(r.verdict); }));
  const cell_caps caps{share_of(evidence_budget, detailed), share_of(wire_log_budget, detailed)};
  std::stable_sort(ids.begin(), ids.end(),
                   [&](const std::string& a, const std::string& b) { return worst_rank(a) < worst_rank(b); });

  std::string h = page_head;
  h += "<p>Generated by <code>gearspec</code>: " + std::to_string(first.size()) + " cases, " +
       std::to_string(suites.size()) +
       " client(s). Cases with a problem come first; open a cell for the evidence and the wire log.</p>\n";
  h += summary_table(suites, areas);
  h += "<h2>Cases</h2>\n" + filter_bar();
  h += "<table id=\"cases\"><tr><th>case</th><th>requirement</th>";
  for (const auto& s : suites) h += "<th>" + markup_escape(s.client_label) + "</th>";
  h += "</tr>\n";
  for (const auto& id : ids) {
    const auto* any = first[id];
    std::set<int> ranks;
    std::string grades, cells;
    for (std::size_t i = 0; i < suites.size(); ++i) {
      const auto* r = result_of(i, id);
      if (r != nullptr && ranks.insert(rank(r->verdict)).second)
        grades += (grades.empty() ? "" : " ") + std::string(to_string(r->verdict));
      cells += result_cell(r, caps);
    }
    const bool all_ok = worst_rank(id) == rank(grade::ok);
    h += "<tr data-grades=\"" + grades + "\"" + (all_ok ? " class=\"allok\"" : "") + "><td><b>" +
         markup_escape(id) + "</b><br>" + markup_escape(any->title) + "</td><td>" +
         markup_escape(std::string(to_string(any->level)) + " " + any->section) + "</td>" + cells + "</tr>\n";
  }
  h += "</table>\n";
  h += page_script;
  h += "</body></html>\n";
  return h;
}

}  // namespace gearspec::conformance
