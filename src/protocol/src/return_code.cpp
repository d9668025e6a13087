#include "gearspec/protocol/return_code.hpp"

#include <array>

#include "gearspec/util/ascii.hpp"

namespace gearspec::proto {
namespace {

// Full identifiers; the name is the part after "GEARMAN_" (8 characters).
constexpr std::array<const char*, 54> identifiers{
    "GEARMAN_SUCCESS", "GEARMAN_IO_WAIT", "GEARMAN_SHUTDOWN", "GEARMAN_SHUTDOWN_GRACEFUL",
    "GEARMAN_ERRNO", "GEARMAN_EVENT", "GEARMAN_TOO_MANY_ARGS", "GEARMAN_NO_ACTIVE_FDS",
    "GEARMAN_INVALID_MAGIC", "GEARMAN_INVALID_COMMAND", "GEARMAN_INVALID_PACKET",
    "GEARMAN_UNEXPECTED_PACKET", "GEARMAN_GETADDRINFO", "GEARMAN_NO_SERVERS",
    "GEARMAN_LOST_CONNECTION", "GEARMAN_MEMORY_ALLOCATION_FAILURE", "GEARMAN_JOB_EXISTS",
    "GEARMAN_JOB_QUEUE_FULL", "GEARMAN_SERVER_ERROR", "GEARMAN_WORK_ERROR", "GEARMAN_WORK_DATA",
    "GEARMAN_WORK_WARNING", "GEARMAN_WORK_STATUS", "GEARMAN_WORK_EXCEPTION", "GEARMAN_WORK_FAIL",
    "GEARMAN_NOT_CONNECTED", "GEARMAN_COULD_NOT_CONNECT", "GEARMAN_SEND_IN_PROGRESS",
    "GEARMAN_RECV_IN_PROGRESS", "GEARMAN_NOT_FLUSHING", "GEARMAN_DATA_TOO_LARGE",
    "GEARMAN_INVALID_FUNCTION_NAME", "GEARMAN_INVALID_WORKER_FUNCTION",
    "GEARMAN_NO_REGISTERED_FUNCTION", "GEARMAN_NO_REGISTERED_FUNCTIONS", "GEARMAN_NO_JOBS",
    "GEARMAN_ECHO_DATA_CORRUPTION", "GEARMAN_NEED_WORKLOAD_FN", "GEARMAN_PAUSE",
    "GEARMAN_UNKNOWN_STATE", "GEARMAN_PTHREAD", "GEARMAN_PIPE_EOF", "GEARMAN_QUEUE_ERROR",
    "GEARMAN_FLUSH_DATA", "GEARMAN_SEND_BUFFER_TOO_SMALL", "GEARMAN_IGNORE_PACKET",
    "GEARMAN_UNKNOWN_OPTION", "GEARMAN_TIMEOUT", "GEARMAN_ARGUMENT_TOO_LARGE",
    "GEARMAN_INVALID_ARGUMENT", "GEARMAN_IN_PROGRESS", "GEARMAN_INVALID_SERVER_OPTION",
    "GEARMAN_JOB_NOT_FOUND", "GEARMAN_MAX_RETURN"};

constexpr std::size_t prefix_length = 8;  // "GEARMAN_"

}  // namespace

const char* return_code_identifier(int value) noexcept {
  if (value < 0 || value >= static_cast<int>(return_code::max_return)) return identifiers.back();
  return identifiers[static_cast<std::size_t>(value)];
}

std::string_view return_code_name(int value) noexcept {
  return std::string_view{return_code_identifier(value)}.substr(prefix_length);
}

std::optional<return_code> return_code_from_name(std::string_view code) noexcept {
  for (int v = 0; v < static_cast<int>(return_code::max_return); ++v)
    if (util::iequals(return_code_name(v), code)) return static_cast<return_code>(v);
  return std::nullopt;
}

}  // namespace gearspec::proto
