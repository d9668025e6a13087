// The codec's tables against the real libgearman 1.1.20 headers and library:
// return-code identifiers (gearman_strerror), command numbers and limits.
// Built only when pkg-config finds libgearman ('gearmand').
#include <gtest/gtest.h>
#include <libgearman-1.0/gearman.h>

#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/limits.hpp"
#include "gearspec/protocol/packet.hpp"
#include "gearspec/protocol/return_code.hpp"

namespace gp = gearspec::proto;

TEST(LibgearmanDifferential, ReturnCodeIdentifiersMatchGearmanStrerror) {
  // 0..63 stays inside the value range of gearman_return_t; 53.. print MAX_RETURN.
  for (int v = 0; v < 64; ++v)
    EXPECT_STREQ(gp::return_code_identifier(v), gearman_strerror(static_cast<gearman_return_t>(v))) << v;
  EXPECT_EQ(static_cast<int>(gp::return_code::max_return), static_cast<int>(GEARMAN_MAX_RETURN));
  EXPECT_EQ(static_cast<int>(gp::return_code::job_not_found), static_cast<int>(GEARMAN_JOB_NOT_FOUND));
  EXPECT_EQ(static_cast<int>(gp::return_code::queue_error), static_cast<int>(GEARMAN_QUEUE_ERROR));
}

// clang-format off
#define GEARSPEC_LIBGEARMAN_COMMANDS(X)                                                                   \
  X(TEXT) X(CAN_DO) X(CANT_DO) X(RESET_ABILITIES) X(PRE_SLEEP) X(UNUSED) X(NOOP) X(SUBMIT_JOB)            \
  X(JOB_CREATED) X(GRAB_JOB) X(NO_JOB) X(JOB_ASSIGN) X(WORK_STATUS) X(WORK_COMPLETE) X(WORK_FAIL)         \
  X(GET_STATUS) X(ECHO_REQ) X(ECHO_RES) X(SUBMIT_JOB_BG) X(ERROR) X(STATUS_RES) X(SUBMIT_JOB_HIGH)        \
  X(SET_CLIENT_ID) X(CAN_DO_TIMEOUT) X(ALL_YOURS) X(WORK_EXCEPTION) X(OPTION_REQ) X(OPTION_RES)           \
  X(WORK_DATA) X(WORK_WARNING) X(GRAB_JOB_UNIQ) X(JOB_ASSIGN_UNIQ) X(SUBMIT_JOB_HIGH_BG)                  \
  X(SUBMIT_JOB_LOW) X(SUBMIT_JOB_LOW_BG) X(SUBMIT_JOB_SCHED) X(SUBMIT_JOB_EPOCH) X(SUBMIT_REDUCE_JOB)     \
  X(SUBMIT_REDUCE_JOB_BACKGROUND) X(GRAB_JOB_ALL) X(JOB_ASSIGN_ALL) X(GET_STATUS_UNIQUE)                  \
  X(STATUS_RES_UNIQUE)
// clang-format on

TEST(LibgearmanDifferential, CommandNumbersMatchGearmanCommandT) {
  std::size_t checked = 0;
#define GEARSPEC_CHECK_COMMAND(NAME)                                                                  \
  EXPECT_EQ(gp::command_from_name(#NAME), static_cast<gp::command>(GEARMAN_COMMAND_##NAME)) << #NAME; \
  ++checked;
  GEARSPEC_LIBGEARMAN_COMMANDS(GEARSPEC_CHECK_COMMAND)
#undef GEARSPEC_CHECK_COMMAND
  EXPECT_EQ(checked, gp::command_count - 1);
  EXPECT_EQ(static_cast<std::uint32_t>(gp::command::max), static_cast<std::uint32_t>(GEARMAN_COMMAND_MAX));
}

TEST(LibgearmanDifferential, LimitsMatchLimitsH) {
  EXPECT_EQ(gp::default_port, GEARMAN_DEFAULT_TCP_PORT);
  EXPECT_EQ(gp::header_size, std::size_t{GEARMAN_PACKET_HEADER_SIZE});
  EXPECT_EQ(gp::max_arguments, std::size_t{GEARMAN_MAX_COMMAND_ARGS});
  EXPECT_EQ(gp::max_unique_size, std::size_t{GEARMAN_MAX_UNIQUE_SIZE});
  EXPECT_EQ(gp::uuid_size, std::size_t{GEARMAN_MAX_UUID_SIZE});
  EXPECT_EQ(gp::max_function_size, std::size_t{GEARMAN_FUNCTION_MAX_SIZE});
  EXPECT_EQ(gp::job_handle_buffer_size, std::size_t{GEARMAN_JOB_HANDLE_SIZE});
  EXPECT_EQ(gp::max_client_id_size, std::size_t{GEARMAN_MAX_IDENTIFIER});
  EXPECT_EQ(gp::option_buffer_size, std::size_t{GEARMAN_OPTION_SIZE});
  EXPECT_EQ(gp::receive_buffer_size, std::size_t{GEARMAN_RECV_BUFFER_SIZE});
  EXPECT_EQ(gp::max_integer_digits, std::size_t{GEARMAN_MAXIMUM_INTEGER_DISPLAY_LENGTH});
}
