// Out of memory at every allocation of a C API session: the Nth operator new
// on this thread fails (N = 1, 2, ... up to every allocation such a session
// makes). No exception may reach the caller, every task handed out must end
// with a definite outcome, and the client must stay usable.
//
// This executable replaces the global operator new, so it is a test of its
// own. Only the test thread's allocations fail: the in-process gearmock
// serving it runs on another thread and is not disturbed.
#include <gtest/gtest.h>
#include <libgearman/gearman.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "gearspec/client/session.hpp"
#include "gearspec/mock/server.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace {

thread_local long fail_countdown = 0;  // > 0: the allocation that brings it to 0 fails
thread_local long allocations = 0;     // counted on this thread while counting is on
thread_local bool counting = false;

void* allocate(std::size_t size) {
  if (counting) ++allocations;
  if (fail_countdown > 0 && --fail_countdown == 0) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

constexpr int tasks_per_round = 3;
const std::string echo_payload(300, 'e');  // longer than any small-string buffer: the echo allocates

// What one round observed while allocations could fail (no allocation of its
// own: gtest's assertions run after the round, with failures switched off).
struct round_result {
  std::size_t jobs_before = 0;  // the server's job count when the round began
  bool exception_escaped = false;
  gearman_return_t add_server = GEARMAN_MAX_RETURN;
  std::array<gearman_task_st*, tasks_per_round> tasks{};
  std::array<gearman_return_t, tasks_per_round> add_ret{};
  gearman_return_t run = GEARMAN_MAX_RETURN;
  gearman_return_t run_error_code = GEARMAN_MAX_RETURN;
  gearman_return_t do_background = GEARMAN_MAX_RETURN;
  gearman_return_t echo = GEARMAN_MAX_RETURN;
  gearman_job_handle_t handle{};
};

// How a round adds its tasks: background jobs, or foreground ones that no
// worker will ever take (their run ends in TIMEOUT, after JOB_CREATED made
// the client allocate for the running job).
enum class round_kind { background, foreground };

// One C API session with the `fail_at`th allocation failing (0: none).
// Returns the client (or null) for the checks after.
gearman_client_st* play_round(round_kind kind, long fail_at, std::uint16_t port, long round,
                              round_result& r) {
  gearman_client_st* client = nullptr;
  fail_countdown = fail_at;
  try {
    client = gearman_client_create(nullptr);
    if (client != nullptr) {
      if (kind == round_kind::foreground) gearman_client_set_timeout(client, 150);
      r.add_server = gearman_client_add_server(client, "127.0.0.1", port);
      for (int i = 0; i < tasks_per_round; ++i) {
        char unique[32];
        std::snprintf(unique, sizeof unique, "%c%ld-t%d", kind == round_kind::foreground ? 'f' : 'b', round,
                      i);
        r.add_ret[i] = GEARMAN_MAX_RETURN;
        r.tasks[i] = kind == round_kind::foreground
                         ? gearman_client_add_task(client, nullptr, nullptr, "oom_fg", unique, "payload", 7,
                                                   &r.add_ret[i])
                         : gearman_client_add_task_background(client, nullptr, nullptr, "oom", unique,
                                                              "payload", 7, &r.add_ret[i]);
      }
      r.run = gearman_client_run_tasks(client);
      r.run_error_code = gearman_client_error_code(client);
      if (kind == round_kind::background) {
        char unique[32];
        std::snprintf(unique, sizeof unique, "b%ld-do", round);
        r.do_background = gearman_client_do_background(client, "oom", unique, "x", 1, r.handle);
        r.echo = gearman_client_echo(client, echo_payload.data(), echo_payload.size());
      }
    }
  } catch (...) {
    r.exception_escaped = true;
  }
  fail_countdown = 0;
  return client;
}

int memory_failures(const round_result& r) {
  int n = 0;
  for (gearman_return_t rc :
       {r.add_server, r.run, r.do_background, r.echo, r.add_ret[0], r.add_ret[1], r.add_ret[2]})
    n += rc == GEARMAN_MEMORY_ALLOCATION_FAILURE;
  return n;
}

class AllocationFailure : public ::testing::Test {
 protected:
  void SetUp() override { server_.start(); }
  void TearDown() override { server_.stop(); }

  // Plays one undisturbed round to count its allocations on this thread, then
  // one round per allocation with that one failing; `check` judges each
  // (client may be null when creation failed) and frees what it was given.
  template <class Check>
  void fail_each_allocation(round_kind kind, Check&& check) {
    round_result clean;
    clean.jobs_before = server_.job_count();
    counting = true;
    allocations = 0;
    gearman_client_st* c = play_round(kind, 0, server_.port(), 0, clean);
    counting = false;
    const long total = allocations;
    ASSERT_NE(c, nullptr);
    ASSERT_FALSE(clean.exception_escaped);
    check(c, clean);
    ASSERT_GT(total, 5) << "the round should allocate: the injection would test nothing";
    int reported = 0;
    int run_reported = 0;  // how often run_tasks itself was cut short
    for (long n = 1; n <= total; ++n) {
      SCOPED_TRACE("allocation " + std::to_string(n) + " of " + std::to_string(total) + " fails");
      round_result r;
      r.jobs_before = server_.job_count();
      gearman_client_st* client = play_round(kind, n, server_.port(), n, r);
      ASSERT_FALSE(r.exception_escaped) << "an exception crossed the C API";
      reported += client == nullptr ? 1 : memory_failures(r);  // a null client is creation's error return
      run_reported += r.run == GEARMAN_MEMORY_ALLOCATION_FAILURE;
      if (client != nullptr) check(client, r);
    }
    EXPECT_GT(reported, 0) << "no call reported GEARMAN_MEMORY_ALLOCATION_FAILURE";
    std::printf(
        "%ld allocations per round, each failed once; %d calls reported MEMORY_ALLOCATION_FAILURE "
        "(run_tasks %d)\n",
        total, reported, run_reported);
  }

  // Each add either handed out a task (SUCCESS) or reported an error and none;
  // after a second run (the server list restored) every task handed out has
  // an outcome. Returns how many of them succeeded.
  int check_tasks(gearman_client_st* client, const round_result& r) {
    for (int i = 0; i < tasks_per_round; ++i) {
      if (r.tasks[i] != nullptr) {
        EXPECT_EQ(r.add_ret[i], GEARMAN_SUCCESS) << "task " << i;
      } else {
        EXPECT_NE(r.add_ret[i], GEARMAN_SUCCESS) << "task " << i;
      }
    }
    EXPECT_EQ(r.run_error_code, r.run);
    if (r.add_server != GEARMAN_SUCCESS) {
      EXPECT_EQ(gearman_client_add_server(client, "127.0.0.1", server_.port()), GEARMAN_SUCCESS);
    }
    const gearman_return_t rerun = gearman_client_run_tasks(client);
    int succeeded = 0;
    for (int i = 0; i < tasks_per_round; ++i) {
      if (r.tasks[i] == nullptr) continue;
      const gearman_return_t outcome = gearman_task_return(r.tasks[i]);
      EXPECT_NE(outcome, GEARMAN_UNKNOWN_STATE) << "task " << i << " never got an outcome";
      if (outcome == GEARMAN_SUCCESS) {
        ++succeeded;
        EXPECT_GT(std::strlen(gearman_task_job_handle(r.tasks[i])), 0u) << "task " << i;
      } else {
        EXPECT_TRUE(rerun != GEARMAN_SUCCESS || r.run != GEARMAN_SUCCESS)
            << "task " << i << " failed (" << gearman_strerror(outcome) << ") but no run reported a failure";
      }
    }
    return succeeded;
  }

  // The client still works: a new background job goes through.
  void check_usable_and_free(gearman_client_st* client, const round_result& r, const std::string& unique) {
    gearman_client_set_timeout(client, 5000);
    gearman_job_handle_t handle{};
    EXPECT_EQ(gearman_client_do_background(client, "oom", unique.c_str(), "x", 1, handle), GEARMAN_SUCCESS)
        << gearman_client_error(client);
    EXPECT_GT(std::strlen(handle), 0u);
    for (gearman_task_st* t : r.tasks) gearman_task_free(t);
    gearman_client_free(client);
  }

  gearspec::mock::server server_{gearspec::mock::options{}};
  long checked_ = 0;
};

TEST_F(AllocationFailure, BackgroundTasksEchoAndDoBackground) {
  fail_each_allocation(round_kind::background, [this](gearman_client_st* client, const round_result& r) {
    const int succeeded = check_tasks(client, r);
    int created = 0;
    for (gearman_task_st* t : r.tasks) created += t != nullptr;
    if (r.do_background == GEARMAN_SUCCESS) {
      EXPECT_GT(std::strlen(r.handle), 0u);
    }
    if (r.add_server == GEARMAN_SUCCESS) {
      EXPECT_TRUE(r.echo == GEARMAN_SUCCESS || r.echo == GEARMAN_MEMORY_ALLOCATION_FAILURE)
          << gearman_strerror(r.echo);
    }
    // Every success is a job the server holds; a job the server holds may
    // also belong to a task whose reply was lost with the connection. (No
    // worker takes jobs: the count only grows.)
    const std::size_t jobs_added = server_.job_count() - r.jobs_before;
    const std::size_t do_background_job = r.do_background == GEARMAN_SUCCESS ? 1 : 0;
    EXPECT_GE(jobs_added, static_cast<std::size_t>(succeeded) + do_background_job);
    EXPECT_LE(jobs_added, static_cast<std::size_t>(created) + 1);
    check_usable_and_free(client, r, "after-bg-" + std::to_string(++checked_));
  });
}

TEST_F(AllocationFailure, ForegroundTasksCutShortByTheTimeout) {
  fail_each_allocation(round_kind::foreground, [this](gearman_client_st* client, const round_result& r) {
    check_tasks(client, r);
    // No worker: a foreground task can only end in an error.
    for (gearman_task_st* t : r.tasks) {
      if (t != nullptr) {
        EXPECT_NE(gearman_task_return(t), GEARMAN_SUCCESS);
      }
    }
    check_usable_and_free(client, r, "after-fg-" + std::to_string(++checked_));
  });
}

}  // namespace

// The sans-I/O session reading a malformed STATUS_RES: the reply's error text
// is built on the heap. Whichever allocation fails, the status task either
// ends with the malformed reply's code, or keeps its place in the reply FIFO
// so that the connection's end fails it: it is never lost between the two.
TEST(AllocationFailureSession, MalformedStatusReplyNeverLosesItsTask) {
  namespace proto = gearspec::proto;
  using gearspec::client::return_code;
  const std::string reply = proto::encode(proto::magic::response, proto::command::status_res,
                                          {"H:oom:1", "2", "0", "0", "0"});  // KNOWN must be 0 or 1
  long total = 0;
  for (long fail_at = 0; fail_at == 0 || fail_at <= total; ++fail_at) {
    SCOPED_TRACE("allocation " + std::to_string(fail_at) + " fails");
    gearspec::client::session s;
    gearspec::client::task t;
    ASSERT_EQ(s.get_status(t, "H:oom:1"), return_code::success);
    s.connection_opened();
    s.wrote(s.output().size());
    bool escaped = false;
    counting = fail_at == 0;
    allocations = 0;
    fail_countdown = fail_at;
    try {
      s.receive(reply);
    } catch (const std::bad_alloc&) {
      escaped = true;
    }
    fail_countdown = 0;
    counting = false;
    if (fail_at == 0) {
      total = allocations;
      ASSERT_GT(total, 0) << "the error text should allocate: the injection would test nothing";
      EXPECT_EQ(t.result(), return_code::invalid_packet);
      continue;
    }
    if (escaped) {
      EXPECT_EQ(s.waiting(), 1u) << "the task left the reply FIFO before its outcome was set";
      s.connection_closed("closed after the failed allocation");
      EXPECT_EQ(t.result(), return_code::lost_connection);
    } else {
      EXPECT_EQ(t.result(), return_code::invalid_packet);
    }
    EXPECT_TRUE(t.finished());
  }
}
