// The suite's test of itself: every case is run against the correct client
// and against each deliberately broken mode of the reference adapter. A MUST
// or SHOULD case that every broken mode passes as well as the correct client
// proves nothing, and is reported.
#pragma once

#include <string>
#include <vector>

#include "gearspec/conformance/case.hpp"
#include "gearspec/conformance/runner.hpp"

namespace gearspec::conformance {

/// The broken modes an adapter offers: the lines it prints for
/// `--list-breaks`. Throws spawn_error when it cannot be run.
std::vector<std::string> list_broken_modes(const std::vector<std::string>& adapter_argv);

/// True when `broken` shows a defect (NON-STRICT or worse, not a harness
/// error) that the correct client's grade `clean` does not.
bool catches(grade clean, grade broken) noexcept;

struct mode_coverage {
  suite_result clean;                               ///< the adapter as given
  std::vector<std::string> modes;                   ///< broken modes, in run order
  std::vector<suite_result> broken;                 ///< one run per mode (`--break=MODE` appended)
  std::vector<std::vector<std::string>> caught_by;  ///< per case (suite order): the modes that catch it
};

/// Run the cases against the adapter of `base` and against each mode.
mode_coverage broken_mode_coverage(const std::vector<case_spec>& cases, const run_options& base,
                                   const std::vector<std::string>& modes);

/// The MUST and SHOULD cases that the correct client passes and no mode
/// catches (their IDs): cases that cannot fail.
std::vector<std::string> uncaught_cases(const std::vector<case_spec>& cases, const mode_coverage& coverage);

}  // namespace gearspec::conformance
