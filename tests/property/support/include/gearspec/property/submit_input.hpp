// Generators of background-submit arguments for the property suite: valid
// ones (anything SEMANTICS.md 2 accepts) and invalid ones together with the
// rule they break. Built on the shared field generators
// (gearspec/test/generators.hpp); include from test .cpp files only.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <ostream>
#include <string>

#include "gearspec/client/task.hpp"
#include "gearspec/protocol/command.hpp"

namespace gearspec::property {

/// The arguments of one gearman_client_add_task*_background call.
struct submit_input {
  std::string function;
  std::string unique;  ///< "" = let the client generate one
  std::string workload;
  proto::priority prio = proto::priority::normal;

  /// The C++ API's view of these bytes (background submit).
  client::job_request request() const { return {function, unique, workload, prio, true}; }
  /// The SUBMIT_*_BG command these arguments must be sent with.
  proto::command command() const { return proto::submit_command(prio, true); }
};

void showValue(const submit_input& s, std::ostream& os);

/// Any priority, uniformly.
rc::Gen<proto::priority> priority();

/// Function names the API accepts: 1..512 bytes, no NUL (edge lengths,
/// non-ASCII, '-', '#' from the shared generator).
rc::Gen<std::string> valid_function();

/// Uniques the API accepts: 0..64 bytes, no NUL ("" = generate one).
rc::Gen<std::string> valid_unique();

/// Caller uniques that must be sent byte-exact: 1..64 bytes, no NUL, other
/// than the two rule characters "-" and "#".
rc::Gen<std::string> caller_unique();

/// A valid submit; workloads up to `max_workload` bytes (any bytes).
rc::Gen<submit_input> valid_submit(std::size_t max_workload = 4096);

/// Which argument rule (SEMANTICS.md 2) an invalid submit breaks.
enum class broken_rule {
  function_empty,
  function_too_long,  ///< 513.. bytes
  function_has_nul,   ///< C++ API only (a C string cannot carry it)
  unique_too_long,    ///< 65.. bytes
  unique_has_nul,     ///< C++ API only
};

const char* to_string(broken_rule r) noexcept;

/// A submit that breaks exactly `rule`, every other argument valid.
struct invalid_submit {
  submit_input input;
  broken_rule rule = broken_rule::function_empty;
};

void showValue(const invalid_submit& s, std::ostream& os);

/// Invalid submits; with `c_strings` only the rules a C caller can break
/// with NUL-terminated strings.
rc::Gen<invalid_submit> invalid_submit_gen(bool c_strings);

}  // namespace gearspec::property
