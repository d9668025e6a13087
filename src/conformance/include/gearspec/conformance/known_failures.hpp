// The known-failures file that gates CI: cases listed there may fail without
// failing the run; a listed case that now passes is "stale" and fails it, so
// the file always says exactly what is still broken.
//
// Format: one case ID or glob per line (`unique/7`, `error-close/*`);
// everything after '#' is a comment; blank lines are ignored. A line
// `flaky <ID or glob>` lists a case whose outcome for this library depends
// on timing (how its runtime splits reads, which event fires first): it may
// fail or pass, and is never stale.
#pragma once

#include <string>
#include <vector>

#include "gearspec/conformance/case.hpp"
#include "gearspec/conformance/result.hpp"

namespace gearspec::conformance {

struct known_failure_entry {
  std::string pattern;  ///< case ID or glob
  int line = 0;
  bool flaky = false;  ///< may pass or fail: never stale
};

/// Parse the file; throws case_file_error (file:line) for a line that is not
/// an ID/glob or that matches none of `all_cases` (a typo would silently
/// hide nothing and never go stale).
std::vector<known_failure_entry> load_known_failures(const std::string& path,
                                                     const std::vector<case_spec>& all_cases);

struct gate_outcome {
  std::vector<std::string> stale;          ///< entries whose cases all passed: "file:line: pattern"
  std::vector<std::string> new_failures;   ///< failing cases not listed
  std::vector<std::string> known_failing;  ///< failing cases covered by the file
};

/// Mark listed failures as known (case_result::known_failure) and work out
/// what fails the run.
gate_outcome apply_known_failures(const std::vector<known_failure_entry>& entries, const std::string& path,
                                  std::vector<case_result>& results);

/// Exit status of a run: 2 when any case hit a harness error, 1 for new
/// failures or stale entries, else 0.
int exit_status(const gate_outcome& gate, const std::vector<case_result>& results);

/// fnmatch-style glob on case IDs ('*', '?', '[...]').
bool id_matches(const std::string& pattern, const std::string& id);

}  // namespace gearspec::conformance
