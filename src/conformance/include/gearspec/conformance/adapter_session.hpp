// One adapter process as the runner keeps it across the cases it serves:
// request ids that never repeat within the process (so a late line of an
// earlier case can never pass for an answer), the hello answer given once,
// and the orderly end (stdin closed, exit status 0 expected).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gearspec/conformance/adapter_process.hpp"
#include "gearspec/conformance/adapter_protocol.hpp"
#include "gearspec/conformance/result.hpp"

namespace gearspec::conformance {

class adapter_session {
 public:
  /// Starts the adapter; throws spawn_error when it cannot be started.
  explicit adapter_session(const std::vector<std::string>& argv) : proc_(argv) {}

  adapter_process& process() noexcept { return proc_; }
  long pid() const noexcept { return static_cast<long>(proc_.pid()); }

  /// Marks the start of a case: returns which case of this process it is (1, 2, ...).
  int begin_case() noexcept {
    first_id_of_case_ = next_id_;
    return ++cases_served_;
  }
  int cases_served() const noexcept { return cases_served_; }
  int next_id() noexcept { return next_id_++; }

  /// The hello answer, once the process has given a valid one.
  std::optional<hello_answer> hello;

  /// Next stdout line for the current case. A JSON object whose "id" is one
  /// of an earlier case of this process is late output of that case: it is
  /// put in `late` and the wait goes on (one with an id of this case is
  /// returned and graded, as it would be in a process of its own).
  adapter_process::io_status read_answer(std::string& line, clock::time_point deadline,
                                         std::vector<std::string>& late);

  /// What the process wrote since its last answer, without waiting: complete
  /// stdout lines and stderr. Notices an exit meanwhile (process().running()).
  void collect_idle_output(std::vector<std::string>& lines, std::string& stderr_text);

 private:
  adapter_process proc_;
  int next_id_ = 0;
  int first_id_of_case_ = 0;
  int cases_served_ = 0;
};

/// The id of an answer line, when it is a JSON object with an integer "id".
std::optional<long long> answer_id(const std::string& line);

/// Grade how an adapter process ended after its last answer: CRASHED when it
/// died by a signal, FAILED for an exit status other than 0 (`context`, added
/// to what was observed, says which process and when).
void grade_exit(const exit_info& exit, const std::string& context, case_result& r);

/// The orderly end of an adapter process: close its stdin and wait (at most
/// `exit_timeout_ms`, and not past `hard_deadline`) for it to exit. A process
/// that does not exit is killed. When `grade_exit` is set, findings go to `r`:
/// HUNG when it had to be killed, CRASHED when it died by a signal, FAILED for
/// an exit status other than 0; `context` is added to what was observed.
/// Returns how the process ended, for the wire log.
std::string end_process(adapter_process& proc, int exit_timeout_ms, clock::time_point hard_deadline,
                        bool grade_exit, const std::string& context, case_result& r);

}  // namespace gearspec::conformance
