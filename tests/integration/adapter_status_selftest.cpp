// Self-test of each real-library adapter's op `status` (by handle) and, where
// the library has it, `status_unique` against the real gearmand: a background
// job no worker takes is known, not running, 0 of 0; a handle or unique
// gearmand never gave is not known (a success, not an error).
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "adapter_fixture.hpp"
#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/protocol/command.hpp"

namespace {

using nlohmann::json;

class AdapterStatusSelfTest : public gearspec::test::adapter_test {
 protected:
  // Queues a background job of `fn` that no worker takes; returns its handle.
  std::string queue_job(const std::string& fn, const std::string& unique) {
    return gearspec::test::submit_raw(port(), gearspec::proto::command::submit_job_bg, fn, unique, "w")
        .handle;
  }

  // One `status` request by `key` ("handle" or "unique").
  json poll(int id, const std::string& key, const std::string& bytes) {
    json request = {{"id", id},
                    {"op", "status"},
                    {"server", "127.0.0.1:" + std::to_string(port())},
                    {"timeout_ms", 5000}};
    gearspec::conformance::put_bytes_field(request, key, bytes);
    return call(request);
  }

  void expect_status(const json& answer, bool known) {
    ASSERT_EQ(answer.value("ok", false), true) << answer.dump() << "\nstderr:\n" << stderr_text();
    EXPECT_EQ(answer.value("known", !known), known) << answer.dump();
    EXPECT_EQ(answer.value("running", true), false) << answer.dump();
    EXPECT_EQ(answer.value("numerator", json()), 0) << answer.dump();
    if (GetParam().status_denominator_wrong.empty()) {
      EXPECT_EQ(answer.value("denominator", json()), 0) << answer.dump();
    } else {
      std::cout << "denominator not checked: " << GetParam().status_denominator_wrong << ": " << answer.dump()
                << "\n";
    }
    // gearmand counts the clients waiting for the job: none for a background job.
    if (answer.contains("client_count")) {
      EXPECT_EQ(answer["client_count"], 0) << answer.dump();
    }
  }
};

// Same checks, instantiated only for the libraries that poll by unique.
class AdapterStatusUniqueSelfTest : public AdapterStatusSelfTest {};

TEST_P(AdapterStatusSelfTest, AQueuedJobByHandleIsKnownNotRunningZeroOfZero) {
  const std::string handle = queue_job(function_name("status"), "u-status");
  expect_status(poll(1, "handle", handle), true);
}

TEST_P(AdapterStatusSelfTest, AHandleGearmandNeverGaveIsNotKnown) {
  expect_status(poll(1, "handle", "H:selftest.invalid:4294967295"), false);
}

TEST_P(AdapterStatusUniqueSelfTest, AQueuedJobByUniqueIsKnownNotRunningZeroOfZero) {
  const std::string unique = "u-status-unique-" + GetParam().name;
  queue_job(function_name("status_unique"), unique);
  expect_status(poll(1, "unique", unique), true);
}

TEST_P(AdapterStatusUniqueSelfTest, AUniqueGearmandNeverSawIsNotKnown) {
  expect_status(poll(1, "unique", "u-never-submitted"), false);
}

INSTANTIATE_TEST_SUITE_P(RealLibraries, AdapterStatusSelfTest,
                         ::testing::ValuesIn(gearspec::test::adapters_with("status")),
                         gearspec::test::adapter_test_name);
INSTANTIATE_TEST_SUITE_P(RealLibraries, AdapterStatusUniqueSelfTest,
                         ::testing::ValuesIn(gearspec::test::adapters_with("status_unique")),
                         gearspec::test::adapter_test_name);

}  // namespace
