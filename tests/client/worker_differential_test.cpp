// Differential test of the worker: the real libgearman 1.1.20 worker and the
// reference worker do the same job against an in-process gearmock, and the
// server's journal shows what each sent on its connection. The requests
// (CAN_DO / CAN_DO_TIMEOUT, the grab, PRE_SLEEP, WORK_STATUS, WORK_DATA,
// WORK_COMPLETE, WORK_FAIL) must be the same packets, byte for byte, up to
// the job handle the server chose.
//
// The reference side uses the C++ API: the reference C API exports
// libgearman's symbol names and cannot be linked into the same program.
#include <gtest/gtest.h>
#include <libgearman-1.0/gearman.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gearspec/client/client.hpp"
#include "gearspec/client/worker.hpp"
#include "gearspec/mock/server.hpp"
#include "gearspec/protocol/decoder.hpp"

namespace {

namespace gc = gearspec::client;
namespace proto = gearspec::proto;

constexpr int test_timeout_ms = 3000;

struct scenario {
  std::uint32_t timeout = 0;  // CAN_DO_TIMEOUT seconds (0: CAN_DO)
  bool fail = false;          // WORK_FAIL instead of WORK_COMPLETE
  bool sleep_first = false;   // no job at first: NO_JOB, PRE_SLEEP, then TIMEOUT
};

// What a worker connection sent, decoded; handles replaced by "<h>".
std::vector<std::string> worker_requests(const gearspec::mock::server& mock, const std::string& handle) {
  std::string bytes;
  std::uint64_t worker_conn = 0;
  for (const auto& e : mock.journal()) {
    if (e.what != gearspec::mock::journal_entry::kind::received) continue;
    const auto first_command =
        e.bytes.size() >= 8 ? static_cast<proto::command>(e.bytes[7]) : proto::command::noop;
    if (worker_conn == 0 &&
        (first_command == proto::command::can_do || first_command == proto::command::can_do_timeout))
      worker_conn = e.connection;  // the connection that starts by announcing a function
    if (e.connection == worker_conn) bytes += e.bytes;
  }
  std::error_code ec;
  std::vector<std::string> out;
  for (const auto& p : proto::decode_all(bytes, ec)) {
    std::string line{proto::name(p.cmd)};
    for (const std::string& arg : p.args)
      line += " " + (arg == handle ? std::string{"<h>"} : proto::escape_bytes(arg));
    if (proto::info(p.cmd).has_data) line += " data=" + proto::escape_bytes(p.data);
    out.push_back(line);
  }
  EXPECT_FALSE(ec) << ec.message();
  return out;
}

std::string submit(std::uint16_t port) {
  gc::client c;
  c.add_server("127.0.0.1", port);
  c.set_timeout(test_timeout_ms);
  std::string handle;
  EXPECT_EQ(c.do_background({"diff_fn", "diff-u", "payload"}, handle), gc::return_code::success) << c.error();
  return handle;
}

// The worker's last packet was written, not necessarily read: wait (bounded)
// until the server has ended the job before stopping it.
void wait_until_done(std::uint16_t port, const std::string& handle) {
  gc::client c;
  c.add_server("127.0.0.1", port);
  c.set_timeout(test_timeout_ms);
  for (int attempt = 0; attempt < 300; ++attempt) {
    gc::job_status status;
    ASSERT_EQ(c.get_job_status(handle, status), gc::return_code::success);
    if (!status.known) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "the server never ended " << handle;
}

std::unique_ptr<gearspec::mock::server> start_mock() {
  auto mock = std::make_unique<gearspec::mock::server>(gearspec::mock::options{});
  mock->start();
  return mock;
}

struct libgearman_context {
  bool fail;
};

void* libgearman_fn(gearman_job_st* job, void* context, size_t* result_size, gearman_return_t* ret_ptr) {
  const auto* ctx = static_cast<const libgearman_context*>(context);
  gearman_job_send_status(job, 1, 2);
  gearman_job_send_data(job, "part", 4);
  *result_size = 0;
  if (ctx->fail) {
    *ret_ptr = GEARMAN_WORK_FAIL;
    return nullptr;
  }
  char* out = static_cast<char*>(malloc(4));
  std::memcpy(out, "done", 4);
  *result_size = 4;
  *ret_ptr = GEARMAN_SUCCESS;
  return out;
}

std::vector<std::string> run_libgearman(const scenario& s) {
  auto mock = start_mock();
  gearman_worker_st* w = gearman_worker_create(nullptr);
  gearman_worker_add_server(w, "127.0.0.1", mock->port());
  libgearman_context ctx{s.fail};
  gearman_worker_add_function(w, "diff_fn", s.timeout, libgearman_fn, &ctx);
  if (s.sleep_first) {
    gearman_worker_set_timeout(w, 300);
    EXPECT_EQ(gearman_worker_work(w), GEARMAN_TIMEOUT);
  }
  gearman_worker_set_timeout(w, test_timeout_ms);
  const std::string handle = submit(mock->port());
  const gearman_return_t rc = gearman_worker_work(w);
  EXPECT_EQ(rc, s.fail ? GEARMAN_WORK_FAIL : GEARMAN_SUCCESS) << gearman_strerror(rc);
  gearman_worker_free(w);
  wait_until_done(mock->port(), handle);
  mock->stop();
  return worker_requests(*mock, handle);
}

std::vector<std::string> run_reference(const scenario& s) {
  auto mock = start_mock();
  gc::worker w;
  w.add_server("127.0.0.1", mock->port());
  w.add_function("diff_fn", s.timeout, [&](gc::job& j) {
    j.send_status(1, 2);
    j.send_data("part");
    return s.fail ? gc::return_code::work_fail : j.send_complete("done");
  });
  if (s.sleep_first) {
    w.set_timeout(300);
    EXPECT_EQ(w.work(), gc::return_code::timeout);
  }
  w.set_timeout(test_timeout_ms);
  const std::string handle = submit(mock->port());
  EXPECT_EQ(w.work(), s.fail ? gc::return_code::work_fail : gc::return_code::success) << w.error();
  wait_until_done(mock->port(), handle);
  mock->stop();
  return worker_requests(*mock, handle);
}

class WorkerDifferential : public ::testing::TestWithParam<scenario> {};

TEST_P(WorkerDifferential, SameRequestsOnTheWire) {
  const auto theirs = run_libgearman(GetParam());
  const auto ours = run_reference(GetParam());
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(ours, theirs);
}

INSTANTIATE_TEST_SUITE_P(Jobs, WorkerDifferential,
                         ::testing::Values(scenario{0, false, false}, scenario{30, false, false},
                                           scenario{0, true, false}, scenario{0, false, true}),
                         [](const auto& row) {
                           return std::string{row.param.fail ? "fail" : "complete"} +
                                  (row.param.timeout != 0 ? "_can_do_timeout" : "") +
                                  (row.param.sleep_first ? "_after_sleep" : "");
                         });

}  // namespace
