// The reference client against gearmock, embedded in-process: queue mode
// (each priority, coalescing, status, echo) and the shipped fault scenarios
// (mock_server/scenarios), each with the outcome SEMANTICS.md 5 requires.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gearspec/client/client.hpp"
#include "gearspec/mock/server.hpp"

namespace gearspec::client {
namespace {

constexpr int test_timeout_ms = 3000;

std::unique_ptr<mock::server> start_mock(const std::string& scenario_name = {}) {
  mock::options o;
  if (!scenario_name.empty())
    o.script =
        mock::load_scenario_file(std::string{GEARSPEC_MOCK_SCENARIO_DIR} + "/" + scenario_name + ".yaml");
  auto s = std::make_unique<mock::server>(o);
  s->start();
  return s;
}

TEST(Gearmock, QueueModeEachPriorityCoalescingStatusAndEcho) {
  auto mock = start_mock();
  client c;
  c.add_server("127.0.0.1", mock->port());
  c.set_timeout(test_timeout_ms);
  task n, h, l, same;
  ASSERT_EQ(c.add_task(n, {"fn", "n", "1", priority::normal}), return_code::success);
  ASSERT_EQ(c.add_task(h, {"fn", "h", "2", priority::high}), return_code::success);
  ASSERT_EQ(c.add_task(l, {"fn", "l", "3", priority::low}), return_code::success);
  ASSERT_EQ(c.add_task(same, {"fn", "n", "other", priority::low}), return_code::success);
  ASSERT_EQ(c.run_tasks(), return_code::success) << c.error();
  EXPECT_NE(n.handle(), h.handle());
  EXPECT_NE(h.handle(), l.handle());
  EXPECT_EQ(same.handle(), n.handle()) << "same (function, unique) coalesces";
  job_status status;
  ASSERT_EQ(c.get_job_status(n.handle(), status), return_code::success);
  EXPECT_TRUE(status.known);
  EXPECT_EQ(c.echo("ping"), return_code::success);
  EXPECT_EQ(mock->job_count(), 3u);
}

struct scenario_row {
  const char* name;
  std::size_t jobs;
  int timeout_ms;
  return_code run;                    // what run_tasks returns
  std::vector<return_code> per_task;  // each task's result
};

class GearmockScenario : public ::testing::TestWithParam<scenario_row> {};

TEST_P(GearmockScenario, OutcomeIsTheRequiredOne) {
  const scenario_row& row = GetParam();
  auto mock = start_mock(row.name);
  client c;
  c.add_server("127.0.0.1", mock->port());
  c.set_timeout(row.timeout_ms);
  std::vector<task> tasks(row.jobs);
  for (std::size_t i = 0; i < row.jobs; ++i)
    ASSERT_EQ(c.add_task(tasks[i], {"fn", "u-" + std::to_string(i), "w"}), return_code::success);
  EXPECT_EQ(c.run_tasks(), row.run) << c.error();
  for (std::size_t i = 0; i < row.jobs; ++i) EXPECT_EQ(tasks[i].result(), row.per_task[i]) << "task " << i;
  for (const task& t : tasks) {
    if (t.result() == return_code::success) {
      EXPECT_FALSE(t.handle().empty());
    }
  }
}

using rc = return_code;
INSTANTIATE_TEST_SUITE_P(
    Faults, GearmockScenario,
    ::testing::Values(
        scenario_row{"close", 1, test_timeout_ms, rc::lost_connection, {rc::lost_connection}},
        scenario_row{"reset", 1, test_timeout_ms, rc::lost_connection, {rc::lost_connection}},
        scenario_row{"half-close", 1, test_timeout_ms, rc::lost_connection, {rc::lost_connection}},
        scenario_row{"close-after-bytes", 1, test_timeout_ms, rc::lost_connection, {rc::lost_connection}},
        scenario_row{"wrong-magic", 1, test_timeout_ms, rc::invalid_magic, {rc::invalid_magic}},
        scenario_row{"unknown-command", 1, test_timeout_ms, rc::invalid_command, {rc::invalid_command}},
        scenario_row{"oversize-header", 1, test_timeout_ms, rc::invalid_packet, {rc::invalid_packet}},
        scenario_row{"admin-text", 1, test_timeout_ms, rc::invalid_packet, {rc::invalid_packet}},
        scenario_row{"junk-bytes", 1, test_timeout_ms, rc::invalid_packet, {rc::invalid_packet}},
        scenario_row{"black-hole", 1, 300, rc::timeout, {rc::timeout}},
        scenario_row{"drip", 1, test_timeout_ms, rc::success, {rc::success}},
        scenario_row{"split-at-offset", 1, test_timeout_ms, rc::success, {rc::success}},
        scenario_row{"coalesce", 3, test_timeout_ms, rc::success, {rc::success, rc::success, rc::success}},
        scenario_row{"error-on-submit-2",
                     3,
                     test_timeout_ms,
                     rc::queue_error,
                     {rc::success, rc::queue_error, rc::success}}),
    [](const auto& info_row) {
      std::string name = info_row.param.name;
      for (char& ch : name)
        if (ch == '-') ch = '_';
      return name;
    });

}  // namespace
}  // namespace gearspec::client
