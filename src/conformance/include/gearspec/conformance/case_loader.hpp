// Loading conformance cases from YAML case files (format: docs/conformance.md).
// Every error names the file and line and says what was expected there.
// Public so that other tools (the black-box fuzzer) can read and write cases.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/conformance/case.hpp"

namespace gearspec::conformance {

/// A case file that cannot be used: "<file>:<line>: <what is wrong>".
class case_file_error : public std::runtime_error {
 public:
  case_file_error(std::string file, int line, const std::string& what);
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }

 private:
  std::string file_;
  int line_;
};

/// Parse the text of one case file. `source_name` is used in errors and kept
/// in each case. Templates (`for_offset`) are expanded.
std::vector<case_spec> parse_case_file(std::string_view yaml_text, const std::string& source_name);

/// Read and parse one file.
std::vector<case_spec> load_case_file(const std::string& path);

/// Load files and directories (every *.yaml / *.yml inside, sorted by name).
/// Throws case_file_error on a bad file or a duplicate case ID.
std::vector<case_spec> load_cases(const std::vector<std::string>& paths);

/// A file given to `gearspec run --scenario`: either a case file, or a bare
/// gearmock scenario, which becomes one case ("scenario/<file name>") that
/// submits one background job and accepts any outcome the generic rules allow.
std::vector<case_spec> load_case_or_scenario(const std::string& path);

/// Render a case as a case file (round-trips through parse_case_file); used
/// to save fuzz findings as replayable cases.
std::string to_case_file(const case_spec& c);

/// Where the shipped suite lives: $GEARSPEC_CASES_DIR, else the installed
/// share/gearspec/cases, else the source tree's src/conformance/cases.
std::string default_cases_dir();

}  // namespace gearspec::conformance
