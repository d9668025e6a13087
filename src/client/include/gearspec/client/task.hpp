// One unit of client work (a submit, a status query or an echo) and the
// state the reference client reports for it.
//
// Tasks are owned by the caller. A session only points at a task while it is
// queued or waiting for replies; session::detach() removes every such
// reference, so a task can be destroyed at any time after detaching.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "gearspec/client/unique.hpp"
#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/limits.hpp"
#include "gearspec/protocol/return_code.hpp"

namespace gearspec::client {

using proto::priority;
using proto::return_code;

// The longest job handle the API stores (a longer one is a packet error for
// its task, never truncated) and the longest function name, namespace
// included: the protocol's limits.
using proto::max_function_size;
using proto::max_job_handle_length;

/// What a task asks the server.
enum class task_kind : std::uint8_t {
  submit,             ///< SUBMIT_JOB* (background or foreground)
  get_status,         ///< GET_STATUS for a handle
  get_status_unique,  ///< GET_STATUS_UNIQUE for a unique
  echo,               ///< ECHO_REQ
};

/// Where a task is in its life.
enum class task_phase : std::uint8_t {
  idle,      ///< not queued (new, or finished and detached)
  queued,    ///< encoded, bytes not yet all written
  waiting,   ///< written, waiting for its reply (FIFO slot on the connection)
  running,   ///< foreground job created, waiting for WORK_COMPLETE/FAIL/EXCEPTION
  finished,  ///< result() is final
};

/// A job to submit. Byte strings: function and unique may not contain NUL;
/// the workload may contain any bytes.
struct job_request {
  std::string_view function;
  std::string_view unique;  ///< empty: a UUID is generated (SEMANTICS.md 3)
  std::string_view workload;
  priority prio = priority::normal;
  bool background = true;
};

class task {
 public:
  task() = default;
  task(const task&) = delete;
  task& operator=(const task&) = delete;

  task_kind kind() const noexcept { return kind_; }
  task_phase phase() const noexcept { return phase_; }
  /// The SUBMIT_* command sent (submit tasks), GET_STATUS or ECHO_REQ.
  proto::command command() const noexcept { return command_; }
  /// UNKNOWN_STATE until the task finished; then its outcome.
  return_code result() const noexcept { return result_; }
  bool finished() const noexcept { return phase_ == task_phase::finished; }
  /// The unique actually sent (a status-by-unique task: the unique asked
  /// about); set as soon as the task is added.
  std::string_view unique() const noexcept { return unique_.view(); }
  const char* unique_c_str() const noexcept { return unique_.c_str(); }
  /// Job handle from JOB_CREATED (or the handle asked about by a status
  /// task); empty before.
  std::string_view handle() const noexcept { return {handle_.data(), handle_size_}; }
  const char* handle_c_str() const noexcept { return handle_.data(); }
  /// Server's text of an ERROR reply, or a description of a local failure;
  /// empty on success.
  const std::string& error_text() const noexcept { return error_text_; }
  /// The server's ERROR code string as sent (empty when no ERROR packet).
  const std::string& server_code() const noexcept { return server_code_; }
  bool is_known() const noexcept { return known_; }
  bool is_running() const noexcept { return running_; }
  std::uint32_t numerator() const noexcept { return numerator_; }
  std::uint32_t denominator() const noexcept { return denominator_; }
  /// STATUS_RES_UNIQUE's CLIENT_COUNT: clients waiting on the job (0 otherwise).
  std::uint32_t client_count() const noexcept { return client_count_; }
  /// Foreground: WORK_COMPLETE (or WORK_EXCEPTION) data. Echo: the echoed bytes.
  const std::string& data() const noexcept { return data_; }
  /// Foreground: WORK_DATA chunks, concatenated in arrival order.
  const std::string& partial_data() const noexcept { return partial_data_; }

  /// Caller's pointer, carried untouched (gearman_task_context).
  void* context = nullptr;

 private:
  friend class session;

  task_kind kind_ = task_kind::submit;
  task_phase phase_ = task_phase::idle;
  proto::command command_ = proto::command::submit_job_bg;
  return_code result_ = return_code::unknown_state;
  bool known_ = false;
  bool running_ = false;
  std::uint8_t handle_size_ = 0;
  std::uint32_t numerator_ = 0;
  std::uint32_t denominator_ = 0;
  std::uint32_t client_count_ = 0;
  unique_value unique_;
  std::array<char, max_job_handle_length + 1> handle_{};
  std::string error_text_;
  std::string server_code_;
  std::string data_;
  std::string partial_data_;
};

}  // namespace gearspec::client
