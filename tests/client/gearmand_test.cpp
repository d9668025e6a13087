// Integration against the real gearmand 1.1.20 (started on a free loopback
// port): submit at each priority, coalescing on unique, job status, echo.
// Skipped when gearmand is not installed.
#include <gtest/gtest.h>

#include <string>

#include "gearspec/client/client.hpp"
#include "gearspec/test/real_gearmand.hpp"
#include "gearspec/util/decimal.hpp"

namespace gearspec::client {
namespace {

constexpr int test_timeout_ms = 5000;

class Gearmand : public ::testing::Test {
 protected:
  void SetUp() override {
    GEARSPEC_REQUIRE_GEARMAND();
    server_ = std::make_unique<test::real_gearmand>();
    ASSERT_EQ(c_.add_server("127.0.0.1", server_->port()), return_code::success);
    c_.set_timeout(test_timeout_ms);
  }

  std::unique_ptr<test::real_gearmand> server_;
  client c_;
};

TEST_F(Gearmand, EachPriorityIsCreatedAndQueued) {
  task n, h, l;
  ASSERT_EQ(c_.add_task(n, {"prio_fn", "n", "1", priority::normal}), return_code::success);
  ASSERT_EQ(c_.add_task(h, {"prio_fn", "h", "2", priority::high}), return_code::success);
  ASSERT_EQ(c_.add_task(l, {"prio_fn", "l", "3", priority::low}), return_code::success);
  ASSERT_EQ(c_.run_tasks(), return_code::success) << c_.error();
  for (task* t : {&n, &h, &l}) {
    EXPECT_EQ(t->result(), return_code::success);
    EXPECT_TRUE(t->is_known());
    EXPECT_FALSE(t->is_running());
    EXPECT_EQ(t->handle().substr(0, 2), "H:");
  }
  EXPECT_NE(n.handle(), h.handle());
  EXPECT_NE(h.handle(), l.handle());
  for (task* t : {&n, &h, &l}) {
    job_status status;
    ASSERT_EQ(c_.get_job_status(t->handle(), status), return_code::success) << c_.error();
    EXPECT_TRUE(status.known);
    EXPECT_FALSE(status.running);
  }
}

TEST_F(Gearmand, SameUniqueCoalescesDifferentUniqueDoesNot) {
  std::string first, second, third;
  ASSERT_EQ(c_.do_background({"co_fn", "same", "a"}, first), return_code::success);
  ASSERT_EQ(c_.do_background({"co_fn", "same", "b", priority::high}, second), return_code::success);
  ASSERT_EQ(c_.do_background({"co_fn", "other", "a"}, third), return_code::success);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, third);
  std::string dash1, dash2, generated1, generated2;
  ASSERT_EQ(c_.do_background({"co_fn", "-", "payload"}, dash1), return_code::success);
  ASSERT_EQ(c_.do_background({"co_fn", "-", "payload"}, dash2), return_code::success);
  EXPECT_EQ(dash1, dash2) << "'-' coalesces by workload";
  ASSERT_EQ(c_.do_background({"co_fn", "", "payload"}, generated1), return_code::success);
  ASSERT_EQ(c_.do_background({"co_fn", "", "payload"}, generated2), return_code::success);
  EXPECT_NE(generated1, generated2) << "generated uniques never coalesce";
  std::string hash1, hash2;
  ASSERT_EQ(c_.do_background({"co_fn", "#", "hashed"}, hash1), return_code::success);
  ASSERT_EQ(c_.do_background({"co_fn", "#", "hashed"}, hash2), return_code::success);
  EXPECT_EQ(hash1, hash2) << "'#' coalesces equal workloads";
}

TEST_F(Gearmand, UnknownHandleStatusAndEcho) {
  job_status status;
  ASSERT_EQ(c_.get_job_status("H:nowhere:1", status), return_code::success);
  EXPECT_FALSE(status.known);
  EXPECT_FALSE(status.running);
  EXPECT_EQ(c_.echo(std::string("ping\0pong", 9)), return_code::success);
}

TEST_F(Gearmand, OverlongUniqueIsRejectedLocallyAndServerErrorIsMapped) {
  task too_long;
  EXPECT_EQ(c_.add_task(too_long, {"fn", std::string(65, 'u'), "w"}), return_code::invalid_argument);
  // 64 bytes go out intact; gearmand accepts them (it stores 63 bytes itself).
  std::string handle, unique;
  ASSERT_EQ(c_.do_background({"fn", std::string(64, 'u'), "w"}, handle, &unique), return_code::success);
  EXPECT_EQ(unique, std::string(64, 'u'));
}

TEST_F(Gearmand, BatchOfAThousandOnOneConnection) {
  std::vector<task> tasks(1000);
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    ASSERT_EQ(c_.add_task(tasks[i], {"batch_fn", "b-" + std::to_string(i), std::string(100, 'x')}),
              return_code::success);
  }
  ASSERT_EQ(c_.run_tasks(), return_code::success) << c_.error();
  for (const task& t : tasks) ASSERT_EQ(t.result(), return_code::success);
  // FIFO matching: gearmand numbers handles in arrival order.
  for (std::size_t i = 1; i < tasks.size(); ++i) {
    const auto number = [](std::string_view h) {
      return gearspec::util::decimal(h.substr(h.rfind(':') + 1)).value_or(0);
    };
    ASSERT_EQ(number(tasks[i].handle()), number(tasks[i - 1].handle()) + 1);
  }
}

}  // namespace
}  // namespace gearspec::client
