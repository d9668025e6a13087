// The one list of gearman_return_t: C++ name, libgearman name (without the
// "GEARMAN_" prefix) and libgearman 1.1.20's numeric value, in value order.
//
// Everything else is generated from it or checked against it at compile time:
// the C++ enum (return_code.hpp), the identifier strings gearman_strerror
// prints (return_code.cpp), and the C enum of the compatibility header, whose
// enumerators are tied to this list by static_assert (compat/src/gearman.cpp).
// The C header keeps its own plain-C enum so that it stays a readable,
// libgearman-shaped header with no macro machinery.
#pragma once

// clang-format off
#define GEARSPEC_RETURN_CODES(X)                                  \
  X(success,                    SUCCESS,                    0)  \
  X(io_wait,                    IO_WAIT,                    1)  \
  X(shutdown,                   SHUTDOWN,                   2)  \
  X(shutdown_graceful,          SHUTDOWN_GRACEFUL,          3)  \
  X(errno_error,                ERRNO,                      4)  \
  X(event,                      EVENT,                      5)  \
  X(too_many_args,              TOO_MANY_ARGS,              6)  \
  X(no_active_fds,              NO_ACTIVE_FDS,              7)  \
  X(invalid_magic,              INVALID_MAGIC,              8)  \
  X(invalid_command,            INVALID_COMMAND,            9)  \
  X(invalid_packet,             INVALID_PACKET,            10)  \
  X(unexpected_packet,          UNEXPECTED_PACKET,         11)  \
  X(getaddrinfo,                GETADDRINFO,               12)  \
  X(no_servers,                 NO_SERVERS,                13)  \
  X(lost_connection,            LOST_CONNECTION,           14)  \
  X(memory_allocation_failure,  MEMORY_ALLOCATION_FAILURE, 15)  \
  X(job_exists,                 JOB_EXISTS,                16)  \
  X(job_queue_full,             JOB_QUEUE_FULL,            17)  \
  X(server_error,               SERVER_ERROR,              18)  \
  X(work_error,                 WORK_ERROR,                19)  \
  X(work_data,                  WORK_DATA,                 20)  \
  X(work_warning,               WORK_WARNING,              21)  \
  X(work_status,                WORK_STATUS,               22)  \
  X(work_exception,             WORK_EXCEPTION,            23)  \
  X(work_fail,                  WORK_FAIL,                 24)  \
  X(not_connected,              NOT_CONNECTED,             25)  \
  X(could_not_connect,          COULD_NOT_CONNECT,         26)  \
  X(send_in_progress,           SEND_IN_PROGRESS,          27)  \
  X(recv_in_progress,           RECV_IN_PROGRESS,          28)  \
  X(not_flushing,               NOT_FLUSHING,              29)  \
  X(data_too_large,             DATA_TOO_LARGE,            30)  \
  X(invalid_function_name,      INVALID_FUNCTION_NAME,     31)  \
  X(invalid_worker_function,    INVALID_WORKER_FUNCTION,   32)  \
  X(no_registered_function,     NO_REGISTERED_FUNCTION,    33)  \
  X(no_registered_functions,    NO_REGISTERED_FUNCTIONS,   34)  \
  X(no_jobs,                    NO_JOBS,                   35)  \
  X(echo_data_corruption,       ECHO_DATA_CORRUPTION,      36)  \
  X(need_workload_fn,           NEED_WORKLOAD_FN,          37)  \
  X(pause,                      PAUSE,                     38)  \
  X(unknown_state,              UNKNOWN_STATE,             39)  \
  X(pthread,                    PTHREAD,                   40)  \
  X(pipe_eof,                   PIPE_EOF,                  41)  \
  X(queue_error,                QUEUE_ERROR,               42)  \
  X(flush_data,                 FLUSH_DATA,                43)  \
  X(send_buffer_too_small,      SEND_BUFFER_TOO_SMALL,     44)  \
  X(ignore_packet,              IGNORE_PACKET,             45)  \
  X(unknown_option,             UNKNOWN_OPTION,            46)  \
  X(timeout,                    TIMEOUT,                   47)  \
  X(argument_too_large,         ARGUMENT_TOO_LARGE,        48)  \
  X(invalid_argument,           INVALID_ARGUMENT,          49)  \
  X(in_progress,                IN_PROGRESS,               50)  \
  X(invalid_server_option,      INVALID_SERVER_OPTION,     51)  \
  X(job_not_found,              JOB_NOT_FOUND,             52)
// clang-format on
