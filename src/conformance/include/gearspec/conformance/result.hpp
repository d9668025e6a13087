// The outcome of one case against one client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/conformance/case.hpp"

namespace gearspec::conformance {

/// Grades, from best to worst. A case's grade is the worst of its findings.
enum class grade : std::uint8_t {
  ok,             ///< every expectation met
  informational,  ///< a MAY case: what the client does is reported, not judged
  unimplemented,  ///< the adapter lacks a feature the case needs
  non_strict,     ///< a SHOULD missed
  failed,         ///< a MUST missed, or the adapter answered garbage
  crashed,        ///< the adapter died by a signal
  hung,           ///< no answer by the deadline; the adapter was killed
  harness_error,  ///< gearspec itself could not run the case (not the client's fault)
};

inline constexpr named<grade> grade_names[] = {{grade::ok, "OK"},
                                               {grade::informational, "INFORMATIONAL"},
                                               {grade::unimplemented, "UNIMPLEMENTED"},
                                               {grade::non_strict, "NON-STRICT"},
                                               {grade::failed, "FAILED"},
                                               {grade::crashed, "CRASHED"},
                                               {grade::hung, "HUNG"},
                                               {grade::harness_error, "ERROR"}};
inline std::string_view to_string(grade g) noexcept { return name_in(grade_names, g); }
/// True for the grades that fail a run: FAILED, CRASHED, HUNG (harness
/// errors fail it too, with exit status 2).
bool is_failure(grade g) noexcept;

/// One thing the grader noticed: what was expected, what was seen.
struct finding {
  grade severity = grade::ok;
  std::string expected;
  std::string observed;
};

/// What one adapter process did during a case.
struct process_record {
  long pid = 0;
  int nth_case = 1;                   ///< this case is the process's nth (a persistent process serves many)
  std::vector<std::string> requests;  ///< JSON lines written to stdin
  std::vector<std::string> answers;   ///< lines read from stdout
  /// Lines read while waiting for an answer that carry the id of a request
  /// of an earlier case of the same process: late output, not an answer.
  std::vector<std::string> late_lines;
  std::string stderr_text;  ///< written during this case only
  /// "exit status 0", "killed by signal 11 (SIGSEGV)", "kept running for the next case", ...
  std::string exit_description;
};

struct case_result {
  std::string case_id;
  std::string title;
  std::string section;
  requirement level = requirement::must;
  std::string requirement_text;

  grade verdict = grade::ok;
  std::vector<finding> findings;   ///< what made the grade, worst first
  std::vector<std::string> notes;  ///< informational observations (unique form used, ...)
  std::string wire_log;            ///< decoded bytes both ways, then each adapter process
  double seconds = 0;
  int jobs_reported_ok = 0;     ///< job results the adapter reported as success
  int jobs_reported_error = 0;  ///< ... and as errors

  /// Set by the known-failures file: the failure was expected.
  bool known_failure = false;

  /// One line: the worst finding in plain words, or "" when OK.
  std::string summary() const;
};

/// Add a finding and raise the verdict to at least its severity.
void add_finding(case_result& r, grade severity, std::string expected, std::string observed);

}  // namespace gearspec::conformance
