// Grading a case's `status` requests (docs/conformance.md "Status polling"):
// the GET_STATUS / GET_STATUS_UNIQUE bytes the client sent, and what the
// adapter reported against what the server answered.
#pragma once

#include "gearspec/conformance/grading.hpp"

namespace gearspec::conformance {

/// Adds the findings of every `status` request of `c` to `r`: each request
/// is on the wire byte-exact (right command, the handle or unique as given,
/// nothing added) or, where the case allows, rejected before sending; no
/// status packet is sent that no request asked for; a reported status equals
/// the server's fields; a reply the case expects to be refused (malformed,
/// missing) is an error, never numbers.
void grade_status_requests(const case_spec& c, const case_observation& obs, const wire_analysis& analysis,
                           case_result& r);

}  // namespace gearspec::conformance
