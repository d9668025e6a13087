/* gearman_return_t names whose values the C API's header must share with
 * libgearman's (capi_return_codes_test.cpp): compiled once against each
 * header. Every code, the end marker and the aliases. */
#ifndef GEARSPEC_TEST_SAMPLED_RETURN_CODES_H
#define GEARSPEC_TEST_SAMPLED_RETURN_CODES_H

/* clang-format off */
#define GEARSPEC_SAMPLED_RETURN_CODES(X) \
  X(SUCCESS) X(IO_WAIT) X(ERRNO) X(INVALID_MAGIC) X(INVALID_PACKET) X(UNEXPECTED_PACKET) X(NO_SERVERS)  \
  X(LOST_CONNECTION) X(MEMORY_ALLOCATION_FAILURE) X(JOB_EXISTS) X(SERVER_ERROR) X(WORK_FAIL)             \
  X(COULD_NOT_CONNECT) X(ECHO_DATA_CORRUPTION) X(PAUSE) X(UNKNOWN_STATE) X(QUEUE_ERROR) X(TIMEOUT)       \
  X(ARGUMENT_TOO_LARGE) X(INVALID_ARGUMENT) X(IN_PROGRESS) X(JOB_NOT_FOUND) X(MAX_RETURN) X(FAIL)        \
  X(FATAL) X(ERROR)
/* clang-format on */

struct gearspec_sampled_code {
  const char* name;
  int value;
};

#endif
