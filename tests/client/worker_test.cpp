// The reference worker and the status calls end to end, over loopback TCP,
// against gearmock's queue mode (in-process) and the real gearmand 1.1.20
// (skipped when not installed): a job's whole life — submit, grab, status
// polled by handle and by unique while it runs, WORK_* relayed to a
// foreground client, completion — plus priority order, PRE_SLEEP / NOOP
// wake-up on one connection, and the worker's failure codes.
#include "gearspec/client/worker.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "gearspec/client/client.hpp"
#include "gearspec/mock/server.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/real_gearmand.hpp"
#include "gearspec/test/scripted_peer.hpp"

namespace gearspec::client {
namespace {

constexpr int test_timeout_ms = 5000;

enum class server_kind { gearmock, gearmand };

// One server of either kind on 127.0.0.1 with a bounded life (the fixture's).
class WorkerLife : public ::testing::TestWithParam<server_kind> {
 protected:
  void SetUp() override {
    if (GetParam() == server_kind::gearmand) {
      GEARSPEC_REQUIRE_GEARMAND();
      gearmand_ = std::make_unique<test::real_gearmand>();
      port_ = gearmand_->port();
    } else {
      mock_ = std::make_unique<mock::server>(mock::options{});
      mock_->start();
      port_ = mock_->port();
    }
    ASSERT_EQ(c_.add_server("127.0.0.1", port_), return_code::success);
    c_.set_timeout(test_timeout_ms);
    ASSERT_EQ(w_.add_server("127.0.0.1", port_), return_code::success);
    w_.set_timeout(test_timeout_ms);
  }

  std::unique_ptr<test::real_gearmand> gearmand_;
  std::unique_ptr<mock::server> mock_;
  std::uint16_t port_ = 0;
  client c_;
  worker w_;
};

TEST_P(WorkerLife, BackgroundJobStatusByHandleAndUniqueThroughItsLife) {
  using namespace std::string_literals;
  const std::string workload = "in\0put"s;
  std::string handle;
  ASSERT_EQ(c_.do_background({"life_fn", "life-u1", workload}, handle), return_code::success) << c_.error();
  job_status before;
  ASSERT_EQ(c_.get_job_status(handle, before), return_code::success);
  EXPECT_TRUE(before.known);
  EXPECT_FALSE(before.running);
  EXPECT_EQ(before.numerator, 0u);
  EXPECT_EQ(before.denominator, 0u);

  job_status during, during_unique;
  std::string seen_handle, seen_function, seen_unique, seen_workload;
  ASSERT_EQ(w_.add_function("life_fn", 0,
                            [&](job& j) {
                              seen_handle = j.handle();
                              seen_function = j.function();
                              seen_unique = j.unique();
                              seen_workload = j.workload();
                              EXPECT_EQ(j.send_status(3, 7), return_code::success);
                              EXPECT_EQ(c_.get_job_status(handle, during), return_code::success)
                                  << c_.error();
                              EXPECT_EQ(c_.get_unique_status("life-u1", during_unique), return_code::success)
                                  << c_.error();
                              return j.send_complete("done");
                            }),
            return_code::success);
  ASSERT_EQ(w_.work(), return_code::success) << w_.error();
  EXPECT_EQ(seen_handle, handle);
  EXPECT_EQ(seen_function, "life_fn");
  EXPECT_EQ(seen_unique, "life-u1") << "GRAB_JOB_ALL delivers the unique";
  EXPECT_EQ(seen_workload, workload) << "byte-exact, embedded NUL kept";
  EXPECT_TRUE(during.known);
  EXPECT_TRUE(during.running);
  EXPECT_EQ(during.numerator, 3u);
  EXPECT_EQ(during.denominator, 7u);
  EXPECT_TRUE(during_unique.known);
  EXPECT_TRUE(during_unique.running);
  EXPECT_EQ(during_unique.numerator, 3u);
  EXPECT_EQ(during_unique.denominator, 7u);
  EXPECT_EQ(during_unique.client_count, 0u) << "background: no client waits";

  // WORK_COMPLETE and the next GET_STATUS travel on two connections: the
  // server may read the status request first, so poll (bounded).
  job_status after, after_unique;
  for (int attempt = 0; attempt < 200; ++attempt) {
    ASSERT_EQ(c_.get_job_status(handle, after), return_code::success);
    if (!after.known) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(after.known);
  EXPECT_FALSE(after.running);
  ASSERT_EQ(c_.get_unique_status("life-u1", after_unique), return_code::success);
  EXPECT_FALSE(after_unique.known);
}

TEST_P(WorkerLife, UnknownHandleAndUniqueAreNotKnown) {
  job_status s;
  ASSERT_EQ(c_.get_job_status("H:nowhere:999999", s), return_code::success);
  EXPECT_FALSE(s.known);
  EXPECT_FALSE(s.running);
  ASSERT_EQ(c_.get_unique_status("never-submitted", s), return_code::success);
  EXPECT_FALSE(s.known);
  EXPECT_EQ(c_.get_job_status(std::string(64, 'h'), s), return_code::invalid_argument);
  EXPECT_EQ(c_.get_unique_status(std::string(65, 'u'), s), return_code::invalid_argument);
  EXPECT_EQ(c_.get_unique_status("", s), return_code::invalid_argument);
}

TEST_P(WorkerLife, JobsComeByPriorityThenInSubmitOrder) {
  std::string h;
  ASSERT_EQ(c_.do_background({"prio_w", "l1", "l1", priority::low}, h), return_code::success);
  ASSERT_EQ(c_.do_background({"prio_w", "n1", "n1", priority::normal}, h), return_code::success);
  ASSERT_EQ(c_.do_background({"prio_w", "h1", "h1", priority::high}, h), return_code::success);
  ASSERT_EQ(c_.do_background({"prio_w", "n2", "n2", priority::normal}, h), return_code::success);
  ASSERT_EQ(c_.do_background({"prio_w", "h2", "h2", priority::high}, h), return_code::success);
  std::vector<std::string> order;
  w_.add_function("prio_w", 0, [&](job& j) {
    order.emplace_back(j.workload());
    return return_code::success;  // unanswered SUCCESS: WORK_COMPLETE with no data
  });
  for (int i = 0; i < 5; ++i) ASSERT_EQ(w_.work(), return_code::success) << w_.error();
  EXPECT_EQ(order, (std::vector<std::string>{"h1", "h2", "n1", "n2", "l1"}));
}

TEST_P(WorkerLife, NoJobSleepsUntilTheServerWakesTheSameConnection) {
  int runs = 0;
  w_.add_function("sleepy", 0, [&](job&) {
    ++runs;
    return return_code::success;
  });
  w_.set_timeout(300);
  EXPECT_EQ(w_.work(), return_code::timeout);
  const worker_counters first = w_.protocol_session().counters();
  EXPECT_EQ(first.grabs_sent, 1u);
  EXPECT_EQ(first.no_jobs, 1u);
  EXPECT_EQ(first.pre_sleeps_sent, 1u);
  EXPECT_EQ(w_.protocol_session().state(), worker_state::sleeping);
  std::string h;
  ASSERT_EQ(c_.do_background({"sleepy", "wake-1", "x"}, h), return_code::success);
  w_.set_timeout(test_timeout_ms);
  ASSERT_EQ(w_.work(), return_code::success) << w_.error();
  EXPECT_EQ(runs, 1);
  const worker_counters second = w_.protocol_session().counters();
  EXPECT_EQ(second.wakeups, 1u) << "the NOOP came on the sleeping connection";
  EXPECT_EQ(second.grabs_sent, 2u) << "one grab after the NOOP, no polling";
}

TEST_P(WorkerLife, ForegroundClientReceivesDataStatusAndResult) {
  w_.add_function("fg_fn", 0, [&](job& j) {
    EXPECT_EQ(j.send_data("part1"), return_code::success);
    EXPECT_EQ(j.send_status(1, 2), return_code::success);
    EXPECT_EQ(j.send_warning("careful"), return_code::success);
    std::string reversed{j.workload().rbegin(), j.workload().rend()};
    return j.send_complete(reversed);
  });
  auto result = std::async(std::launch::async, [&] {
    std::string out;
    const return_code rc = c_.do_foreground({"fg_fn", "fg-1", "abc"}, out);
    return std::make_pair(rc, out);
  });
  ASSERT_EQ(w_.work(), return_code::success) << w_.error();
  const auto [rc, out] = result.get();
  EXPECT_EQ(rc, return_code::success) << c_.error();
  EXPECT_EQ(out, "cba");
}

TEST_P(WorkerLife, FailedJobReachesTheForegroundClient) {
  w_.add_function("fail_fn", 0, [](job&) { return return_code::work_fail; });
  auto result = std::async(std::launch::async, [&] {
    std::string out;
    return c_.do_foreground({"fail_fn", "fail-1", "x"}, out);
  });
  EXPECT_EQ(w_.work(), return_code::work_fail);
  EXPECT_EQ(result.get(), return_code::work_fail);
}

TEST_P(WorkerLife, RetriedJobGoesBackToTheQueue) {
  std::string h;
  ASSERT_EQ(c_.do_background({"retry_fn", "retry-1", "x"}, h), return_code::success);
  int runs = 0;
  w_.add_function("retry_fn", 0,
                  [&](job&) { return ++runs == 1 ? return_code::work_error : return_code::success; });
  ASSERT_EQ(w_.work(), return_code::success);
  ASSERT_EQ(w_.work(), return_code::success) << w_.error();
  EXPECT_EQ(runs, 2) << "the job was handed out again after the connection closed";
}

INSTANTIATE_TEST_SUITE_P(Servers, WorkerLife, ::testing::Values(server_kind::gearmock, server_kind::gearmand),
                         [](const auto& row) {
                           return row.param == server_kind::gearmock ? "gearmock" : "gearmand";
                         });

TEST(WorkerCodes, NoServersNoFunctionsRefusedConnection) {
  worker w;
  w.set_timeout(1000);
  EXPECT_EQ(w.work(), return_code::no_servers);
  w.add_server("127.0.0.1", test::free_loopback_port());
  EXPECT_EQ(w.work(), return_code::no_registered_functions);
  EXPECT_EQ(w.add_function("", 0, [](job&) { return return_code::success; }), return_code::invalid_argument);
  EXPECT_EQ(w.add_function("f", 0, nullptr), return_code::invalid_argument);
  ASSERT_EQ(w.add_function("f", 0, [](job&) { return return_code::success; }), return_code::success);
  EXPECT_TRUE(w.function_exists("f"));
  EXPECT_EQ(w.work(), return_code::could_not_connect);
  EXPECT_FALSE(w.error().empty());
  EXPECT_EQ(w.remove_function("g"), return_code::no_registered_function);
  EXPECT_EQ(w.remove_function("f"), return_code::success);
  EXPECT_FALSE(w.function_exists("f"));
}

TEST(WorkerCodes, LostConnectionWhileSleeping) {
  auto mock = std::make_unique<mock::server>(mock::options{});
  mock->start();
  worker w;
  w.add_server("127.0.0.1", mock->port());
  w.add_function("f", 0, [](job&) { return return_code::success; });
  w.set_timeout(300);
  EXPECT_EQ(w.work(), return_code::timeout);
  std::thread stopper{[&] { mock->stop(); }};
  w.set_timeout(test_timeout_ms);
  const return_code rc = w.work();
  stopper.join();
  EXPECT_EQ(rc, return_code::lost_connection) << w.error();
}

// Faults over loopback TCP from a scripted server: after the worker's CAN_DO
// and GRAB_JOB_ALL (2 packets), these bytes. work() returns the code within
// its timeout, never hangs, never reports a job.
struct fault_row {
  const char* name;
  std::string bytes;
  bool close_after;
  return_code expected;
};

std::string response(proto::command cmd, std::initializer_list<std::string_view> args,
                     std::string_view data = {}) {
  return proto::encode(proto::magic::response, cmd, args, data);
}

class WorkerFault : public ::testing::TestWithParam<fault_row> {};

TEST_P(WorkerFault, WorkReturnsTheCode) {
  const fault_row& row = GetParam();
  test::scripted_peer peer{test::peer_script{2, {{row.bytes, 0}}, row.close_after}};
  worker w;
  w.add_server("127.0.0.1", peer.port());
  w.set_timeout(1000);
  int runs = 0;
  w.add_function("fn", 0, [&](job&) {
    ++runs;
    return return_code::success;
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(w.work(), row.expected) << row.name << ": " << w.error();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(runs, 0);
  EXPECT_FALSE(w.error().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Rows, WorkerFault,
    ::testing::Values(
        fault_row{"close", "", true, return_code::lost_connection},
        fault_row{"close mid-assign",
                  response(proto::command::job_assign_uniq, {"H:1", "fn", "u"}, "w").substr(0, 15), true,
                  return_code::lost_connection},
        fault_row{"silence", "", false, return_code::timeout},
        fault_row{"server error", response(proto::command::error, {"ERR_X", "no"}), false,
                  return_code::server_error},
        fault_row{"request magic", proto::encode(proto::magic::request, proto::command::noop, {}), false,
                  return_code::invalid_magic},
        fault_row{"text line", "ERR UNKNOWN_COMMAND x\r\n", false, return_code::invalid_packet},
        fault_row{"job created", response(proto::command::job_created, {"H:1"}), false,
                  return_code::unexpected_packet},
        fault_row{"unknown function", response(proto::command::job_assign_uniq, {"H:1", "zz", "u"}, "w"),
                  false, return_code::invalid_function_name}),
    [](const auto& row) {
      std::string n = row.param.name;
      for (char& c : n)
        if (c == ' ' || c == '-') c = '_';
      return n;
    });

}  // namespace
}  // namespace gearspec::client
