// One black-box trial, as a conformance case: a submit request of 1-3
// background jobs and the mutated reply stream gearmock answers it with, or
// (role worker) a worker's registration and grab and the mutated assignment
// and NOOP stream gearmock answers them with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gearspec/conformance/case.hpp"
#include "gearspec/fuzz/packet_mutator.hpp"
#include "gearspec/protocol/command.hpp"

namespace gearspec::blackbox {

/// Which half of a library a campaign drives: its client (op submit) or its
/// worker (op work).
enum class role { client, worker };

struct trial_settings {
  role side = role::client;
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

/// The valid answer to a worker's grab, of the kind `assignment` (JOB_ASSIGN,
/// JOB_ASSIGN_UNIQ or JOB_ASSIGN_ALL): job "H:fz:1" of function "fz".
std::string assignment_reply(proto::command assignment, const std::string& workload);

/// Draw the next trial from the mutator's PRNG. `id` names the case.
trial make_trial(const std::string& id, const trial_settings& settings, fuzz::packet_mutator& mutator);

}  // namespace gearspec::blackbox
