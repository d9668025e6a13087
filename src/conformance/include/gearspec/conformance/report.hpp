// Reports of a run: terminal summary, JUnit XML, JSON (which the HTML
// matrix can be rebuilt from), and the self-contained HTML matrix.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "gearspec/conformance/known_failures.hpp"
#include "gearspec/conformance/runner.hpp"

namespace gearspec::conformance {

/// Counts per grade, in grade order: "OK 120, NON-STRICT 2, FAILED 1".
std::string grade_counts(const std::vector<case_result>& results);

/// Table of every case that is not OK (all cases with `verbose`), the
/// totals, the slowest cases, the gate outcome. `color` adds ANSI colors.
void print_summary(std::ostream& out, const suite_result& suite, const gate_outcome& gate, bool verbose,
                   bool color);

/// JUnit XML: one <testsuite> per client, one <testcase> per case; FAILED,
/// CRASHED and HUNG are <failure type="GRADE">, harness errors <error>,
/// UNIMPLEMENTED and known failures <skipped>; stale known-failure entries
/// are extra failing test cases. Each case's wire log is in <system-out>.
std::string junit_xml(const suite_result& suite, const gate_outcome& gate);

/// JSON report (format "gearspec-report/1", documented in docs/conformance.md).
std::string json_report(const suite_result& suite, const gate_outcome& gate);
/// Read a JSON report back (for the multi-client matrix). Throws
/// std::runtime_error with the file name on malformed input.
suite_result parse_json_report(const std::string& text, const std::string& source_name);

/// Self-contained HTML page: a summary per area (the case-ID prefix) x
/// client, then the cases x clients with the cases that are not OK first and
/// a grade filter (all-OK rows hidden at first). Cells that are not OK expand
/// to the findings and the wire log, cut to shares of a fixed budget so the
/// page stays under 1 MB (at most 2 KiB each); OK cells carry neither.
std::string html_matrix(const std::vector<suite_result>& suites);

/// Markdown summary of several clients (docs/results.md): one table row per
/// client with its grade counts, then each client's FAILED, CRASHED and HUNG
/// cases with the first finding.
std::string markdown_summary(const std::vector<suite_result>& suites);

/// Text escaping shared by the writers: XML/HTML entities, and control bytes
/// or invalid UTF-8 shown as \xNN so the output is always well-formed.
std::string markup_escape(const std::string& text);

/// The requirement, every finding and every note of a case, as plain text.
std::string evidence_text(const case_result& r);

/// Area of a case ID, the part before '/': "submit-bg/3" -> "submit-bg".
std::string area_of(const std::string& id);

}  // namespace gearspec::conformance
