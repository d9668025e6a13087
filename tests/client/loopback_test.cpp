// run_tasks outcomes over real loopback TCP against a scripted peer, through
// the C API (SEMANTICS.md 5): pipelined batches, ERROR mid-batch, close at
// every byte offset, replies split at every offset or coalesced, protocol
// faults, refused connections and bounded timeouts.
#include <gtest/gtest.h>
#include <libgearman/gearman.h>

#include <chrono>
#include <string>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/scripted_peer.hpp"

namespace {

using gearspec::test::error_reply;
using gearspec::test::job_created;
using gearspec::test::peer_script;
using gearspec::test::peer_write;
using gearspec::test::scripted_peer;
using namespace std::string_literals;

constexpr int test_timeout_ms = 3000;

struct run_result {
  gearman_return_t rc = GEARMAN_MAX_RETURN;
  std::vector<gearman_return_t> task_rc;
  std::vector<std::string> handles;
  std::vector<std::string> errors;
  std::vector<bool> known;
  std::string client_error;
  long elapsed_ms = 0;
};

// Adds `n` background tasks (uniques u-0..), runs them once against `port`.
run_result run_batch(std::uint16_t port, std::size_t n, int timeout_ms = test_timeout_ms) {
  gearman_client_st* c = gearman_client_create(nullptr);
  gearman_client_add_server(c, "127.0.0.1", port);
  gearman_client_set_timeout(c, timeout_ms);
  std::vector<gearman_task_st*> tasks;
  for (std::size_t i = 0; i < n; ++i) {
    gearman_return_t rc;
    const std::string unique = "u-" + std::to_string(i);
    tasks.push_back(
        gearman_client_add_task_background(c, nullptr, nullptr, "fn", unique.c_str(), "w", 1, &rc));
    EXPECT_EQ(rc, GEARMAN_SUCCESS);
  }
  run_result r;
  const auto start = std::chrono::steady_clock::now();
  r.rc = gearman_client_run_tasks(c);
  r.elapsed_ms = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
          .count());
  for (gearman_task_st* t : tasks) {
    r.task_rc.push_back(gearman_task_return(t));
    r.handles.emplace_back(gearman_task_job_handle(t));
    r.errors.emplace_back(gearman_task_error(t) ? gearman_task_error(t) : "");
    r.known.push_back(gearman_task_is_known(t));
  }
  if (const char* e = gearman_client_error(c)) r.client_error = e;
  for (gearman_task_st* t : tasks) gearman_task_free(t);
  gearman_client_free(c);
  return r;
}

peer_script reply_once(std::size_t expect, std::string bytes, bool close_after = true) {
  peer_script s;
  s.expect_packets = expect;
  s.writes.push_back(peer_write{std::move(bytes), 0});
  s.close_after = close_after;
  return s;
}

TEST(Loopback, PipelinedBatchIsOneStreamInAddOrderAndMatchedFifo) {
  scripted_peer peer{reply_once(3, job_created("H:1") + job_created("H:2") + job_created("H:3"), false)};
  gearman_client_st* c = gearman_client_create(nullptr);
  gearman_client_add_server(c, "127.0.0.1", peer.port());
  gearman_client_set_timeout(c, test_timeout_ms);
  gearman_return_t rc;
  gearman_task_st* n = gearman_client_add_task_background(c, nullptr, nullptr, "fn", "a", "1", 1, &rc);
  gearman_task_st* h = gearman_client_add_task_high_background(c, nullptr, nullptr, "fn", "b", "2", 1, &rc);
  gearman_task_st* l = gearman_client_add_task_low_background(c, nullptr, nullptr, "fn", "c", "3", 1, &rc);
  EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_SUCCESS);
  EXPECT_STREQ(gearman_task_job_handle(n), "H:1");
  EXPECT_STREQ(gearman_task_job_handle(h), "H:2");
  EXPECT_STREQ(gearman_task_job_handle(l), "H:3");
  EXPECT_EQ(gearman_client_error(c), nullptr);
  EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_SUCCESS) << "nothing left to run";
  const auto received = peer.received();
  ASSERT_EQ(received.size(), 1u) << "one connection";
  using gearspec::proto::command;
  using gearspec::proto::magic;
  EXPECT_EQ(received[0],
            gearspec::proto::encode(magic::request, command::submit_job_bg, {"fn", "a"}, "1") +
                gearspec::proto::encode(magic::request, command::submit_job_high_bg, {"fn", "b"}, "2") +
                gearspec::proto::encode(magic::request, command::submit_job_low_bg, {"fn", "c"}, "3"));
  gearman_task_free(n);
  gearman_task_free(h);
  gearman_task_free(l);
  gearman_client_free(c);
}

TEST(Loopback, ErrorMidBatchOtherTasksStillComplete) {
  scripted_peer peer{reply_once(
      3, job_created("H:1") + error_reply("QUEUE_ERROR", "Job queue is full") + job_created("H:3"), false)};
  const run_result r = run_batch(peer.port(), 3);
  EXPECT_EQ(r.rc, GEARMAN_QUEUE_ERROR);
  EXPECT_EQ(r.task_rc[0], GEARMAN_SUCCESS);
  EXPECT_EQ(r.task_rc[1], GEARMAN_QUEUE_ERROR);
  EXPECT_EQ(r.errors[1], "Job queue is full");
  EXPECT_FALSE(r.known[1]);
  EXPECT_EQ(r.task_rc[2], GEARMAN_SUCCESS);
  EXPECT_EQ(r.handles[2], "H:3");
  EXPECT_NE(r.client_error.find("Job queue is full"), std::string::npos);
}

TEST(Loopback, CloseAtEveryByteOffsetOfTheReplies) {
  const std::string replies = job_created("H:vm:1") + job_created("H:vm:2");
  const std::size_t one = job_created("H:vm:1").size();
  for (std::size_t cut = 0; cut < replies.size(); ++cut) {
    scripted_peer peer{reply_once(2, replies.substr(0, cut))};
    const run_result r = run_batch(peer.port(), 2);
    EXPECT_EQ(r.rc, GEARMAN_LOST_CONNECTION) << "cut " << cut;
    EXPECT_EQ(r.task_rc[0], cut >= one ? GEARMAN_SUCCESS : GEARMAN_LOST_CONNECTION) << "cut " << cut;
    EXPECT_EQ(r.task_rc[1], GEARMAN_LOST_CONNECTION) << "cut " << cut;
    EXPECT_FALSE(r.known[1]);
  }
}

TEST(Loopback, RepliesSplitAtEveryOffsetGiveTheSameResult) {
  const std::string replies =
      job_created("H:vm:1") + error_reply("QUEUE_ERROR", "full") + job_created("H:vm:3");
  for (std::size_t cut = 1; cut < replies.size(); ++cut) {
    peer_script s;
    s.expect_packets = 3;
    s.writes = {peer_write{replies.substr(0, cut), 0}, peer_write{replies.substr(cut), 2}};
    s.close_after = false;
    scripted_peer peer{s};
    const run_result r = run_batch(peer.port(), 3);
    EXPECT_EQ(r.rc, GEARMAN_QUEUE_ERROR) << cut;
    EXPECT_EQ(r.handles[0], "H:vm:1") << cut;
    EXPECT_EQ(r.task_rc[1], GEARMAN_QUEUE_ERROR) << cut;
    EXPECT_EQ(r.handles[2], "H:vm:3") << cut;
  }
}

TEST(Loopback, ProtocolFaultsFailTheWaitingTasks) {
  std::string wrong_magic, unknown_command, oversize;
  gearspec::proto::append_raw_header(wrong_magic, "\0XYZ"s, 8, 3);
  wrong_magic += "H:1";
  gearspec::proto::append_raw_header(unknown_command, gearspec::proto::response_magic, 43, 0);
  gearspec::proto::append_raw_header(oversize, gearspec::proto::response_magic, 8, 0xFFFFFFF0u);
  oversize += "H:vm:1\0\0"s;
  const struct {
    std::string bytes;
    gearman_return_t expected;
  } rows[] = {{wrong_magic, GEARMAN_INVALID_MAGIC},
              {gearspec::proto::encode(gearspec::proto::magic::request, gearspec::proto::command::job_created,
                                       {"H:1"}),
               GEARMAN_INVALID_MAGIC},
              {unknown_command, GEARMAN_INVALID_COMMAND},
              {"hello world\n", GEARMAN_INVALID_PACKET},
              {oversize, GEARMAN_INVALID_PACKET}};
  for (const auto& row : rows) {
    scripted_peer peer{reply_once(2, row.bytes, false)};
    const run_result r = run_batch(peer.port(), 2);
    EXPECT_EQ(r.rc, row.expected) << gearspec::proto::escape_bytes(row.bytes);
    EXPECT_EQ(r.task_rc[0], row.expected);
    EXPECT_EQ(r.task_rc[1], row.expected);
    EXPECT_LT(r.elapsed_ms, test_timeout_ms) << "answered without waiting for the timeout";
  }
}

TEST(Loopback, UnrelatedPacketsAreIgnoredAndLongHandlesFailOnlyTheirTask) {
  using gearspec::proto::command;
  using gearspec::proto::magic;
  scripted_peer peer{
      reply_once(2,
                 gearspec::proto::encode(magic::response, command::noop, {}) +
                     gearspec::proto::encode(magic::response, command::work_complete, {"H:x"}, "d") +
                     job_created(std::string(100, 'h')) + job_created("H:2"),
                 false)};
  const run_result r = run_batch(peer.port(), 2);
  EXPECT_EQ(r.rc, GEARMAN_INVALID_PACKET);
  EXPECT_EQ(r.task_rc[0], GEARMAN_INVALID_PACKET);
  EXPECT_EQ(r.handles[0], "");
  EXPECT_EQ(r.task_rc[1], GEARMAN_SUCCESS);
  EXPECT_EQ(r.handles[1], "H:2");
}

TEST(Loopback, SilenceEndsWithTimeoutWithinTheCallersBound) {
  constexpr int timeout = 200;
  scripted_peer peer{reply_once(1, "", false)};
  const run_result r = run_batch(peer.port(), 2, timeout);
  EXPECT_EQ(r.rc, GEARMAN_TIMEOUT);
  EXPECT_EQ(r.task_rc[0], GEARMAN_TIMEOUT);
  EXPECT_EQ(r.task_rc[1], GEARMAN_TIMEOUT);
  EXPECT_GE(r.elapsed_ms, timeout - 5);
  EXPECT_LT(r.elapsed_ms, timeout + 1500) << "slack for a loaded 2-core machine";
}

TEST(Loopback, PartialBodyThenSilenceIsTimeout) {
  std::string partial;
  gearspec::proto::append_raw_header(partial, gearspec::proto::response_magic, 8, 1000);
  partial += "H:vm:1\0\0"s;
  scripted_peer peer{reply_once(1, partial, false)};
  const run_result r = run_batch(peer.port(), 1, 200);
  EXPECT_EQ(r.rc, GEARMAN_TIMEOUT);
  EXPECT_EQ(r.task_rc[0], GEARMAN_TIMEOUT);
}

TEST(Loopback, RefusedConnectionThenTheSameTasksRunAgain) {
  scripted_peer peer{reply_once(1, job_created("H:again"), false)};
  gearman_client_st* c = gearman_client_create(nullptr);
  gearman_client_add_server(c, "127.0.0.1", scripted_peer::closed_port());
  gearman_client_set_timeout(c, test_timeout_ms);
  gearman_return_t rc;
  gearman_task_st* t = gearman_client_add_task_background(c, nullptr, nullptr, "fn", "u", "w", 1, &rc);
  EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_COULD_NOT_CONNECT);
  EXPECT_EQ(gearman_task_return(t), GEARMAN_COULD_NOT_CONNECT);
  EXPECT_NE(std::string{gearman_client_error(c)}.find("failed"), std::string::npos);
  EXPECT_NE(gearman_client_errno(c), 0);
  EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_COULD_NOT_CONNECT);
  gearman_client_add_server(c, "127.0.0.1", peer.port());  // the next server in the list accepts
  EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_SUCCESS);
  EXPECT_EQ(gearman_task_return(t), GEARMAN_SUCCESS);
  EXPECT_STREQ(gearman_task_job_handle(t), "H:again");
  gearman_task_free(t);
  gearman_client_free(c);
}

TEST(Loopback, DoBackgroundReportsTheHandleOrClearsIt) {
  {
    scripted_peer peer{reply_once(1, job_created("H:vm:5"), false)};
    gearman_client_st* c = gearman_client_create(nullptr);
    gearman_client_add_server(c, "127.0.0.1", peer.port());
    gearman_client_set_timeout(c, test_timeout_ms);
    gearman_job_handle_t handle;
    EXPECT_EQ(gearman_client_do_high_background(c, "fn", "u", "w", 1, handle), GEARMAN_SUCCESS);
    EXPECT_STREQ(handle, "H:vm:5");
    gearman_client_free(c);
  }
  {
    scripted_peer peer{reply_once(1, error_reply("ERR_CODE", "error text"), false)};
    gearman_client_st* c = gearman_client_create(nullptr);
    gearman_client_add_server(c, "127.0.0.1", peer.port());
    gearman_client_set_timeout(c, test_timeout_ms);
    gearman_job_handle_t handle;
    EXPECT_EQ(gearman_client_do_low_background(c, "fn", "u", "w", 1, handle), GEARMAN_SERVER_ERROR);
    EXPECT_STREQ(handle, "");
    EXPECT_STREQ(gearman_client_error(c), "error text");
    gearman_client_free(c);
  }
}

TEST(Loopback, ConnectionIsReusedAcrossRuns) {
  scripted_peer peer{[](const std::string&) { return job_created("H:r"); }};
  gearman_client_st* c = gearman_client_create(nullptr);
  gearman_client_add_server(c, "127.0.0.1", peer.port());
  gearman_client_set_timeout(c, test_timeout_ms);
  gearman_job_handle_t handle;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(gearman_client_do_background(c, "fn", nullptr, "w", 1, handle), GEARMAN_SUCCESS);
  }
  EXPECT_EQ(peer.connections(), 1u);
  gearman_client_free(c);
}

}  // namespace
