// gearman_return_t values and names (WIRE.md section 5): the one table that
// maps ERROR packet codes to return codes and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gearspec::proto {

/// Numeric values identical to libgearman 1.1.20's gearman_return_t.
enum class return_code : int {
  success = 0, io_wait, shutdown, shutdown_graceful, errno_error, event,
  too_many_args, no_active_fds, invalid_magic, invalid_command, invalid_packet,
  unexpected_packet, getaddrinfo, no_servers, lost_connection,
  memory_allocation_failure, job_exists, job_queue_full, server_error,
  work_error, work_data, work_warning, work_status, work_exception, work_fail,
  not_connected, could_not_connect, send_in_progress, recv_in_progress,
  not_flushing, data_too_large, invalid_function_name, invalid_worker_function,
  no_registered_function, no_registered_functions, no_jobs,
  echo_data_corruption, need_workload_fn, pause, unknown_state, pthread,
  pipe_eof, queue_error, flush_data, send_buffer_too_small, ignore_packet,
  unknown_option, timeout, argument_too_large, invalid_argument, in_progress,
  invalid_server_option, job_not_found,
  max_return = 53,  ///< end marker
};

/// Name without the "GEARMAN_" prefix ("QUEUE_ERROR"); "MAX_RETURN" when out of range.
std::string_view return_code_name(int value) noexcept;
inline std::string_view return_code_name(return_code rc) noexcept {
  return return_code_name(static_cast<int>(rc));
}

/// Full identifier as gearman_strerror prints it ("GEARMAN_QUEUE_ERROR").
const char* return_code_identifier(int value) noexcept;

/// Case-insensitive lookup of an ERROR packet code among the prefix-less
/// names SUCCESS..JOB_NOT_FOUND, as libgearman does. nullopt when unknown.
std::optional<return_code> return_code_from_name(std::string_view code) noexcept;

/// The code a client reports for an ERROR packet: the looked-up value, or
/// SERVER_ERROR for a name it does not know (WIRE.md 7.3).
inline return_code map_server_error_code(std::string_view code) noexcept {
  return return_code_from_name(code).value_or(return_code::server_error);
}

}  // namespace gearspec::proto
