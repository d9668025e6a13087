// The value-class matrix: generated cases that send, in each of the fields a
// caller controls (function, unique, workload), every class of value client
// libraries tend to mishandle (empty, whitespace, control characters, strings
// a dynamic language coerces, NUL, non-ASCII, limits, buffer sizes), at each
// priority and inside a batch. Generated rather than written out so that the
// classes, variants and expectations stay one table.
#pragma once

#include <string>
#include <vector>

#include "gearspec/conformance/case.hpp"

namespace gearspec::conformance {

/// Every matrix case, IDs `value/<field>/<class>/<variant>` (variant: normal,
/// high, low, batch). `source_file`/`source_line` are kept in each case (the
/// case file that asked for the matrix).
std::vector<case_spec> value_matrix_cases(const std::string& source_file, int source_line);

}  // namespace gearspec::conformance
