// Running cases: for each case an in-process gearmock on its own port plays
// the case's scenario (or queue mode), an adapter process is driven through
// the adapter protocol, and the result is graded. Cases run in parallel on a
// pool of threads; each thread's adapter process serves its cases one after
// another (or, with `isolate`, every case gets a fresh process).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gearspec/conformance/adapter_protocol.hpp"
#include "gearspec/conformance/case.hpp"
#include "gearspec/conformance/result.hpp"

namespace gearspec::conformance {

struct run_options {
  std::vector<std::string> adapter_argv;  ///< the adapter command, split into words
  std::string client_label;               ///< shown in reports ("reference", "perl", ...)
  unsigned jobs = 0;                      ///< cases in parallel; 0 = number of cores
  /// Replaces every case's own deadline for each answer (ms).
  std::optional<int> case_timeout_ms;
  /// Whole run (ms): cases not started by then are reported as harness errors,
  /// running ones get at most the time left.
  std::optional<int> global_timeout_ms;
  /// Time for a fresh adapter process to answer `hello` (interpreters start slowly).
  int startup_timeout_ms = 10000;
  /// Time for an adapter to exit after its stdin is closed.
  int exit_timeout_ms = 3000;
  /// One adapter process per case (and its exit status checked after each).
  /// Otherwise each worker thread keeps one process for consecutive cases and
  /// starts a new one only after a crash, a hang, a garbage answer or an exit.
  bool isolate = false;
  /// Persistent mode: how long the case's server keeps running after the
  /// last answer while the client still has a connection open (ms), as it
  /// does while an isolated process exits, so that what the library sends
  /// right after answering reaches the journal.
  int settle_ms = 20;
  /// Called (serialised) as each case finishes: the result, cases done, total.
  std::function<void(const case_result&, std::size_t, std::size_t)> on_result;
};

struct suite_result {
  std::string client_label;
  hello_answer adapter;              ///< from the first successful hello
  std::vector<case_result> results;  ///< in case order
  double seconds = 0;
};

/// Check that every scenario of these cases parses; throws case_file_error
/// (file:line) otherwise. run_suite calls it before starting anything.
void validate_scenarios(const std::vector<case_spec>& cases);

/// Run one case. Throws spawn_error when the adapter cannot be started.
/// `adapter_out`, when given, receives the hello answer.
case_result run_case(const case_spec& c, const run_options& opts, hello_answer* adapter_out = nullptr);

/// Run all cases (opts.jobs at a time). Throws spawn_error / case_file_error
/// (harness errors) before or while running.
suite_result run_suite(const std::vector<case_spec>& cases, const run_options& opts);

}  // namespace gearspec::conformance
