// The C API's argument checks (SEMANTICS.md 2), unique table through the C
// API (3), gearman_strerror and the constants, and task ownership rules.
// No server is contacted here: adding a task does no I/O.
#include <gtest/gtest.h>
#include <libgearman/gearman.h>

#include <cstring>
#include <string>

extern "C" const char* gearspec_test_strerror_of_int(int value);  // strerror_c_helper.c

namespace {

using add_fn = gearman_task_st* (*)(gearman_client_st*, gearman_task_st*, void*, const char*, const char*,
                                    const void*, size_t, gearman_return_t*);

struct variant_row {
  const char* name;
  add_fn add;
};

const variant_row variants[] = {
    {"background", gearman_client_add_task_background},
    {"high_background", gearman_client_add_task_high_background},
    {"low_background", gearman_client_add_task_low_background},
    {"foreground", gearman_client_add_task},
};

class CApiArguments : public ::testing::TestWithParam<variant_row> {
 protected:
  void SetUp() override { client_ = gearman_client_create(nullptr); }
  void TearDown() override { gearman_client_free(client_); }

  // Adds with a caller-supplied task; checks the error contract when it fails.
  gearman_return_t add(const char* function, const char* unique, const void* workload, size_t size) {
    gearman_task_st shell;
    std::memset(&shell, 0xAB, sizeof shell);
    gearman_task_st before = shell;
    gearman_return_t rc = GEARMAN_MAX_RETURN;
    gearman_task_st* t = GetParam().add(client_, &shell, nullptr, function, unique, workload, size, &rc);
    if (rc == GEARMAN_SUCCESS) {
      EXPECT_EQ(t, &shell) << "a caller-supplied task is returned as-is";
      gearman_task_free(t);
    } else {
      EXPECT_EQ(t, nullptr);
      EXPECT_EQ(std::memcmp(&shell, &before, sizeof shell), 0) << "caller's task touched on error";
      EXPECT_NE(gearman_client_error(client_), nullptr);
    }
    return rc;
  }

  gearman_client_st* client_ = nullptr;
};

TEST_P(CApiArguments, ClientNull) {
  gearman_return_t rc = GEARMAN_SUCCESS;
  EXPECT_EQ(GetParam().add(nullptr, nullptr, nullptr, "f", "u", "w", 1, &rc), nullptr);
  EXPECT_EQ(rc, GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(GetParam().add(nullptr, nullptr, nullptr, "f", "u", "w", 1, nullptr), nullptr);
}

TEST_P(CApiArguments, FunctionNullOrEmpty) {
  EXPECT_EQ(add(nullptr, "u", "w", 1), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(add("", "u", "w", 1), GEARMAN_INVALID_ARGUMENT);
}

TEST_P(CApiArguments, FunctionLength512AcceptedAnd513Rejected) {
  EXPECT_EQ(add(std::string(512, 'f').c_str(), "u", "w", 1), GEARMAN_SUCCESS);
  EXPECT_EQ(add(std::string(513, 'f').c_str(), "u", "w", 1), GEARMAN_INVALID_ARGUMENT);
}

TEST_P(CApiArguments, UniqueLongerThan64Rejected64Accepted) {
  EXPECT_EQ(add("f", std::string(65, 'u').c_str(), "w", 1), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(add("f", std::string(64, 'u').c_str(), "w", 1), GEARMAN_SUCCESS);
}

TEST_P(CApiArguments, WorkloadPointerAndSizeMustAgree) {
  EXPECT_EQ(add("f", "u", nullptr, 5), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(add("f", "u", "w", 0), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(add("f", "u", nullptr, 0), GEARMAN_SUCCESS);
}

TEST_P(CApiArguments, BodyOfTwoToThe32MinusOneIsArgumentTooLarge) {
  static const char byte = 'x';
  // Never read: the size check precedes any copy.
  EXPECT_EQ(add("f", "u", &byte, 0xFFFFFFFFull), GEARMAN_ARGUMENT_TOO_LARGE);
  EXPECT_EQ(add("f", "u", &byte, 0xFFFFFFFFull - 4), GEARMAN_ARGUMENT_TOO_LARGE);  // 1+1+1+1 + data
}

TEST_P(CApiArguments, FirstFailureWinsInTableOrder) {
  // function empty beats unique too long beats workload mismatch
  EXPECT_EQ(add("", std::string(65, 'u').c_str(), nullptr, 5), GEARMAN_INVALID_ARGUMENT);
  EXPECT_NE(std::string{gearman_client_error(client_)}.find("function"), std::string::npos);
  add("f", std::string(65, 'u').c_str(), nullptr, 5);
  EXPECT_NE(std::string{gearman_client_error(client_)}.find("unique"), std::string::npos);
  add("f", "u", nullptr, 5);
  EXPECT_NE(std::string{gearman_client_error(client_)}.find("workload"), std::string::npos);
}

TEST_P(CApiArguments, SuccessReturnsANewTaskInUnknownState) {
  gearman_return_t rc = GEARMAN_MAX_RETURN;
  int context = 7;
  gearman_task_st* t = GetParam().add(client_, nullptr, &context, "f", "u-1", "w", 1, &rc);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(rc, GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_task_return(t), GEARMAN_UNKNOWN_STATE);
  EXPECT_STREQ(gearman_task_job_handle(t), "");
  EXPECT_STREQ(gearman_task_unique(t), "u-1");
  EXPECT_EQ(gearman_task_context(t), &context);
  EXPECT_FALSE(gearman_task_is_known(t));
  EXPECT_FALSE(gearman_task_is_running(t));
  EXPECT_EQ(gearman_task_error(t), nullptr);
  EXPECT_EQ(gearman_client_error(client_), nullptr);
  gearman_task_free(t);
}

INSTANTIATE_TEST_SUITE_P(AllSubmitVariants, CApiArguments, ::testing::ValuesIn(variants),
                         [](const auto& row) { return std::string{row.param.name}; });

TEST(CApiUnique, TableThroughTheCApi) {
  gearman_client_st* c = gearman_client_create(nullptr);
  gearman_return_t rc;
  struct row {
    const char* unique;
    const char* workload;
    std::string expected;
  };
  const std::string sixty_four(64, 'x');
  const row rows[] = {{"#", "coalescence_by_data_hash_TEST", "2285535048"},
                      {"#", "w", "3041190541"},
                      {"#", "hello", "1067880409"},
                      {"#", nullptr, "0"},
                      {"-", "w", "-"},
                      {"u-1", "w", "u-1"},
                      {sixty_four.c_str(), "w", sixty_four}};
  for (const row& r : rows) {
    gearman_task_st* t = gearman_client_add_task_background(c, nullptr, nullptr, "f", r.unique, r.workload,
                                                            r.workload ? std::strlen(r.workload) : 0, &rc);
    ASSERT_NE(t, nullptr) << r.unique;
    EXPECT_EQ(std::string{gearman_task_unique(t)}, r.expected);
    gearman_task_free(t);
  }
  for (const char* absent : {static_cast<const char*>(nullptr), ""}) {
    gearman_task_st* a = gearman_client_add_task_background(c, nullptr, nullptr, "f", absent, "w", 1, &rc);
    gearman_task_st* b = gearman_client_add_task_background(c, nullptr, nullptr, "f", absent, "w", 1, &rc);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(std::strlen(gearman_task_unique(a)), size_t{GEARMAN_MAX_UUID_SIZE});
    EXPECT_STRNE(gearman_task_unique(a), gearman_task_unique(b));
    gearman_task_free(a);
    gearman_task_free(b);
  }
  gearman_client_free(c);
}

// Every code against the real libgearman: capi_return_codes_test.cpp.
TEST(CApiStrerror, NamesAndOutOfRangeIsMaxReturn) {
  EXPECT_STREQ(gearman_strerror(GEARMAN_COULD_NOT_CONNECT), "GEARMAN_COULD_NOT_CONNECT");
  EXPECT_STREQ(gearman_strerror(GEARMAN_FAIL), "GEARMAN_WORK_FAIL");
  EXPECT_STREQ(gearman_strerror(GEARMAN_MAX_RETURN), "GEARMAN_MAX_RETURN");
  // Out-of-range values come from C, where any int converts to the enum.
  EXPECT_STREQ(gearspec_test_strerror_of_int(1000), "GEARMAN_MAX_RETURN");
  EXPECT_STREQ(gearspec_test_strerror_of_int(-1), "GEARMAN_MAX_RETURN");
  EXPECT_STREQ(gearspec_test_strerror_of_int(54), "GEARMAN_MAX_RETURN");
}

TEST(CApiConstants, ValuesMatchLibgearman) {
  EXPECT_EQ(GEARMAN_DEFAULT_TCP_PORT, 4730);
  EXPECT_EQ(GEARMAN_MAX_UNIQUE_SIZE, 64);
  EXPECT_EQ(GEARMAN_FUNCTION_MAX_SIZE, 512);
  EXPECT_EQ(GEARMAN_JOB_HANDLE_SIZE, 64);
  EXPECT_EQ(GEARMAN_MAX_UUID_SIZE, 36);
  EXPECT_EQ(sizeof(gearman_job_handle_t), 64u);
  EXPECT_EQ(GEARMAN_INVALID_ARGUMENT, 49);
  EXPECT_EQ(GEARMAN_ARGUMENT_TOO_LARGE, 48);
  EXPECT_EQ(GEARMAN_TIMEOUT, 47);
  EXPECT_EQ(GEARMAN_QUEUE_ERROR, 42);
  EXPECT_EQ(GEARMAN_UNKNOWN_STATE, 39);
  EXPECT_EQ(GEARMAN_COULD_NOT_CONNECT, 26);
  EXPECT_EQ(GEARMAN_LOST_CONNECTION, 14);
  EXPECT_EQ(GEARMAN_NO_SERVERS, 13);
  EXPECT_EQ(GEARMAN_JOB_NOT_FOUND, 52);
  EXPECT_EQ(GEARMAN_MAX_RETURN, 53);
  EXPECT_TRUE(gearman_success(GEARMAN_SUCCESS));
  EXPECT_TRUE(gearman_failed(GEARMAN_TIMEOUT));
  EXPECT_FALSE(gearman_failed(GEARMAN_SUCCESS));
  for (gearman_return_t rc : {GEARMAN_IO_WAIT, GEARMAN_IN_PROGRESS, GEARMAN_PAUSE, GEARMAN_JOB_EXISTS})
    EXPECT_TRUE(gearman_continue(rc));
  EXPECT_FALSE(gearman_continue(GEARMAN_SUCCESS));
}

TEST(CApiClient, NoServersLeavesTasksUnchanged) {
  gearman_client_st* c = gearman_client_create(nullptr);
  gearman_return_t rc;
  gearman_task_st* t = gearman_client_add_task_background(c, nullptr, nullptr, "f", "u", "w", 1, &rc);
  EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_NO_SERVERS);
  EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_NO_SERVERS);
  EXPECT_EQ(gearman_task_return(t), GEARMAN_UNKNOWN_STATE);
  EXPECT_STREQ(gearman_client_error(c), "no servers provided");
  gearman_job_handle_t handle;
  std::strcpy(handle, "junk");
  EXPECT_EQ(gearman_client_do_background(c, "f", "u", "w", 1, handle), GEARMAN_NO_SERVERS);
  EXPECT_STREQ(handle, "");
  gearman_task_free(t);
  gearman_client_free(c);
}

TEST(CApiClient, TimeoutDefaultsToMinusOneAndServersParse) {
  gearman_client_st stack_client;
  ASSERT_EQ(gearman_client_create(&stack_client), &stack_client);
  EXPECT_EQ(gearman_client_timeout(&stack_client), -1);
  gearman_client_set_timeout(&stack_client, 250);
  EXPECT_EQ(gearman_client_timeout(&stack_client), 250);
  EXPECT_EQ(gearman_client_add_servers(&stack_client, "127.0.0.1:4731,localhost,[::1]:4732"),
            GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_client_add_servers(&stack_client, "a:,b"), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(gearman_client_add_servers(&stack_client, "a:99999"), GEARMAN_INVALID_ARGUMENT);
  EXPECT_EQ(gearman_client_add_server(&stack_client, nullptr, 0), GEARMAN_SUCCESS);
  gearman_client_st* copy = gearman_client_clone(nullptr, &stack_client);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(gearman_client_timeout(copy), 250);
  gearman_client_free(copy);
  gearman_client_free(&stack_client);
}

TEST(CApiOwnership, TasksFreedInAnyOrderWithoutLeaksOrDoubleFrees) {
  // Run under the ASan/LSan build: a leak or double free fails the test there.
  gearman_client_st* c = gearman_client_create(nullptr);
  gearman_return_t rc;
  gearman_task_st stack_a, stack_b;
  gearman_task_st* a = gearman_client_add_task_background(c, &stack_a, nullptr, "f", "a", "w", 1, &rc);
  gearman_task_st* b = gearman_client_add_task_background(c, &stack_b, nullptr, "f", "b", "w", 1, &rc);
  gearman_task_st* heap = gearman_client_add_task_background(c, nullptr, nullptr, "f", "c", "w", 1, &rc);
  ASSERT_TRUE(a && b && heap);
  EXPECT_FALSE(stack_a.options.is_allocated);
  EXPECT_TRUE(heap->options.is_allocated);
  gearman_task_free(a);
  gearman_task_free(a);  // second free of a caller-allocated task is a no-op
  gearman_task_free(nullptr);
  // b and heap are released by the client; b's shell is then inert.
  gearman_client_free(c);
  EXPECT_EQ(stack_b._impl, nullptr);
  gearman_task_free(&stack_b);
}

}  // namespace
