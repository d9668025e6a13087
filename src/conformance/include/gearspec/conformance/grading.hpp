// Grading one case from both sides: the bytes the client sent (and the
// replies it got), and what the adapter reported (shared/spec/SEMANTICS.md 6).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "gearspec/conformance/adapter_protocol.hpp"
#include "gearspec/conformance/case.hpp"
#include "gearspec/conformance/result.hpp"
#include "gearspec/conformance/wire.hpp"

namespace gearspec::conformance {

/// What the adapter processes of a case answered.
struct case_observation {
  /// answers[process][request]: the job results, or nullopt when that
  /// request got no valid answer (the runner has already graded why).
  std::vector<std::vector<std::optional<std::vector<job_result>>>> answers;
  /// Highest connection id opened while each process ran (connections are
  /// numbered in accept order, processes run one after another).
  std::vector<std::uint64_t> last_connection;
  /// request_ms[process][request]: how long the adapter took to answer.
  std::vector<std::vector<double>> request_ms;
  /// The features the adapter listed in its hello (`handle_readback`
  /// makes a success without the handle a failure).
  std::vector<std::string> features;
  observed_wire wire;
  /// Worker cases: the answer to `work` (nullopt: none, graded already), and
  /// the connections the runner itself opened to queue the case's jobs.
  std::optional<work_answer> work;
  std::uint64_t runner_connections = 0;
};

/// Add every finding and note about the client's behaviour to `r`. The
/// rules, in order: the client's bytes are well-formed; each job's submit
/// is on the wire byte-exact (or rejected where allowed); every submit sent
/// belongs to one job (no leftover: altered, repeated, or sent for a job
/// reported rejected); success is never reported for a job the server did
/// not create, and the handle reported is the one the server sent (and is
/// reported at all, with `handle_readback`); the outcome matches the case's
/// expectation; generated uniques never repeat; requests finish within the
/// case's budget.
void grade_case(const case_spec& c, const case_observation& obs, case_result& r);

/// Grading of a worker case (worker_grading.cpp); grade_case calls it.
void grade_worker_case(const case_spec& c, const case_observation& obs, case_result& r);

/// The grade a violated expectation of this case gets (MUST -> FAILED,
/// SHOULD -> NON-STRICT, MAY -> INFORMATIONAL).
grade severity_of(requirement level) noexcept;

/// What the adapter reported of a job: "success, handle ..." or
/// "error CLASS (error): message".
std::string describe_result(const job_result& r);

/// "error_class A or B" when `got` is none of the classes a case allows
/// (none listed: any is right), else nothing.
std::optional<std::string> wrong_class(const std::vector<std::string>& allowed, const std::string& got);

/// "\"u-1\" (3 bytes)": bytes quoted and escaped, long ones shortened.
std::string describe_bytes(const std::string& bytes);

}  // namespace gearspec::conformance
