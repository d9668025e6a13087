// The reference client: servers, timeout, options and blocking calls over the
// sans-I/O session (session.hpp).
//
// The I/O layer is plain non-blocking sockets and poll(): the API it serves
// (and the libgearman C API on top) is blocking and single-threaded, so one
// poll loop per call is the thinnest correct layer; there is no event loop to
// share and nothing for an Asio io_context to schedule.
//
//   client c;
//   c.add_server("127.0.0.1", port);
//   c.set_timeout(2000);
//   task a, b;
//   c.add_task(a, {"fn", "u-1", "payload"});
//   c.add_task(b, {"fn", "", "x", priority::low});
//   return_code rc = c.run_tasks();   // one connection, pipelined, FIFO-matched
//   a.result(), a.handle(), a.unique() ...
//
// All tasks of a run go to the first server that accepts a connection (as
// libgearman does; the unique is not hashed to pick a server). The connection
// is kept between calls and dropped after any connection-level failure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gearspec/client/session.hpp"
#include "gearspec/client/task.hpp"
#include "gearspec/protocol/limits.hpp"

namespace gearspec::client {

using proto::default_port;

struct server_address {
  std::string host;  ///< empty means "localhost"
  std::uint16_t port = default_port;
};

/// Status of a job as STATUS_RES (or STATUS_RES_UNIQUE) reports it.
struct job_status {
  bool known = false;
  bool running = false;
  std::uint32_t numerator = 0;
  std::uint32_t denominator = 0;
  std::uint32_t client_count = 0;  ///< STATUS_RES_UNIQUE only: clients waiting on the job
};

class client {
 public:
  explicit client(session_limits limits = {});
  ~client();
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// A new client with the same servers, timeout and namespace (no tasks,
  /// no connection): gearman_client_clone.
  client clone() const;

  // ---- configuration ----------------------------------------------------
  /// Empty host means "localhost", port 0 means 4730. Returns SUCCESS, or
  /// INVALID_ARGUMENT for a host containing NUL.
  return_code add_server(std::string_view host, std::uint16_t port);
  /// Comma-separated list; INVALID_ARGUMENT when malformed (nothing added).
  return_code add_servers(std::string_view list);
  void remove_servers() noexcept;

  /// Milliseconds for each blocking call; -1 (the default, as libgearman)
  /// waits forever, 0 fails with TIMEOUT unless the answer is already there.
  void set_timeout(int milliseconds) noexcept;
  int timeout() const noexcept;
  void set_namespace(std::string_view ns);

  // ---- tasks (owned by the caller; no I/O while adding) -------------------
  /// Queue a submit (checks, unique assignment, encoding: session::submit).
  return_code add_task(task& t, const job_request& request);
  return_code add_status_task(task& t, std::string_view handle);
  return_code add_unique_status_task(task& t, std::string_view unique);
  return_code add_echo_task(task& t, std::string_view data);
  /// Forget a task (call before destroying a task that may still be queued).
  void remove_task(task& t) noexcept;

  /// Send every queued task on one connection (pipelined) and wait, bounded
  /// by the timeout, until each has its outcome. Returns SUCCESS when every
  /// task of the run succeeded, else the first failure (SEMANTICS.md 5):
  /// NO_SERVERS (tasks unchanged), COULD_NOT_CONNECT (tasks can be run
  /// again), a mapped ERROR code, LOST_CONNECTION, INVALID_MAGIC,
  /// INVALID_COMMAND, INVALID_PACKET, UNEXPECTED_PACKET, TIMEOUT.
  /// With nothing queued it returns SUCCESS at once.
  return_code run_tasks();

  // ---- one-shot calls ------------------------------------------------------
  /// Submit one background job and wait for JOB_CREATED. `handle_out` gets the
  /// handle (or stays empty on failure); `unique_out`, when given, the unique sent.
  return_code do_background(const job_request& request, std::string& handle_out,
                            std::string* unique_out = nullptr);
  /// Submit one foreground job and wait for its result (WORK_COMPLETE data).
  return_code do_foreground(const job_request& request, std::string& result_out);
  /// GET_STATUS for a handle (1..63 bytes). `out` is filled only on SUCCESS
  /// (an unknown handle is SUCCESS with known = false); a malformed
  /// STATUS_RES is INVALID_PACKET, one for another handle UNEXPECTED_PACKET.
  return_code get_job_status(std::string_view handle, job_status& out);
  /// GET_STATUS_UNIQUE for a unique (1..64 bytes), as get_job_status.
  return_code get_unique_status(std::string_view unique, job_status& out);
  /// ECHO_REQ / ECHO_RES round trip.
  return_code echo(std::string_view data);

  // ---- errors -----------------------------------------------------------------
  /// Text of the last failed call ("" when the last call succeeded).
  const std::string& error() const noexcept;
  /// errno of the last failed system call (0 when none).
  int last_errno() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gearspec::client
