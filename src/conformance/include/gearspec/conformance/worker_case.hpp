// Worker cases (docs/conformance.md "Worker cases"): the adapter registers
// functions and takes jobs (op `work`); the case says what each function does
// with the jobs it is given and what is expected of the worker's bytes and of
// its report. The runner can put jobs into a queue-mode server first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gearspec/conformance/names.hpp"

namespace gearspec::conformance {

/// One thing a worker function does with its job, in order.
struct work_action {
  enum class kind : std::uint8_t { complete, fail, exception, status, data, warning, sleep };
  kind what = kind::complete;
  std::string bytes;            ///< complete, exception, data, warning
  std::uint32_t numerator = 0;  ///< status
  std::uint32_t denominator = 0;
  int ms = 0;  ///< sleep
};

struct work_function {
  std::string name;
  std::vector<work_action> actions;
};

/// A background job the runner submits to the queue-mode server before the
/// worker starts.
struct queued_job {
  std::string function, unique, workload;
};

struct work_spec {
  std::vector<work_function> functions;
  int max_jobs = 1;
  int timeout_ms = 1000;
  std::vector<queued_job> queued;
  /// What the adapter must report: `ok` (max_jobs jobs done) or an error.
  bool expect_ok = true;
  /// `expect: either`: the outcome and the job count are not graded, only the
  /// rules that hold whatever the server sent (a black-box fuzz trial).
  bool expect_either = false;
  std::vector<std::string> error_classes;  ///< acceptable classes when an error is expected (empty: any)
  /// The number of jobs the worker must have been given (nullopt: max_jobs when ok).
  std::optional<int> expect_jobs;
  /// At most this many GRAB_JOB* in the whole case (a worker that sleeps).
  std::optional<int> max_grabs;
};

/// What the adapter reported for one job.
struct worked_job {
  std::string handle, function, unique, workload;
  struct step {
    bool ok = true;
    std::string error;
  };
  std::vector<step> steps;
};

struct work_answer {
  std::vector<worked_job> jobs;
  bool ok = true;
  std::string error_class, error, message;
};

inline constexpr named<work_action::kind> work_action_names[] = {
    {work_action::kind::complete, "complete"},   {work_action::kind::fail, "fail"},
    {work_action::kind::exception, "exception"}, {work_action::kind::status, "status"},
    {work_action::kind::data, "data"},           {work_action::kind::warning, "warning"},
    {work_action::kind::sleep, "sleep"}};
inline std::string_view to_string(work_action::kind k) noexcept { return name_in(work_action_names, k); }

/// The `work` request line (adapter protocol v2).
std::string make_work_request(int id, const std::string& server, const work_spec& w);
/// Parse the answer to a `work` request; false with `problem` when malformed.
bool parse_work_answer(const std::string& line, int id, work_answer& out, std::string& problem);

/// Submit `jobs` as SUBMIT_JOB_BG to the server at 127.0.0.1:`port` and wait
/// for each JOB_CREATED. Throws std::runtime_error saying what went wrong.
void queue_jobs(std::uint16_t port, const std::vector<queued_job>& jobs, int timeout_ms);

}  // namespace gearspec::conformance
