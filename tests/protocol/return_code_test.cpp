// gearman_return_t values and names (WIRE.md 5) and ERROR code lookup (7.3).
#include "gearspec/protocol/return_code.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace gp = gearspec::proto;

namespace {

// WIRE.md section 5, in value order 0..52.
constexpr std::string_view spec_names =
    "SUCCESS IO_WAIT SHUTDOWN SHUTDOWN_GRACEFUL ERRNO EVENT TOO_MANY_ARGS NO_ACTIVE_FDS INVALID_MAGIC "
    "INVALID_COMMAND INVALID_PACKET UNEXPECTED_PACKET GETADDRINFO NO_SERVERS LOST_CONNECTION "
    "MEMORY_ALLOCATION_FAILURE JOB_EXISTS JOB_QUEUE_FULL SERVER_ERROR WORK_ERROR WORK_DATA WORK_WARNING "
    "WORK_STATUS WORK_EXCEPTION WORK_FAIL NOT_CONNECTED COULD_NOT_CONNECT SEND_IN_PROGRESS RECV_IN_PROGRESS "
    "NOT_FLUSHING DATA_TOO_LARGE INVALID_FUNCTION_NAME INVALID_WORKER_FUNCTION NO_REGISTERED_FUNCTION "
    "NO_REGISTERED_FUNCTIONS NO_JOBS ECHO_DATA_CORRUPTION NEED_WORKLOAD_FN PAUSE UNKNOWN_STATE PTHREAD "
    "PIPE_EOF QUEUE_ERROR FLUSH_DATA SEND_BUFFER_TOO_SMALL IGNORE_PACKET UNKNOWN_OPTION TIMEOUT "
    "ARGUMENT_TOO_LARGE INVALID_ARGUMENT IN_PROGRESS INVALID_SERVER_OPTION JOB_NOT_FOUND";

std::vector<std::string> spec_name_list() {
  std::istringstream in{std::string{spec_names}};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string mixed_case(std::string s) {
  for (std::size_t i = 0; i < s.size(); i += 2)
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = static_cast<char>(s[i] - 'A' + 'a');
  return s;
}

}  // namespace

TEST(ReturnCode, NamesAndIdentifiersForZeroToFiftyTwo) {
  const auto names = spec_name_list();
  ASSERT_EQ(names.size(), 53u);
  for (int v = 0; v < 53; ++v) {
    EXPECT_EQ(gp::return_code_name(v), names[static_cast<std::size_t>(v)]) << v;
    EXPECT_EQ(std::string{gp::return_code_identifier(v)}, "GEARMAN_" + names[static_cast<std::size_t>(v)])
        << v;
  }
  EXPECT_EQ(static_cast<int>(gp::return_code::job_not_found), 52);
  EXPECT_EQ(static_cast<int>(gp::return_code::queue_error), 42);
  EXPECT_EQ(static_cast<int>(gp::return_code::unknown_state), 39);
  EXPECT_EQ(static_cast<int>(gp::return_code::server_error), 18);
  EXPECT_EQ(gp::return_code_name(gp::return_code::timeout), "TIMEOUT");
}

TEST(ReturnCode, OutOfRangeIsMaxReturn) {
  for (int v : {53, 54, 1000, -1, -53}) {
    EXPECT_STREQ(gp::return_code_identifier(v), "GEARMAN_MAX_RETURN") << v;
    EXPECT_EQ(gp::return_code_name(v), "MAX_RETURN") << v;
  }
  EXPECT_EQ(gp::return_code_name(gp::return_code::max_return), "MAX_RETURN");
}

TEST(ReturnCode, LookupIsCaseInsensitiveOverAllNames) {
  const auto names = spec_name_list();
  for (int v = 0; v < 53; ++v) {
    const auto& n = names[static_cast<std::size_t>(v)];
    EXPECT_EQ(gp::return_code_from_name(n), static_cast<gp::return_code>(v)) << n;
    EXPECT_EQ(gp::return_code_from_name(mixed_case(n)), static_cast<gp::return_code>(v)) << n;
  }
  EXPECT_EQ(gp::return_code_from_name("job_queue_full"),
            gp::return_code::job_queue_full);  // WIRE.md 7.3 [obs]
}

TEST(ReturnCode, UnknownNamesAreNotFound) {
  for (std::string_view n :
       {"ERR_CODE", "", "MAX_RETURN", "GEARMAN_SUCCESS", "SUCCESS ", " SUCCESS", "QUEUE_ERRO"})
    EXPECT_EQ(gp::return_code_from_name(n), std::nullopt) << n;
}

TEST(ReturnCode, ServerErrorCodesMapLikeLibgearman) {
  EXPECT_EQ(gp::map_server_error_code("ERR_CODE"), gp::return_code::server_error);
  EXPECT_EQ(gp::map_server_error_code(""), gp::return_code::server_error);
  EXPECT_EQ(gp::map_server_error_code("QUEUE_ERROR"), gp::return_code::queue_error);
  EXPECT_EQ(gp::map_server_error_code("job_queue_full"), gp::return_code::job_queue_full);
  EXPECT_EQ(gp::map_server_error_code("ARGUMENT_TOO_LARGE"), gp::return_code::argument_too_large);
  EXPECT_EQ(gp::map_server_error_code("Job_Not_Found"), gp::return_code::job_not_found);
}
