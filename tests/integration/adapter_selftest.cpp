// Self-test of each real-library adapter (scripts/adapters, ADAPTER.md
// protocol v1) against the real gearmand: hello, background submits at every
// priority, an over-limit unique, an unreachable server, clean exit.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "admin_query.hpp"
#include "gearspec/conformance/adapter_process.hpp"
#include "gearspec/conformance/case.hpp"
#include "gearspec/protocol/admin.hpp"
#include "gearspec/test/real_gearmand.hpp"

namespace {

using gearspec::conformance::adapter_process;
using io_status = adapter_process::io_status;
using gearspec::conformance::clock;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto answer_deadline = 20s;  // covers interpreter start-up on a loaded 2-core machine

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
};

// gtest prints parameters in failure messages; a name is enough.
void PrintTo(const adapter_spec& spec, std::ostream* os) { *os << spec.name; }

const std::string adapters_dir = GEARSPEC_ADAPTERS_DIR;

std::vector<adapter_spec> all_adapters() {
  const std::string node_dir = adapters_dir + "/node";
  return {
      {"libgearman",
       {GEARSPEC_LIBGEARMAN_ADAPTER},
       std::string("test -x '") + GEARSPEC_LIBGEARMAN_ADAPTER + "'",
       "gearspec-adapter-libgearman not built (libgearman-dev / pkg-config 'gearmand' missing or "
       "GEARSPEC_WITH_LIBGEARMAN=OFF)",
       {"invalid_argument"},
       {"could_not_connect"}},
      {"perl_gearman_client",
       {"perl", adapters_dir + "/perl/gearman-client-adapter.pl"},
       "perl -MGearman::Client -MJSON::PP -e 1",
       "Perl module Gearman::Client missing (Debian libgearman-client-perl)",
       {"server_error"},
       {"could_not_connect"}},
      {"php_gearman",
       {"php", adapters_dir + "/php/gearman-client-adapter.php"},
       "php -r 'exit(extension_loaded(\"gearman\") ? 0 : 1);'",
       "PHP extension gearman missing (Debian php-gearman)",
       {"invalid_argument"},
       {"could_not_connect"}},
      // abraxas retries refused connections silently, and its packet encoder
      // refuses a 65-byte unique on the connection, not the task: in both
      // cases only its timeout ends the wait (README.md).
      {"node_abraxas",
       {"node", node_dir + "/adapter.js", "abraxas"},
       "node -e 'require(\"" + node_dir + "/node_modules/abraxas\")'",
       "node or npm module abraxas missing (scripts/install-deps installs it)",
       {"timeout"},
       {"timeout"}},
      {"node_gearman",
       {"node", node_dir + "/adapter.js", "gearman"},
       "node -e 'require(\"" + node_dir + "/node_modules/gearman\")'",
       "node or npm module gearman missing (scripts/install-deps installs it)",
       {"server_error"},
       {"could_not_connect"}},
      {"node_gearmanode",
       {"node", node_dir + "/adapter.js", "gearmanode"},
       "node -e 'require(\"" + node_dir + "/node_modules/gearmanode\")'",
       "node or npm module gearmanode missing (scripts/install-deps installs it)",
       {"server_error"},
       {"could_not_connect"}},
      // node-gearman gives a background job no JOB_CREATED callback or event and
      // drops ERROR packets: only the job's own timeout ends it (README.md).
      {"node_node_gearman",
       {"node", node_dir + "/adapter.js", "node-gearman"},
       "node -e 'require(\"" + node_dir + "/node_modules/node-gearman\")'",
       "node or npm module node-gearman missing (scripts/install-deps installs it)",
       {"timeout"},
       {"could_not_connect"},
       "timeout"},
  };
}

bool runtime_present(const adapter_spec& spec) {
  return std::system((spec.runtime_check + " >/dev/null 2>&1").c_str()) == 0;
}

json job(const std::string& function, const json& unique, const std::string& priority) {
  json j = {
      {"function", function}, {"workload_b64", "cGF5bG9hZA=="}, {"priority", priority}, {"background", true}};
  if (!unique.is_null()) j["unique"] = unique;
  return j;
}

class AdapterSelfTest : public ::testing::TestWithParam<adapter_spec> {
 protected:
  static void SetUpTestSuite() {
    if (!gearspec::test::gearmand_path().empty()) server_ = std::make_unique<gearspec::test::real_gearmand>();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    GEARSPEC_REQUIRE_GEARMAND();
    if (!runtime_present(GetParam())) GTEST_SKIP() << GetParam().runtime_missing;
    adapter_ = std::make_unique<adapter_process>(GetParam().argv);
    hello_ = call({{"id", 0}, {"op", "hello"}});
  }

  void TearDown() override {
    if (!adapter_) return;
    adapter_->close_stdin();
    const bool ended = adapter_->wait_exit(clock::now() + 10s);
    if (!ended) adapter_->kill();
    EXPECT_TRUE(ended && adapter_->exit().exited && adapter_->exit().code == 0)
        << "adapter must exit 0 when stdin closes, " << (ended ? "got " : "still running after 10 s, ")
        << adapter_->exit().describe() << "; stderr:\n"
        << adapter_->stderr_text();
  }

  // Sends one request and returns its answer (checked to carry the same id).
  json call(const json& request) {
    const auto deadline = clock::now() + answer_deadline;
    if (adapter_->write_line(request.dump(), deadline) != io_status::done) {
      ADD_FAILURE() << "adapter closed its stdin or did not read it; stderr:\n" << adapter_->stderr_text();
      return json::object();
    }
    std::string line;
    if (adapter_->read_line(line, deadline) != io_status::done) {
      ADD_FAILURE() << "no answer to " << request.dump() << " within the deadline; stderr:\n"
                    << adapter_->stderr_text();
      return json::object();
    }
    const json answer = json::parse(line, nullptr, false);
    EXPECT_FALSE(answer.is_discarded()) << "stdout line is not JSON: " << line;
    EXPECT_EQ(answer.value("id", json()), request["id"]) << line;
    return answer;
  }

  json submit(int id, std::uint16_t port, const json& jobs) {
    return call({{"id", id},
                 {"op", "submit"},
                 {"server", "127.0.0.1:" + std::to_string(port)},
                 {"timeout_ms", 1000},
                 {"jobs", jobs}});
  }

  bool has_feature(const std::string& feature) const {
    for (const auto& f : hello_.value("features", json::array()))
      if (f == feature) return true;
    return false;
  }

  std::string function_name(const std::string& what) const {
    return "selftest_" + GetParam().name + "_" + what;
  }

  static std::uint16_t port() { return server_->port(); }

  static std::unique_ptr<gearspec::test::real_gearmand> server_;
  std::unique_ptr<adapter_process> adapter_;
  json hello_;
};

std::unique_ptr<gearspec::test::real_gearmand> AdapterSelfTest::server_;

std::optional<gearspec::proto::admin::priority_status_row> priority_row(std::uint16_t port,
                                                                        const std::string& fn) {
  std::vector<gearspec::proto::admin::priority_status_row> rows;
  const auto reply = gearspec::test::admin_query(port, "prioritystatus");
  if (auto ec = gearspec::proto::admin::parse_priority_status(reply, rows))
    throw std::runtime_error(ec.message());
  for (const auto& row : rows)
    if (row.function == fn) return row;
  return std::nullopt;
}

std::optional<gearspec::proto::admin::status_row> status_row(std::uint16_t port, const std::string& fn) {
  std::vector<gearspec::proto::admin::status_row> rows;
  const auto reply = gearspec::test::admin_query(port, "status");
  if (auto ec = gearspec::proto::admin::parse_status(reply, rows)) throw std::runtime_error(ec.message());
  for (const auto& row : rows)
    if (row.function == fn) return row;
  return std::nullopt;
}

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

INSTANTIATE_TEST_SUITE_P(RealLibraries, AdapterSelfTest, ::testing::ValuesIn(all_adapters()),
                         [](const ::testing::TestParamInfo<adapter_spec>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
