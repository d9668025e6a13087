// The libgearman-compatible worker and status C API against gearmock's
// queue mode and the real gearmand (skipped when not installed): the old
// callback form (gearman_worker_add_function) and gearman_function_t
// (define_function), the gearman_job_* accessors and send calls,
// gearman_client_job_status and gearman_client_unique_status with its
// accessors, and the worker's argument and failure codes.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "gearspec/mock/server.hpp"
#include "gearspec/test/real_gearmand.hpp"
#include "libgearman/gearman.h"

namespace {

using namespace std::string_literals;

constexpr int test_timeout_ms = 5000;

enum class server_kind { gearmock, gearmand };

struct seen {
  std::string handle, function, unique, workload;
  bool workload_null = false;
  gearman_return_t status_rc = GEARMAN_MAX_RETURN;
  bool known = false, running = false;
  uint32_t numerator = 0, denominator = 0;
  gearman_status_t by_unique{};
  gearman_client_st* client = nullptr;  // polls status while the job runs
};

void record(seen& s, gearman_job_st* job) {
  s.handle = gearman_job_handle(job);
  s.function = gearman_job_function_name(job);
  s.unique = gearman_job_unique(job);
  const void* w = gearman_job_workload(job);
  s.workload_null = w == nullptr;
  if (w != nullptr) s.workload.assign(static_cast<const char*>(w), gearman_job_workload_size(job));
}

void poll_status(seen& s) {
  gearman_job_handle_t handle{};
  std::strncpy(handle, s.handle.c_str(), GEARMAN_JOB_HANDLE_SIZE - 1);
  s.status_rc =
      gearman_client_job_status(s.client, handle, &s.known, &s.running, &s.numerator, &s.denominator);
  s.by_unique = gearman_client_unique_status(s.client, s.unique.data(), s.unique.size());
}

// Old form: returns a malloc'ed result.
void* reverse_v1(gearman_job_st* job, void* context, size_t* result_size, gearman_return_t* ret_ptr) {
  auto& s = *static_cast<seen*>(context);
  record(s, job);
  EXPECT_EQ(gearman_job_send_status(job, 2, 5), GEARMAN_SUCCESS);
  poll_status(s);
  char* out = static_cast<char*>(std::malloc(s.workload.size() + 1));
  for (std::size_t i = 0; i < s.workload.size(); ++i) out[i] = s.workload[s.workload.size() - 1 - i];
  *result_size = s.workload.size();
  *ret_ptr = GEARMAN_SUCCESS;
  return out;
}

void* failing_v1(gearman_job_st*, void*, size_t* result_size, gearman_return_t* ret_ptr) {
  *result_size = 0;
  *ret_ptr = GEARMAN_WORK_FAIL;
  return nullptr;
}

// New form: answers through gearman_job_send_*.
gearman_return_t upper_v2(gearman_job_st* job, void* context) {
  auto& s = *static_cast<seen*>(context);
  record(s, job);
  std::string out = s.workload;
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(gearman_job_send_data(job, "d", 1), GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_job_send_warning(job, "w", 1), GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_job_send_complete(job, out.data(), out.size()), GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_job_send_complete(job, "again", 5), GEARMAN_SUCCESS) << "finished: nothing sent";
  EXPECT_EQ(gearman_job_send_status(job, 1, 1), GEARMAN_INVALID_ARGUMENT) << "no job held any more";
  return GEARMAN_SUCCESS;
}

class CWorker : public ::testing::TestWithParam<server_kind> {
 protected:
  void SetUp() override {
    if (GetParam() == server_kind::gearmand) {
      GEARSPEC_REQUIRE_GEARMAND();
      gearmand_ = std::make_unique<gearspec::test::real_gearmand>();
      port_ = gearmand_->port();
    } else {
      mock_ = std::make_unique<gearspec::mock::server>(gearspec::mock::options{});
      mock_->start();
      port_ = mock_->port();
    }
    ASSERT_NE(gearman_client_create(&client_), nullptr);
    ASSERT_EQ(gearman_client_add_server(&client_, "127.0.0.1", port_), GEARMAN_SUCCESS);
    gearman_client_set_timeout(&client_, test_timeout_ms);
    ASSERT_NE(gearman_worker_create(&worker_), nullptr);
    ASSERT_EQ(gearman_worker_add_server(&worker_, "127.0.0.1", port_), GEARMAN_SUCCESS);
    gearman_worker_set_timeout(&worker_, test_timeout_ms);
    EXPECT_EQ(gearman_worker_timeout(&worker_), test_timeout_ms);
  }
  void TearDown() override {
    gearman_worker_free(&worker_);
    gearman_client_free(&client_);
  }

  std::string submit(const char* fn, const char* unique, std::string_view workload) {
    gearman_job_handle_t handle{};
    const void* bytes = workload.empty() ? nullptr : workload.data();  // non-NULL with size 0 is refused
    EXPECT_EQ(gearman_client_do_background(&client_, fn, unique, bytes, workload.size(), handle),
              GEARMAN_SUCCESS)
        << gearman_client_error(&client_);
    return handle;
  }

  std::unique_ptr<gearspec::test::real_gearmand> gearmand_;
  std::unique_ptr<gearspec::mock::server> mock_;
  in_port_t port_ = 0;
  gearman_client_st client_{};
  gearman_worker_st worker_{};
};

TEST_P(CWorker, OldCallbackFormJobAccessorsAndStatusWhileRunning) {
  const std::string handle = submit("rev", "c-u-1", "ab\0c"s);
  seen s;
  s.client = &client_;
  ASSERT_EQ(gearman_worker_add_function(&worker_, "rev", 0, reverse_v1, &s), GEARMAN_SUCCESS);
  EXPECT_TRUE(gearman_worker_function_exist(&worker_, "rev", 3));
  ASSERT_EQ(gearman_worker_work(&worker_), GEARMAN_SUCCESS) << gearman_worker_error(&worker_);
  EXPECT_EQ(gearman_worker_error(&worker_), nullptr);
  EXPECT_EQ(s.handle, handle);
  EXPECT_EQ(s.function, "rev");
  EXPECT_EQ(s.unique, "c-u-1");
  EXPECT_EQ(s.workload, "ab\0c"s);
  EXPECT_EQ(s.status_rc, GEARMAN_SUCCESS);
  EXPECT_TRUE(s.known);
  EXPECT_TRUE(s.running);
  EXPECT_EQ(s.numerator, 2u);
  EXPECT_EQ(s.denominator, 5u);
  EXPECT_EQ(gearman_status_return(s.by_unique), GEARMAN_SUCCESS);
  EXPECT_TRUE(gearman_status_is_known(s.by_unique));
  EXPECT_TRUE(gearman_status_is_running(s.by_unique));
  EXPECT_EQ(gearman_status_numerator(s.by_unique), 2u);
  EXPECT_EQ(gearman_status_denominator(s.by_unique), 5u);

  bool known = true, running = true;
  uint32_t numerator = 9, denominator = 9;
  gearman_job_handle_t h{};
  std::strncpy(h, handle.c_str(), GEARMAN_JOB_HANDLE_SIZE - 1);
  // WORK_COMPLETE and GET_STATUS travel on two connections: poll (bounded).
  for (int attempt = 0; attempt < 200; ++attempt) {
    ASSERT_EQ(gearman_client_job_status(&client_, h, &known, &running, &numerator, &denominator),
              GEARMAN_SUCCESS);
    if (!known) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(known) << "completed: the server forgot it";
  EXPECT_FALSE(running);
  const gearman_status_t after = gearman_client_unique_status(&client_, "c-u-1", 5);
  EXPECT_EQ(gearman_status_return(after), GEARMAN_SUCCESS);
  EXPECT_FALSE(gearman_status_is_known(after));
}

TEST_P(CWorker, DefineFunctionV2AnswersThroughJobSendCalls) {
  submit("up", "c-u-2", "abc");
  seen s;
  ASSERT_EQ(gearman_worker_define_function(&worker_, "up", 2, gearman_function_create(upper_v2), 0, &s),
            GEARMAN_SUCCESS);
  ASSERT_EQ(gearman_worker_work(&worker_), GEARMAN_SUCCESS) << gearman_worker_error(&worker_);
  EXPECT_EQ(s.workload, "abc");
}

TEST_P(CWorker, EmptyWorkloadIsNull) {
  submit("empty_fn", "c-u-3", "");
  seen s;
  ASSERT_EQ(
      gearman_worker_define_function(&worker_, "empty_fn", 8, gearman_function_create_v2(upper_v2), 0, &s),
      GEARMAN_SUCCESS);
  ASSERT_EQ(gearman_worker_work(&worker_), GEARMAN_SUCCESS);
  EXPECT_TRUE(s.workload_null);
}

TEST_P(CWorker, FailingCallbackReturnsItsCode) {
  const std::string first = submit("failing", "c-u-4", "x");
  ASSERT_EQ(gearman_worker_add_function(&worker_, "failing", 0, failing_v1, nullptr), GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_worker_work(&worker_), GEARMAN_WORK_FAIL);
  EXPECT_NE(gearman_worker_error(&worker_), nullptr);
  // WORK_FAIL ended the job: the same unique now makes a new one (polled:
  // the WORK_FAIL and the submit travel on two connections).
  std::string second = first;
  for (int attempt = 0; attempt < 200 && second == first; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    second = submit("failing", "c-u-4", "x");
  }
  EXPECT_NE(second, first);
}

TEST_P(CWorker, UniqueStatusReadsUniqueLengthBytes) {
  submit("len_fn", "len-u", "x");
  const gearman_status_t prefix = gearman_client_unique_status(&client_, "len-uEXTRA", 5);
  EXPECT_EQ(gearman_status_return(prefix), GEARMAN_SUCCESS);
  EXPECT_TRUE(gearman_status_is_known(prefix)) << "the first 5 bytes are the queued job's unique";
  EXPECT_FALSE(gearman_status_is_running(prefix));
  const gearman_status_t shorter = gearman_client_unique_status(&client_, "len-u", 3);
  EXPECT_EQ(gearman_status_return(shorter), GEARMAN_SUCCESS);
  EXPECT_FALSE(gearman_status_is_known(shorter)) << "\"len\" is another unique";
  EXPECT_EQ(gearman_status_return(gearman_client_unique_status(&client_, "u", 0)), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(gearman_status_return(gearman_client_unique_status(&client_, nullptr, 1)),
            GEARMAN_INVALID_ARGUMENT);
}

TEST_P(CWorker, NoJobWithinTheTimeoutIsTimeout) {
  ASSERT_EQ(gearman_worker_add_function(&worker_, "idle", 0, failing_v1, nullptr), GEARMAN_SUCCESS);
  gearman_worker_set_timeout(&worker_, 200);
  EXPECT_EQ(gearman_worker_work(&worker_), GEARMAN_TIMEOUT);
}

INSTANTIATE_TEST_SUITE_P(Servers, CWorker, ::testing::Values(server_kind::gearmock, server_kind::gearmand),
                         [](const auto& row) {
                           return row.param == server_kind::gearmock ? "gearmock" : "gearmand";
                         });

TEST(CWorkerArgs, NullsAndMissingPieces) {
  EXPECT_EQ(gearman_worker_work(nullptr), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(gearman_worker_add_server(nullptr, "x", 1), GEARMAN_INVALID_ARGUMENT);
  gearman_worker_st* w = gearman_worker_create(nullptr);
  ASSERT_NE(w, nullptr);
  gearman_worker_set_timeout(w, 500);
  EXPECT_EQ(gearman_worker_work(w), GEARMAN_NO_SERVERS);
  EXPECT_NE(gearman_worker_error(w), nullptr);
  ASSERT_EQ(gearman_worker_add_server(w, "127.0.0.1", gearspec::test::free_loopback_port()), GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_worker_work(w), GEARMAN_NO_REGISTERED_FUNCTIONS);
  EXPECT_EQ(gearman_worker_add_function(w, nullptr, 0, failing_v1, nullptr), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(gearman_worker_add_function(w, "f", 0, nullptr, nullptr), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(gearman_worker_define_function(w, "f", 1, gearman_function_create(nullptr), 0, nullptr),
            GEARMAN_INVALID_ARGUMENT);
  ASSERT_EQ(gearman_worker_add_function(w, "f", 10, failing_v1, nullptr), GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_worker_work(w), GEARMAN_COULD_NOT_CONNECT);
  EXPECT_EQ(gearman_worker_unregister(w, "nope"), GEARMAN_NO_REGISTERED_FUNCTION);
  EXPECT_EQ(gearman_worker_unregister(w, "f"), GEARMAN_SUCCESS);
  EXPECT_FALSE(gearman_worker_function_exist(w, "f", 1));
  EXPECT_EQ(gearman_worker_unregister_all(w), GEARMAN_SUCCESS);
  gearman_worker_free(w);

  const gearman_status_t none = gearman_client_unique_status(nullptr, "u", 1);
  EXPECT_EQ(gearman_status_return(none), GEARMAN_INVALID_ARGUMENT);
  EXPECT_FALSE(gearman_status_is_known(none));
  gearman_job_free(nullptr);
  EXPECT_EQ(gearman_job_handle(nullptr), nullptr);
  EXPECT_EQ(gearman_job_send_fail(nullptr), GEARMAN_INVALID_ARGUMENT);
}

}  // namespace
