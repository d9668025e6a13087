#include "adapter_fixture.hpp"

#include <chrono>
#include <cstdlib>
#include <stdexcept>

#include "admin_query.hpp"
#include "gearspec/conformance/case.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/header.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::test {

using conformance::adapter_process;
using conformance::clock;
using io_status = adapter_process::io_status;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr auto answer_deadline = 20s;  // covers interpreter start-up on a loaded 2-core machine

const std::string adapters_dir = GEARSPEC_ADAPTERS_DIR;

bool runtime_present(const adapter_spec& spec) {
  return std::system((spec.runtime_check + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

void PrintTo(const adapter_spec& spec, std::ostream* os) { *os << spec.name; }

std::vector<adapter_spec> all_adapters() {
  const std::string node_dir = adapters_dir + "/node";
  std::vector<adapter_spec> list = {
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
  const auto by_name = [&](const std::string& name) -> adapter_spec& {
    for (auto& spec : list)
      if (spec.name == name) return spec;
    throw std::logic_error("no adapter " + name);
  };
  // What each library lacks or reports differently (scripts/adapters/README.md).
  by_name("perl_gearman_client").lacks = {{"status_unique", "Gearman::Client polls a status by handle only"}};
  by_name("perl_gearman_client").no_work_unique =
      "Gearman::Worker grabs with GRAB_JOB, whose JOB_ASSIGN has no unique";
  by_name("node_abraxas").lacks = {{"status", "getStatus folds NUMERATOR/DENOMINATOR into one fraction"},
                                   {"status_unique", "abraxas has no status poll by unique"}};
  by_name("node_gearmanode").lacks = {{"status", "Job#getStatus polls only a job the same client submitted"},
                                      {"status_unique", "gearmanode has no status poll by unique"}};
  by_name("node_node_gearman").lacks = {{"status", "no call sends GET_STATUS and nothing reads STATUS_RES"},
                                        {"status_unique", "no call sends GET_STATUS_UNIQUE"}};
  by_name("node_node_gearman").no_work_unique =
      "node-gearman grabs with GRAB_JOB, whose JOB_ASSIGN has no unique";
  by_name("node_gearmanode").complete_altered =
      "gearmanode's workComplete sends data.toString(): a byte that is not UTF-8 becomes EF BF BD";
  by_name("node_gearmanode").complete_sent = std::string("done\0\xef\xbf\xbd", 8);
  by_name("node_gearman").status_denominator_wrong =
      "npm gearman hands DENOMINATOR over as the value of its first byte (\"0\" becomes 48)";
  return list;
}

std::vector<adapter_spec> adapters_with(const std::string& op) {
  std::vector<adapter_spec> out;
  for (auto& spec : all_adapters())
    if (!spec.lacks.count(op)) out.push_back(std::move(spec));
  return out;
}

std::string adapter_test_name(const ::testing::TestParamInfo<adapter_spec>& info) { return info.param.name; }

std::unique_ptr<real_gearmand> adapter_test::server_;

void adapter_test::SetUpTestSuite() {
  if (!gearmand_path().empty()) server_ = std::make_unique<real_gearmand>();
}

void adapter_test::TearDownTestSuite() { server_.reset(); }

void adapter_test::SetUp() {
  GEARSPEC_REQUIRE_GEARMAND();
  // A missing runtime is a missing part: a skip, which strict mode (CI=true) fails.
  if (!runtime_present(GetParam())) GTEST_SKIP() << GetParam().runtime_missing;
  adapter_ = std::make_unique<adapter_process>(GetParam().argv);
  hello_ = call({{"id", 0}, {"op", "hello"}});
}

void adapter_test::TearDown() {
  if (!adapter_) return;
  adapter_->close_stdin();
  const bool ended = adapter_->wait_exit(clock::now() + 10s);
  if (!ended) adapter_->kill();
  EXPECT_TRUE(ended && adapter_->exit().exited && adapter_->exit().code == 0)
      << "adapter must exit 0 when stdin closes, " << (ended ? "got " : "still running after 10 s, ")
      << adapter_->exit().describe() << "; stderr:\n"
      << adapter_->stderr_text();
}

json adapter_test::call(const json& request) {
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

json adapter_test::submit(int id, std::uint16_t port, const json& jobs) {
  return call({{"id", id},
               {"op", "submit"},
               {"server", "127.0.0.1:" + std::to_string(port)},
               {"timeout_ms", 1000},
               {"jobs", jobs}});
}

bool adapter_test::has_feature(const std::string& feature) const {
  for (const auto& f : hello_.value("features", json::array()))
    if (f == feature) return true;
  return false;
}

std::string adapter_test::function_name(const std::string& what) const {
  return "selftest_" + GetParam().name + "_" + what;
}

std::string adapter_test::stderr_text() const { return adapter_->stderr_text(); }

std::uint16_t adapter_test::port() { return server_->port(); }

namespace {

// The row of `fn` in the reply to the admin command `line`, read by `parse`.
template <class Row>
std::optional<Row> admin_row(std::uint16_t port, const char* line,
                             std::error_code (*parse)(const proto::admin::reply&, std::vector<Row>&),
                             const std::string& fn) {
  std::vector<Row> rows;
  if (auto ec = parse(admin_query(port, line), rows)) throw std::runtime_error(ec.message());
  for (const auto& row : rows)
    if (row.function == fn) return row;
  return std::nullopt;
}

}  // namespace

std::optional<proto::admin::priority_status_row> priority_row(std::uint16_t port, const std::string& fn) {
  return admin_row(port, "prioritystatus", proto::admin::parse_priority_status, fn);
}

std::optional<proto::admin::status_row> status_row(std::uint16_t port, const std::string& fn) {
  return admin_row(port, "status", proto::admin::parse_status, fn);
}

std::optional<proto::packet> read_packet(loopback_client& c, int timeout_ms) {
  std::string bytes = c.read_exact(proto::header_size, timeout_ms);
  const auto header = proto::read_raw_header(bytes);
  if (!header) return std::nullopt;
  bytes += c.read_exact(header->body_length, timeout_ms);
  std::error_code ec;
  std::size_t rest = 0;
  auto packets = proto::decode_all(bytes, ec, &rest);
  if (ec || packets.size() != 1) return std::nullopt;
  return std::move(packets.front());
}

raw_submit submit_raw(std::uint16_t port, proto::command submit, const std::string& function,
                      const std::string& unique, const std::string& workload) {
  raw_submit out{loopback_client(port), {}};
  out.connection.send(proto::encode(proto::magic::request, submit, {function, unique}, workload));
  const auto created = read_packet(out.connection, 5000);
  if (!created || created->cmd != proto::command::job_created || created->args.empty())
    throw std::runtime_error("gearmand did not answer " + std::string(proto::name(submit)) + " for " +
                             function + " with JOB_CREATED" +
                             (created ? ", but with " + proto::to_string(*created) : std::string()));
  out.handle = created->args.front();
  return out;
}

std::optional<std::string> b64_field(const json& object, const std::string& name) {
  const auto it = object.find(name + "_b64");
  if (it == object.end() || !it->is_string()) return std::nullopt;
  std::string bytes;
  if (util::base64_decode(it->get<std::string>(), bytes)) return std::nullopt;
  return bytes;
}

}  // namespace gearspec::test
