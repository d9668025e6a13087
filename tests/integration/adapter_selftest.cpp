// Self-test of each real-library adapter (scripts/adapters, ADAPTER.md
// protocol) against the real gearmand: hello, background submits at every
// priority, an over-limit unique, an unreachable server, clean exit. The ops
// work and status have their own files (adapter_work_selftest.cpp,
// adapter_status_selftest.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "adapter_fixture.hpp"
#include "gearspec/conformance/case.hpp"

namespace {

using gearspec::conformance::clock;
using io_status = gearspec::conformance::adapter_process::io_status;
using nlohmann::json;
using namespace std::chrono_literals;

json job(const std::string& function, const json& unique, const std::string& priority) {
  json j = {
      {"function", function}, {"workload_b64", "cGF5bG9hZA=="}, {"priority", priority}, {"background", true}};
  if (!unique.is_null()) j["unique"] = unique;
  return j;
}

class AdapterSelfTest : public gearspec::test::adapter_test {};

using gearspec::test::priority_row;
using gearspec::test::status_row;

TEST_P(AdapterSelfTest, HelloNamesTheLibraryAndListsOnlyKnownFeatures) {
  const auto& list = gearspec::conformance::known_features();
  const std::set<std::string> known(list.begin(), list.end());
  ASSERT_TRUE(hello_.contains("name") && hello_["name"].is_string()) << hello_.dump();
  EXPECT_FALSE(hello_["name"].get<std::string>().empty());
  ASSERT_TRUE(hello_.contains("version") && hello_["version"].is_string()) << hello_.dump();
  EXPECT_FALSE(hello_["version"].get<std::string>().empty());
  ASSERT_TRUE(hello_.contains("features") && hello_["features"].is_array()) << hello_.dump();
  for (const auto& f : hello_["features"])
    EXPECT_TRUE(f.is_string() && known.count(f.get<std::string>())) << f;
  EXPECT_TRUE(has_feature("background") && has_feature("high") && has_feature("low")) << hello_.dump();
}

// The ops a library has no call for are facts about the library, not a part
// to install: the work and status suites are not instantiated for them (a
// skip would fail strict mode, which is for missing parts). This keeps that
// record true to what the adapter's hello says.
TEST_P(AdapterSelfTest, HelloListsTheWorkerAndStatusOpsOfItsLibraryAndNoOther) {
  for (const std::string op : {"work", "status", "status_unique"}) {
    const auto lacking = GetParam().lacks.find(op);
    if (lacking == GetParam().lacks.end()) {
      EXPECT_TRUE(has_feature(op)) << "hello does not list " << op << ": " << hello_.dump();
    } else {
      EXPECT_FALSE(has_feature(op)) << "hello lists " << op << ", recorded as missing (" << lacking->second
                                    << "): update adapter_fixture.cpp";
      std::cout << GetParam().name << " has no op " << op << " (" << lacking->second << "): its " << op
                << " self-test is not run\n";
    }
  }
}

TEST_P(AdapterSelfTest, ThreeBackgroundJobsAtEachPriorityAreCreatedAndQueued) {
  const std::string fn = function_name("prio");
  const std::vector<std::string> priorities = {"normal", "high", "low"};
  json jobs = json::array();
  for (const auto& p : priorities) jobs.push_back(job(fn, "u-" + p, p));
  const json answer = submit(1, port(), jobs);
  ASSERT_TRUE(answer.contains("results") && answer["results"].is_array()) << answer.dump();
  ASSERT_EQ(answer["results"].size(), 3u) << answer.dump();
  std::set<std::string> handles;
  const std::string& created_job_class = GetParam().created_job_class;
  for (std::size_t i = 0; i < 3; ++i) {
    const json& r = answer["results"][i];
    if (!created_job_class.empty()) {  // gearmand queues the job, the library cannot say so
      EXPECT_EQ(r.value("ok", true), false) << r.dump();
      EXPECT_EQ(r.value("error_class", ""), created_job_class) << r.dump();
      continue;
    }
    ASSERT_EQ(r.value("ok", false), true) << r.dump() << "\nstderr:\n" << adapter_->stderr_text();
    const std::string handle = r.value("handle", "");
    EXPECT_EQ(handle.rfind("H:", 0), 0u) << "gearmand handles start with H: " << r.dump();
    handles.insert(handle);
    if (has_feature("unique_readback")) {
      EXPECT_EQ(r.value("unique", ""), "u-" + priorities[i]) << r.dump();
    }
  }
  if (created_job_class.empty()) {
    EXPECT_EQ(handles.size(), 3u) << "three distinct jobs: " << answer.dump();
  }

  const auto status = status_row(port(), fn);
  ASSERT_TRUE(status.has_value()) << "function " << fn << " missing from admin status";
  EXPECT_EQ(status->total, 3u);
  EXPECT_EQ(status->running, 0u);
  const auto by_priority = priority_row(port(), fn);
  ASSERT_TRUE(by_priority.has_value());
  EXPECT_EQ(by_priority->high, 1u);
  EXPECT_EQ(by_priority->normal, 1u);
  EXPECT_EQ(by_priority->low, 1u);
}

TEST_P(AdapterSelfTest, OverLimitUniqueFailsWithTheLibrarysErrorClassAndNothingIsQueued) {
  const std::string fn = function_name("long_unique");
  const json answer = submit(2, port(), json::array({job(fn, std::string(65, 'x'), "normal")}));
  ASSERT_TRUE(answer.contains("results") && answer["results"].size() == 1) << answer.dump();
  const json& r = answer["results"][0];
  EXPECT_EQ(r.value("ok", true), false) << r.dump();
  const std::string error_class = r.value("error_class", "");
  EXPECT_TRUE(GetParam().over_limit_classes.count(error_class)) << r.dump();
  if (error_class == "server_error" && r.contains("server_code")) {
    EXPECT_EQ(r["server_code"], "ARGUMENT_TOO_LARGE") << r.dump();
  }
  const auto status = status_row(port(), fn);
  EXPECT_TRUE(!status || status->total == 0) << "a rejected job must not be queued";
}

TEST_P(AdapterSelfTest, UnreachableServerFailsWithTheLibrarysErrorClass) {
  const std::uint16_t closed = gearspec::test::free_loopback_port();  // nothing listens there
  const json answer = submit(3, closed, json::array({job(function_name("unreachable"), "u-1", "normal")}));
  ASSERT_TRUE(answer.contains("results") && answer["results"].size() == 1) << answer.dump();
  const json& r = answer["results"][0];
  EXPECT_EQ(r.value("ok", true), false) << r.dump();
  EXPECT_TRUE(GetParam().unreachable_classes.count(r.value("error_class", ""))) << r.dump();
  EXPECT_TRUE(r.contains("error") && r.contains("message")) << r.dump();
}

TEST_P(AdapterSelfTest, AnswersInOrderAndWritesNothingElseToStdout) {
  const json again = call({{"id", 7}, {"op", "hello"}});
  EXPECT_EQ(again.value("name", ""), hello_.value("name", ""));
  adapter_->close_stdin();
  std::string extra;
  EXPECT_EQ(adapter_->read_line(extra, clock::now() + 10s), io_status::eof)
      << "stdout must hold protocol answers only, got: " << extra;
}

INSTANTIATE_TEST_SUITE_P(RealLibraries, AdapterSelfTest, ::testing::ValuesIn(gearspec::test::all_adapters()),
                         gearspec::test::adapter_test_name);

}  // namespace
