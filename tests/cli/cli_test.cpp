// The gearspec CLI end to end: exit statuses, report files, known failures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gearspec/conformance/report.hpp"
#include "gearspec/test/shell.hpp"

namespace fs = std::filesystem;

namespace {

/// Run gearspec with `args` (a shell-quoted string), stdout+stderr captured.
gearspec::test::shell_result gearspec(const std::string& args) {
  return gearspec::test::run_shell(std::string(GEARSPEC_CLI) + " " + args + " 2>&1");
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gearspec-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
    return path(name);
  }
  static std::string read(const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string suite_args() const {
    return std::string("--suite ") + GEARSPEC_TEST_CASES_DIR + " --no-progress";
  }
  static std::string reference(const std::string& mode) {
    return std::string("--client '") + GEARSPEC_REFERENCE_ADAPTER + " --break=" + mode + "'";
  }

  fs::path dir_;
};

TEST_F(Cli, HelpAndListExitZero) {
  EXPECT_EQ(gearspec("--help").status, 0);
  const auto l =
      gearspec("list " + std::string("--suite ") + GEARSPEC_TEST_CASES_DIR + " --cases 'submit-bg/*'");
  EXPECT_EQ(l.status, 0);
  EXPECT_NE(l.output.find("submit-bg/1"), std::string::npos);
  EXPECT_NE(l.output.find("SEMANTICS 4"), std::string::npos);
  EXPECT_EQ(l.output.find("unique/1 "), std::string::npos);
}

TEST_F(Cli, ConformingRunExitsZeroAndWritesReports) {
  const auto r =
      gearspec("run --client reference " + suite_args() +
               " --cases 'submit-bg/*,close/1*' --skip 'close/12' --junit " + path("j.xml") + " --json " +
               path("r.json") + " --html " + path("r.html") + " --wire-log " + path("logs"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("conforming"), std::string::npos) << r.output;
  const auto junit = read(path("j.xml"));
  EXPECT_NE(junit.find("<testsuite name=\"gearspec.reference\""), std::string::npos);
  EXPECT_EQ(junit.find("close/12:"), std::string::npos) << "--skip honoured";
  EXPECT_NE(junit.find("close/13:"), std::string::npos);
  EXPECT_NE(read(path("r.json")).find("\"format\": \"gearspec-report/1\""), std::string::npos);
  EXPECT_NE(read(path("r.html")).find("<!DOCTYPE html>"), std::string::npos);
  const auto log = read(path("logs/submit-bg_1.log"));
  EXPECT_NE(log.find("REQ SUBMIT_JOB_BG"), std::string::npos) << log;
}

TEST_F(Cli, FailuresExitOneAndKnownFailuresGateThem) {
  const std::string select = " --cases 'submit-bg/1,submit-bg/2,unique/1'";
  auto r = gearspec("run " + reference("trailing-nul") + " " + suite_args() + select);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("extra trailing byte"), std::string::npos) << r.output;

  const auto known = write("known.txt", "# trailing NUL bug\nsubmit-bg/*\nunique/1\n");
  r = gearspec("run " + reference("trailing-nul") + " " + suite_args() + select + " --known-failures " +
               known);
  EXPECT_EQ(r.status, 0) << r.output;

  // The same file against the fixed client: every entry is stale.
  r = gearspec("run --client reference " + suite_args() + select + " --known-failures " + known +
               " --junit " + path("j.xml"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("stale known failure (now passes): " + known + ":2: submit-bg/*"),
            std::string::npos)
      << r.output;
  EXPECT_NE(read(path("j.xml")).find("<failure type=\"STALE\""), std::string::npos);
}

TEST_F(Cli, HarnessErrorsExitTwo) {
  EXPECT_EQ(gearspec("run --no-such-flag").status, 2);
  EXPECT_EQ(gearspec("").status, 2) << "a subcommand is required";
  auto r = gearspec("run --client /nonexistent/adapter " + suite_args() + " --cases submit-bg/1");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("cannot start adapter '/nonexistent/adapter'"), std::string::npos) << r.output;
  const auto bad = write("bad.yaml",
                         "id: x/1\ntitle: t\nsection: s\nrequirement: MUST\nchecks: c\njobs: [{function: f, "
                         "workload: {hex: q}}]\n");
  r = gearspec("run --suite " + bad + " --no-progress");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(bad + ":6: workload: malformed hex"), std::string::npos) << r.output;
  r = gearspec("run --client reference " + suite_args() + " --cases 'nothing/*'");
  EXPECT_EQ(r.status, 2);
  const auto typo = write("typo.txt", "submit-bg/1\nsubmt-bg/2\n");
  r = gearspec("run --client reference " + suite_args() + " --cases submit-bg/1 --known-failures " + typo);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(typo + ":2: 'submt-bg/2' matches no case"), std::string::npos) << r.output;
  const auto bad_scenario = write("bad-scenario.yaml",
                                  "id: x/1\ntitle: t\nsection: s\nrequirement: MUST\nchecks: c\nscenario: "
                                  "|\n  steps:\n    - frobnicate: 1\njobs: [{function: f}]\n");
  r = gearspec("run --suite " + bad_scenario + " --no-progress");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find(bad_scenario + ":8:"), std::string::npos)
      << "scenario errors point into the case file: " << r.output;
}

TEST_F(Cli, ReplaysABareScenario) {
  const auto finding = write("finding.yaml",
                             "steps:\n  - expect: SUBMIT_JOB_BG\n  - reply: {command: JOB_CREATED, args: "
                             "[\"H:1\"]}\n    close_after: 7\n");
  auto r = gearspec("run --client reference --no-progress --scenario " + finding);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("1 cases"), std::string::npos) << r.output;
  r = gearspec("run " + reference("success-on-error") + " --no-progress --scenario " + finding);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("scenario/finding"), std::string::npos) << r.output;
}

TEST_F(Cli, CombinesJsonReportsIntoOneMatrix) {
  ASSERT_EQ(
      gearspec("run --client reference " + suite_args() + " --cases 'submit-bg/1*' --json " + path("a.json"))
          .status,
      0);
  ASSERT_EQ(gearspec("run " + reference("trailing-nul") + " --label broken " + suite_args() +
                     " --cases 'submit-bg/1*' --json " + path("b.json"))
                .status,
            1);
  const auto r = gearspec("report --html " + path("m.html") + " " + path("a.json") + " " + path("b.json"));
  EXPECT_EQ(r.status, 0) << r.output;
  const auto html = read(path("m.html"));
  EXPECT_NE(html.find("<th>reference<br>"), std::string::npos);
  EXPECT_NE(html.find("<th>broken<br>"), std::string::npos);
  EXPECT_NE(html.find("class=\"FAILED\""), std::string::npos);
}

TEST_F(Cli, ListCatchesNamesTheBrokenModesThatFailEachCase) {
  const auto r = gearspec(std::string("list --catches --suite ") + GEARSPEC_TEST_CASES_DIR +
                          " --cases 'submit-bg/11,value/unique/zero/normal'");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("catches: success-on-error, truncate-reject"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("falsy-unique"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0 MUST/SHOULD case(s) that no broken mode fails"), std::string::npos) << r.output;
}

TEST_F(Cli, PersistentAndIsolatedAdapterProcessesGradeTheWholeSuiteAlike) {
  // The default keeps one adapter process per worker; --isolate starts one per case.
  for (const std::string mode : {"persistent", "isolate"}) {
    const auto r = gearspec("run --client reference " + suite_args() + " -j2 --json " + path(mode + ".json") +
                            (mode == "isolate" ? " --isolate" : ""));
    ASSERT_EQ(r.status, 0) << mode << ": " << r.output;
  }
  const auto persistent =
      gearspec::conformance::parse_json_report(read(path("persistent.json")), "persistent");
  const auto isolated = gearspec::conformance::parse_json_report(read(path("isolate.json")), "isolate");
  ASSERT_EQ(persistent.results.size(), isolated.results.size());
  ASSERT_GT(persistent.results.size(), 400u);
  int reused = 0;
  for (std::size_t i = 0; i < persistent.results.size(); ++i) {
    const auto& p = persistent.results[i];
    const auto& o = isolated.results[i];
    ASSERT_EQ(p.case_id, o.case_id);
    EXPECT_EQ(p.verdict, o.verdict) << p.case_id << ": persistent " << p.summary() << "; isolate "
                                    << o.summary();
    EXPECT_NE(o.wire_log.find("case 1 of this process"), std::string::npos) << o.case_id;
    reused += p.wire_log.find("case 1 of this process") == std::string::npos;
  }
  EXPECT_GT(reused, 400) << "cases served by a process that had served an earlier case";
}

}  // namespace
