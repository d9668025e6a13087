// One black-box trial: a submit request of 1-3 background jobs and the
// mutated server reply stream gearmock answers it with, as a conformance case.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gearspec/conformance/case.hpp"
#include "gearspec/fuzz/packet_mutator.hpp"

namespace gearspec::blackbox {

struct trial_settings {
  int job_timeout_ms = 200;    ///< the library's timeout for each request
  int answer_grace_ms = 1000;  ///< beyond the timeout, before the answer counts as HUNG
  std::size_t max_reply_bytes = 4096;
  /// Valid server replies to start from besides the JOB_CREATED answers
  /// (corpus files, earlier interesting replies); may be empty.
  std::vector<std::string> seeds;
};

struct trial {
  conformance::case_spec spec;  ///< the case the runner plays (and a finding saves)
  std::string reply;            ///< the exact bytes gearmock sends after the submits
};

/// The valid answer to `jobs`: one JOB_CREATED per job, in order, handles "H:fz:<n>".
std::string job_created_replies(std::size_t jobs);

/// A gearmock scenario expecting each job's submit, then sending `reply`
/// raw, then going silent or closing.
std::string reply_scenario(const std::vector<conformance::job_spec>& jobs, const std::string& reply,
                           bool close_after);

/// Draw the next trial from the mutator's PRNG. `id` names the case.
trial make_trial(const std::string& id, const trial_settings& settings, fuzz::packet_mutator& mutator);

}  // namespace gearspec::blackbox
