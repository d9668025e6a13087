// What the real-library adapter self-tests share: the adapter list with what
// each library is known to report differently, a fixture that runs one adapter
// process per test against one real gearmand per suite, and the raw loopback
// submits and admin queries that check what reached the server.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "gearspec/conformance/adapter_process.hpp"
#include "gearspec/protocol/admin.hpp"
#include "gearspec/protocol/packet.hpp"
#include "gearspec/test/loopback_client.hpp"
#include "gearspec/test/real_gearmand.hpp"

namespace gearspec::test {

/// What the work self-test completes its job with: a NUL and a byte that is
/// not UTF-8, so the result must travel as bytes.
inline const std::string work_result("done\0\xff", 6);

struct adapter_spec {
  std::string name;                           // test-name suffix
  std::vector<std::string> argv;              // command line
  std::string runtime_check;                  // shell command that succeeds when the runtime is installed
  std::string runtime_missing;                // skip message when it does not
  std::set<std::string> over_limit_classes;   // what the library reports for a 65-byte unique
  std::set<std::string> unreachable_classes;  // what the library can report for a refused connection
  // Empty when the library reports each JOB_CREATED handle; otherwise the
  // error class the adapter reports for a job gearmand did queue, because the
  // library never tells its caller that a background job was created.
  std::string created_job_class = {};
  // Ops of the adapter protocol (work, status, status_unique) the library has
  // no call for, each with why: its hello must not list them, and the suites
  // of those ops are not instantiated for it (nothing to install changes it).
  std::map<std::string, std::string> lacks = {};
  // Non-empty when the library's worker never hands its function the job's
  // unique (it grabs with GRAB_JOB): why.
  std::string no_work_unique = {};
  // Non-empty when WORK_COMPLETE does not carry the result's bytes as given:
  // why, and the bytes the library sends for work_result instead.
  std::string complete_altered = {};
  std::string complete_sent = {};
  // Non-empty when a status answer's denominator is not the server's: why.
  std::string status_denominator_wrong = {};
};

// gtest prints parameters in failure messages; a name is enough.
void PrintTo(const adapter_spec& spec, std::ostream* os);

std::vector<adapter_spec> all_adapters();
/// The adapters whose library has `op` (see adapter_spec::lacks).
std::vector<adapter_spec> adapters_with(const std::string& op);
std::string adapter_test_name(const ::testing::TestParamInfo<adapter_spec>& info);

/// One adapter process per test, one real gearmand per suite.
class adapter_test : public ::testing::TestWithParam<adapter_spec> {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  /// Sends one request and returns its answer (checked to carry the same id).
  nlohmann::json call(const nlohmann::json& request);
  nlohmann::json submit(int id, std::uint16_t port, const nlohmann::json& jobs);
  bool has_feature(const std::string& feature) const;
  std::string function_name(const std::string& what) const;
  std::string stderr_text() const;
  static std::uint16_t port();

  std::unique_ptr<conformance::adapter_process> adapter_;
  nlohmann::json hello_;

 private:
  static std::unique_ptr<real_gearmand> server_;
};

std::optional<proto::admin::priority_status_row> priority_row(std::uint16_t port, const std::string& fn);
std::optional<proto::admin::status_row> status_row(std::uint16_t port, const std::string& fn);

/// A connection that submitted one job to gearmand over the wire and read its
/// JOB_CREATED; kept open so a foreground job's WORK_* reach it.
struct raw_submit {
  loopback_client connection;
  std::string handle;
};
/// Throws std::runtime_error when the answer is not JOB_CREATED within 5 s.
raw_submit submit_raw(std::uint16_t port, proto::command submit, const std::string& function,
                      const std::string& unique, const std::string& workload);
/// The next whole packet on `c`, or nullopt on close, timeout or bytes that do not decode.
std::optional<proto::packet> read_packet(loopback_client& c, int timeout_ms);

/// A JSON `*_b64` field decoded (nullopt when absent or not base64).
std::optional<std::string> b64_field(const nlohmann::json& object, const std::string& name);

}  // namespace gearspec::test
