// The reference worker's protocol session for ONE connection, sans I/O.
//
// Abilities and work results in, bytes out; bytes in, assigned jobs out. No
// socket, no clock: the I/O layer (worker.hpp), a test or a fuzzer moves the
// bytes and reports connection events.
//
//   worker_session w;
//   w.can_do("resize");                    // CAN_DO queued
//   w.connection_opened();                 // every ability (re)announced
//   w.grab();                              // GRAB_JOB_ALL queued
//   write_all(w.output()); w.wrote(n);
//   w.receive(bytes);                      // NO_JOB -> PRE_SLEEP queued, state sleeping
//   w.receive(bytes);                      // NOOP -> GRAB queued again, state grabbing
//   w.receive(bytes);                      // JOB_ASSIGN* -> state assigned, job() filled
//   w.send_status(1, 2); w.send_complete("result");   // WORK_* with the job's handle
//
// The life of a grab (WIRE.md 2; libgearman's worker loop):
//   idle --grab()--> grabbing --NO_JOB--> sleeping (PRE_SLEEP queued)
//   sleeping --NOOP--> grabbing (the grab is queued again: never a poll
//   without PRE_SLEEP in between)
//   grabbing --JOB_ASSIGN / JOB_ASSIGN_UNIQ / JOB_ASSIGN_ALL--> assigned
//   assigned --send_complete / send_fail / send_exception--> idle
// A job reply counts only once the grab's last byte was written, and only
// the kinds that answer the grab sent (JOB_ASSIGN answers GRAB_JOB, ...).
//
// Outcomes (recorded as failure(); the first one wins until clear_failure()):
// - ERROR: the mapped code (unknown name: SERVER_ERROR) and the server's
//   text; not fatal, the stream stays in sync and the state is unchanged.
// - wrong magic: INVALID_MAGIC; command 0 or >= 43: INVALID_COMMAND; a text
//   line, a malformed packet, a size field above the limit, a JOB_ASSIGN*
//   with an empty handle or function: INVALID_PACKET; a packet a server
//   never sends a worker (JOB_CREATED, STATUS_RES, WORK_* ...), a request
//   magic command, or NO_JOB / JOB_ASSIGN* with no grab outstanding (or of a
//   kind that does not answer it): UNEXPECTED_PACKET. Each of these is fatal:
//   broken() becomes true and the connection must be closed; the server then
//   gives a job held here to another worker.
// - JOB_ASSIGN* for a function this worker cannot do: WORK_FAIL is queued
//   for it at once (the server would otherwise hold it forever), the
//   failure is INVALID_FUNCTION_NAME, the state goes back to idle.
// - connection_closed(): LOST_CONNECTION; timed_out(): TIMEOUT (fatal unless
//   the worker was only sleeping with nothing left to write: then the
//   connection is still in step and the next wait continues on it).
// Handles are kept whole whatever their length (up to the argument limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/client/detail/server_link.hpp"
#include "gearspec/protocol/command.hpp"

namespace gearspec::client {

/// Which grab request a worker sends. libgearman 1.1.20 sends GRAB_JOB_ALL.
enum class grab_mode : std::uint8_t {
  plain,  ///< GRAB_JOB -> JOB_ASSIGN (no unique)
  uniq,   ///< GRAB_JOB_UNIQ -> JOB_ASSIGN_UNIQ
  all,    ///< GRAB_JOB_ALL -> JOB_ASSIGN_UNIQ, or JOB_ASSIGN_ALL for a reduce job
};

proto::command grab_command(grab_mode mode) noexcept;

enum class worker_state : std::uint8_t {
  idle,      ///< nothing asked: grab() may be called
  grabbing,  ///< a GRAB_* is queued or waiting for NO_JOB / JOB_ASSIGN*
  sleeping,  ///< NO_JOB came, PRE_SLEEP queued or sent: waiting for NOOP
  assigned,  ///< a job is held; answer it with send_complete/fail/exception
};

std::string_view name(worker_state s) noexcept;

/// A job as the server assigned it.
struct assigned_job {
  proto::command assigned_by = proto::command::job_assign;  ///< JOB_ASSIGN, _UNIQ or _ALL
  std::string handle;
  std::string function;
  std::string unique;   ///< empty for JOB_ASSIGN
  std::string reducer;  ///< JOB_ASSIGN_ALL only
  std::string workload;
};

using worker_limits = session_limits;

struct worker_counters {
  std::uint64_t packets_received = 0;
  std::uint64_t grabs_sent = 0;       ///< GRAB_* queued
  std::uint64_t pre_sleeps_sent = 0;  ///< PRE_SLEEP queued
  std::uint64_t no_jobs = 0;          ///< NO_JOB received in answer to a grab
  std::uint64_t wakeups = 0;          ///< NOOP received while sleeping
  std::uint64_t noops_ignored = 0;    ///< NOOP received while not sleeping
  std::uint64_t jobs_assigned = 0;
  std::uint64_t errors = 0;  ///< ERROR packets
};

class worker_session final : public detail::server_link {
 public:
  explicit worker_session(worker_limits limits = {}, grab_mode mode = grab_mode::all);

  // ---- abilities (queued now, and announced again on every new connection) --
  /// CAN_DO (timeout 0) or CAN_DO_TIMEOUT (seconds, > 0). INVALID_ARGUMENT
  /// for an empty name, one above 512 bytes or one containing NUL. Adding a
  /// function again replaces its timeout.
  return_code can_do(std::string_view function, std::uint32_t timeout = 0);
  /// CANT_DO; NO_REGISTERED_FUNCTION when the function was not added.
  return_code cant_do(std::string_view function);
  /// RESET_ABILITIES; forgets every function.
  void reset_abilities();
  bool can(std::string_view function) const noexcept;
  std::size_t abilities() const noexcept { return abilities_.size(); }

  // ---- the grab cycle ------------------------------------------------------
  /// Queue a GRAB_* (state idle -> grabbing). NO_REGISTERED_FUNCTIONS with
  /// no ability, INVALID_ARGUMENT when not idle.
  return_code grab();
  worker_state state() const noexcept { return state_; }
  /// The job held (state assigned), or the last one answered.
  const assigned_job& job() const noexcept { return job_; }

  // ---- answering the assigned job (INVALID_ARGUMENT when none is held) ------
  return_code send_status(std::uint32_t numerator, std::uint32_t denominator);
  return_code send_data(std::string_view data);
  return_code send_warning(std::string_view data);
  /// The three that end the job (state assigned -> idle).
  return_code send_complete(std::string_view result);
  return_code send_fail();
  return_code send_exception(std::string_view data);

  // ---- connection events -----------------------------------------------------
  /// A fresh connection: decoder and output reset, every ability queued
  /// again, state idle; a job held on the old connection is forgotten (the
  /// server gives it to another worker).
  void connection_opened();
  /// The caller's wait ran out: TIMEOUT recorded.
  void timed_out(std::string_view why) noexcept;

  // ---- bytes (output() and receive() as server_link) -----------------------
  void wrote(std::size_t n) noexcept { out_.consume(n); }

  // ---- outcome -----------------------------------------------------------------
  /// First failure since clear_failure() (SUCCESS when none).
  return_code failure() const noexcept { return failure_; }
  const std::string& failure_text() const noexcept { return failure_text_; }
  /// The ERROR code string of the last ERROR packet ("" when none).
  const std::string& server_code() const noexcept { return server_code_; }
  using server_link::clear_failure;

  const worker_counters& counters() const noexcept { return counters_; }
  grab_mode mode() const noexcept { return mode_; }

 private:
  struct ability {
    std::string name;
    std::uint32_t timeout;
  };

  void queue(proto::command cmd, const std::string_view* args, std::size_t argc, std::string_view data = {});
  void announce(const ability& a);
  /// A WORK_* packet for the held job (its handle first; WORK_STATUS also
  /// takes numerator and denominator); the table says how many arguments
  /// and whether it ends the job.
  return_code send_work(proto::command cmd, std::string_view data, std::string_view numerator = {},
                        std::string_view denominator = {});
  void queue_grab();
  void handle_packet(const proto::packet_view& p) override;
  void handle_assign(const proto::packet_view& p);
  void fail_connection(return_code rc, std::string_view text) noexcept override;

  grab_mode mode_;
  std::vector<ability> abilities_;
  std::uint64_t grab_end_ = 0;  // absolute offset just past the outstanding grab
  worker_state state_ = worker_state::idle;
  assigned_job job_;
  std::string server_code_;
  worker_counters counters_;
};

}  // namespace gearspec::client
