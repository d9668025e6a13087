// Self-test of each real-library adapter's op `work` against the real
// gearmand: the library's worker takes a job queued over the wire and
// completes it; the job leaves gearmand's queue, the adapter reports the job
// gearmand assigned, and (for a foreground job) the bytes the worker library
// sent reach the submitting client in the WORK_COMPLETE gearmand relays.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "adapter_fixture.hpp"
#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/protocol/command.hpp"

namespace {

using gearspec::test::b64_field;
using gearspec::test::status_row;
using nlohmann::json;
using command = gearspec::proto::command;

using gearspec::test::work_result;

const std::string workload("work\0load", 9);

class AdapterWorkSelfTest : public gearspec::test::adapter_test {
 protected:
  // One `work` request: take one job of `fn` and complete it with work_result.
  json work(const std::string& fn) {
    json complete = {{"do", "complete"}};
    gearspec::conformance::put_bytes_field(complete, "data", work_result);
    json function = {{"actions", json::array({complete})}};
    gearspec::conformance::put_bytes_field(function, "name", fn);
    return call({{"id", 1},
                 {"op", "work"},
                 {"server", "127.0.0.1:" + std::to_string(port())},
                 {"timeout_ms", 8000},
                 {"max_jobs", 1},
                 {"functions", json::array({function})}});
  }

  // The answer reports one job done, with what gearmand assigned.
  void expect_one_job(const json& answer, const std::string& handle, const std::string& fn,
                      const std::string& unique) {
    ASSERT_EQ(answer.value("result", json::object()).value("ok", false), true)
        << answer.dump() << "\nstderr:\n"
        << stderr_text();
    ASSERT_TRUE(answer.contains("jobs") && answer["jobs"].is_array() && answer["jobs"].size() == 1)
        << answer.dump();
    const json& job = answer["jobs"][0];
    EXPECT_EQ(b64_field(job, "handle"), handle) << job.dump();
    EXPECT_EQ(b64_field(job, "function"), fn) << job.dump();
    EXPECT_EQ(b64_field(job, "workload"), workload) << job.dump();
    if (GetParam().no_work_unique.empty()) {
      EXPECT_EQ(b64_field(job, "unique"), unique) << job.dump();
    } else {  // an absent or empty unique is all such a worker can report
      EXPECT_EQ(b64_field(job, "unique").value_or(""), "") << GetParam().no_work_unique << ": " << job.dump();
    }
    EXPECT_EQ(job.value("steps", json()), json::array({{{"ok", true}}})) << job.dump();
  }

  // Once the worker completed the job, gearmand holds nothing of it.
  void expect_left_the_queue(const std::string& fn) {
    // The completion arrived on the worker's connection, the query comes on
    // another one: give gearmand a bounded moment to have read it.
    auto row = status_row(port(), fn);
    for (int i = 0; i < 40 && row && row->total != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      row = status_row(port(), fn);
    }
    ASSERT_TRUE(row.has_value()) << fn << " missing from admin status";
    EXPECT_EQ(row->total, 0u) << "the completed job is still queued";
    EXPECT_EQ(row->running, 0u);
  }
};

TEST_P(AdapterWorkSelfTest, CompletesAQueuedBackgroundJobThatThenLeavesTheQueue) {
  const std::string fn = function_name("work_bg");
  {
    const auto submitted = gearspec::test::submit_raw(port(), command::submit_job_bg, fn, "u-bg", workload);
    const auto queued = status_row(port(), fn);
    ASSERT_TRUE(queued.has_value() && queued->total == 1) << "the background job is not queued";
    const json answer = work(fn);
    expect_one_job(answer, submitted.handle, fn, "u-bg");
  }
  expect_left_the_queue(fn);
}

TEST_P(AdapterWorkSelfTest, TheResultItsWorkerSendsReachesTheForegroundClientByteExact) {
  const std::string fn = function_name("work_fg");
  auto submitted = gearspec::test::submit_raw(port(), command::submit_job, fn, "u-fg", workload);
  const json answer = work(fn);
  expect_one_job(answer, submitted.handle, fn, "u-fg");

  // gearmand relays what the worker sent; nothing else was asked of it.
  const auto relayed = gearspec::test::read_packet(submitted.connection, 5000);
  ASSERT_TRUE(relayed.has_value()) << "no whole packet relayed to the client within 5 s";
  ASSERT_EQ(relayed->cmd, command::work_complete) << gearspec::proto::to_string(*relayed);
  ASSERT_EQ(relayed->args.size(), 1u) << gearspec::proto::to_string(*relayed);
  EXPECT_EQ(relayed->args[0], submitted.handle);
  if (GetParam().complete_altered.empty()) {
    EXPECT_EQ(relayed->data, work_result) << gearspec::proto::to_string(*relayed);
  } else {
    EXPECT_EQ(relayed->data, GetParam().complete_sent)
        << GetParam().complete_altered << ": " << gearspec::proto::to_string(*relayed);
  }
  expect_left_the_queue(fn);
}

INSTANTIATE_TEST_SUITE_P(RealLibraries, AdapterWorkSelfTest,
                         ::testing::ValuesIn(gearspec::test::adapters_with("work")),
                         gearspec::test::adapter_test_name);

}  // namespace
