// Scenario files: what gearmock plays on a connection instead of (or before)
// behaving like gearmand. The format is documented in docs/scenarios.md.
//
//   auto s = gearspec::mock::parse_scenario(yaml_text, "cases/submit.yaml", 40);
//   gearspec::mock::options o; o.script = s;
//
// Parsing is strict: every error names the file, line and column and says
// what was expected there. The parsed scenario is immutable and may be shared
// by any number of servers and threads.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gearspec::mock {

namespace detail {
struct scenario_model;  // the parsed step tree (mock_server/src/scenario_model.hpp)
}

/// A parsed, validated scenario.
class scenario {
 public:
  explicit scenario(std::shared_ptr<const detail::scenario_model> model) noexcept;

  /// The `name:` field, or the source name when absent.
  const std::string& name() const noexcept;
  /// The source name given to parse_scenario (file path or case id).
  const std::string& source() const noexcept;
  /// Number of per-connection scripts (`connections:` entries, plus 1 for `steps:`).
  std::size_t script_count() const noexcept;

  const detail::scenario_model& model() const noexcept { return *model_; }

 private:
  std::shared_ptr<const detail::scenario_model> model_;
};

/// A scenario that could not be parsed or is inconsistent. what() reads
/// "FILE:LINE:COLUMN: expected ..., got ..." (LINE/COLUMN 1-based, relative
/// to the real file when first_line was given).
class scenario_error : public std::runtime_error {
 public:
  scenario_error(std::string file, int line, int column, std::string expected, std::string got = {});

  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  int column() const noexcept { return column_; }
  /// What the parser expected at that place.
  const std::string& expected() const noexcept { return expected_; }
  /// What it found (may be empty).
  const std::string& got() const noexcept { return got_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string expected_;
  std::string got_;
};

/// Parse a scenario from YAML text. `source_name` and `first_line` locate
/// errors: pass the case file name and the line where the YAML starts when
/// the scenario is embedded in a larger file. Throws scenario_error.
std::shared_ptr<const scenario> parse_scenario(std::string_view yaml_text, std::string source_name,
                                               int first_line = 1);

/// Read and parse a scenario file. Throws scenario_error (also when the file
/// cannot be read: line 0).
std::shared_ptr<const scenario> load_scenario_file(const std::string& path);

}  // namespace gearspec::mock
