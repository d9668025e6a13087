// The reference worker: servers, timeout, functions and a blocking work()
// over the sans-I/O worker_session (worker_session.hpp), on the client's
// poll() loop and socket layer.
//
//   worker w;
//   w.add_server("127.0.0.1", port);
//   w.set_timeout(2000);
//   w.add_function("reverse", 0, [](job& j) {
//     j.send_status(1, 2);
//     std::string r{j.workload().rbegin(), j.workload().rend()};
//     return j.send_complete(r);
//   });
//   return_code rc = w.work();   // one job: grab, run, answer
//
// work() announces the functions on a new connection, grabs, sleeps with
// PRE_SLEEP until the server's NOOP, runs the job's function and answers:
// - the function finished the job itself (send_complete/fail/exception):
//   work() returns SUCCESS;
// - it returned SUCCESS (or SHUTDOWN) without finishing: WORK_COMPLETE with
//   no data is sent; work() returns SUCCESS (or SHUTDOWN);
// - it returned WORK_ERROR or LOST_CONNECTION: the connection is closed
//   without an answer, so the server hands the job to another worker
//   (libgearman's "retry"); work() returns SUCCESS;
// - any other code: WORK_FAIL is sent and work() returns that code.
// The timeout (milliseconds, -1 = forever, the default) bounds the wait for
// a job and, separately, each flush of an answer; the function's own run
// time is not bounded. One connection: the first server that accepts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gearspec/client/client.hpp"
#include "gearspec/client/worker_session.hpp"

namespace gearspec::client {

struct worker_impl;  // internal to worker.cpp

class job;

/// A worker function: runs one job.
using job_function = std::function<return_code(job&)>;

class worker {
 public:
  explicit worker(worker_limits limits = {}, grab_mode mode = grab_mode::all);
  ~worker();
  worker(worker&&) noexcept;
  worker& operator=(worker&&) noexcept;
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  // ---- configuration (as client) ------------------------------------------
  return_code add_server(std::string_view host, std::uint16_t port);
  return_code add_servers(std::string_view list);
  void remove_servers() noexcept;
  void set_timeout(int milliseconds) noexcept;
  int timeout() const noexcept;

  // ---- functions ------------------------------------------------------------
  /// Register `name` (CAN_DO, or CAN_DO_TIMEOUT with `timeout` seconds > 0).
  /// INVALID_ARGUMENT for a bad name (empty, > 512 bytes, NUL) or an empty
  /// function. Registering a name again replaces it.
  return_code add_function(std::string_view name, std::uint32_t timeout, job_function fn);
  /// CANT_DO; NO_REGISTERED_FUNCTION when unknown.
  return_code remove_function(std::string_view name);
  /// RESET_ABILITIES.
  return_code remove_functions();
  bool function_exists(std::string_view name) const noexcept;

  // ---- work -------------------------------------------------------------------
  /// Wait for one job, run its function, answer it (see the file comment).
  /// Failures: NO_SERVERS, NO_REGISTERED_FUNCTIONS, GETADDRINFO,
  /// COULD_NOT_CONNECT, TIMEOUT (no job within the timeout), a mapped server
  /// ERROR, LOST_CONNECTION, INVALID_MAGIC, INVALID_COMMAND, INVALID_PACKET,
  /// UNEXPECTED_PACKET, INVALID_FUNCTION_NAME (a job for a function not
  /// registered here: it is answered with WORK_FAIL).
  return_code work();

  // ---- errors -------------------------------------------------------------------
  const std::string& error() const noexcept;
  int last_errno() const noexcept;
  const worker_session& protocol_session() const noexcept;

 private:
  std::unique_ptr<worker_impl> impl_;
};

/// The job handed to a function during worker::work(). Its send_* calls
/// write at once (as libgearman's gearman_job_send_*), bounded by the
/// worker's timeout, and return the write's outcome.
class job {
 public:
  job(const job&) = delete;
  job& operator=(const job&) = delete;

  std::string_view handle() const noexcept;
  std::string_view function() const noexcept;
  std::string_view unique() const noexcept;
  std::string_view reducer() const noexcept;
  std::string_view workload() const noexcept;
  /// JOB_ASSIGN, JOB_ASSIGN_UNIQ or JOB_ASSIGN_ALL.
  proto::command assigned_by() const noexcept;
  /// WORK_COMPLETE, WORK_FAIL or WORK_EXCEPTION was sent for it.
  bool finished() const noexcept;

  return_code send_status(std::uint32_t numerator, std::uint32_t denominator);
  return_code send_data(std::string_view data);
  return_code send_warning(std::string_view data);
  /// Ending a job that is already finished does nothing and returns SUCCESS
  /// (as libgearman).
  return_code send_complete(std::string_view result);
  return_code send_fail();
  return_code send_exception(std::string_view data);

 private:
  friend struct worker_impl;
  explicit job(worker_impl* owner) noexcept : owner_(owner) {}
  worker_impl* owner_;
};

}  // namespace gearspec::client
