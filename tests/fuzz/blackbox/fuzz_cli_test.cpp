// Runs the real `gearspec fuzz` and `gearspec run --scenario` executables.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "gearspec/test/shell.hpp"

namespace fs = std::filesystem;

namespace {

gearspec::test::shell_result run(const std::string& command) {
  return gearspec::test::run_shell(command + " 2>&1");
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

class BlackboxFuzz : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    out_ =
        fs::temp_directory_path() / ("gearspec-blackbox-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(out_);
  }
  void TearDown() override { fs::remove_all(out_); }

  gearspec::test::shell_result fuzz(const std::string& client, const std::string& budget) {
    return run(std::string(GEARSPEC_CLI) + " fuzz --client " + quoted(client) + " " + budget + " --out " +
               quoted(out_.string()));
  }
  static std::string broken(const std::string& mode) {
    return std::string(GEARSPEC_REFERENCE_ADAPTER) + " --break=" + mode;
  }
  std::vector<fs::path> saved(const std::string& prefix, const std::string& ext) const {
    std::vector<fs::path> files;
    if (!fs::exists(out_)) return files;
    for (const auto& e : fs::directory_iterator(out_)) {
      const auto name = e.path().filename().string();
      if (name.rfind(prefix, 0) == 0 && e.path().extension() == ext) files.push_back(e.path());
    }
    return files;
  }
  /// Every finding of `prefix` has its bytes, and its case replays to `grade`.
  void expect_replays(const std::string& prefix, const std::string& client, const std::string& grade) {
    const auto cases = saved(prefix, ".yaml");
    ASSERT_FALSE(cases.empty()) << "no " << prefix << " finding saved in " << out_;
    for (const auto& c : cases) {
      auto bin = c;
      EXPECT_TRUE(fs::exists(bin.replace_extension(".bin"))) << bin;
    }
    const auto replay = run(std::string(GEARSPEC_CLI) + " run --client " + quoted(client) + " --scenario " +
                            quoted(cases.front().string()));
    EXPECT_EQ(replay.status, 1) << replay.output;
    EXPECT_NE(replay.output.find(grade), std::string::npos) << replay.output;
  }

  /// The campaign ends with status 1, reports a finding of `kind`, and that
  /// finding's saved case replays to `replay_grade`.
  void expect_found(const std::string& client, const std::string& budget, const std::string& kind,
                    const std::string& replay_grade) {
    const auto r = fuzz(client, budget);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("finding " + kind), std::string::npos) << r.output;
    std::string prefix = kind + "-";
    for (auto& ch : prefix) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    expect_replays(prefix, client, replay_grade);
  }

  fs::path out_;
};

TEST_F(BlackboxFuzz, ReferenceAdapterHasNoFindingsAndRateIsPrinted) {
  // A run that times out only because a loaded (or sanitized) machine was slow
  // is replayed alone and not counted: only reproduced findings fail this.
  const auto r = fuzz("reference", "--runs 200 --seed 1 --jobs 4");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("findings: 0 unique,"), std::string::npos) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex(R"(runs: 200 in [0-9.e+-]+ s \(([0-9.]+) runs/s\))")))
      << r.output;
  EXPECT_GT(std::stod(m[1].str()), 0.0);
}

TEST_F(BlackboxFuzz, CrashModeIsFoundAsCrashedAndReplaysAsCrashed) {
  expect_found(broken("crash"), "--runs 48 --seed 3", "CRASHED", "CRASHED");
}

TEST_F(BlackboxFuzz, NeverAnswerModeIsFoundAsHungAndReplaysAsHung) {
  expect_found(broken("never-answer"), "--runs 8 --seed 3", "HUNG", "HUNG");
}

TEST_F(BlackboxFuzz, SuccessOnErrorModeIsFoundAsMisbehavedAndReplaysAsFailed) {
  expect_found(broken("success-on-error"), "--runs 32 --seed 3", "MISBEHAVED", "FAILED");
}

TEST_F(BlackboxFuzz, AHandleThatIsNotUtf8IsGradedByteExactForAProtocol2Adapter) {
  // Seed 5 mutates a JOB_CREATED into one whose handle is not UTF-8. A client
  // of protocol 2 reports it as handle_b64: re-encoded as UTF-8 it is another
  // handle, found; the clean reference, given the same trials, reports it
  // byte-exact. A client of protocol 1 (JSON strings only) cannot report it,
  // so there it is not graded.
  const std::string budget = "--runs 96 --seed 5 --jobs 4";
  expect_found(broken("reencode-utf8"), budget, "MISBEHAVED", "FAILED");
  const auto cases = saved("misbehaved-", ".yaml");
  ASSERT_FALSE(cases.empty());
  const auto found = run("cat " + quoted(cases.front().string())).output;
  EXPECT_NE(found.find("observed reported handle"), std::string::npos) << found;
  for (const std::string& clean : std::vector<std::string>{"reference", broken("protocol-1")}) {
    fs::remove_all(out_);
    const auto r = fuzz(clean, budget);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("findings: 0 unique,"), std::string::npos) << r.output;
  }
}

TEST_F(BlackboxFuzz, SameSeedSavesTheSameFindings) {
  // A generous library timeout and few adapters at once: what a trial finds
  // depends on the seed, not on how busy (or sanitized) the machine is.
  const std::string budget = "--runs 32 --seed 9 --jobs 4 --job-timeout 1000";
  const auto first = fuzz(broken("success-on-error"), budget);
  const auto files = saved("misbehaved-", ".bin");
  fs::remove_all(out_);
  const auto second = fuzz(broken("success-on-error"), budget);
  EXPECT_EQ(files.size(), saved("misbehaved-", ".bin").size()) << first.output << second.output;
  for (const auto& f : files) EXPECT_TRUE(fs::exists(f)) << f << " not found again";
}

TEST_F(BlackboxFuzz, ReferenceWorkerHasNoFindings) {
  const auto r = fuzz("reference", "--role worker --runs 120 --seed 1 --jobs 4");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("(worker role)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("findings: 0 unique,"), std::string::npos) << r.output;
}

TEST_F(BlackboxFuzz, AWorkerThatAltersItsResultIsFoundAsMisbehavedAndReplaysAsFailed) {
  // trailing-nul: the worker's WORK_COMPLETE carries one byte more than its
  // function gave; the saved case is a worker case that replays to FAILED.
  expect_found(broken("trailing-nul"), "--role worker --runs 48 --seed 4", "MISBEHAVED", "FAILED");
  const auto cases = saved("misbehaved-", ".yaml");
  ASSERT_FALSE(cases.empty());
  const auto text = run("cat " + quoted(cases.front().string())).output;
  EXPECT_NE(text.find("work:"), std::string::npos) << text;
  EXPECT_NE(text.find("expect: GRAB"), std::string::npos) << text;
}

TEST_F(BlackboxFuzz, AWorkerCampaignAgainstAnAdapterWithoutWorkIsAHarnessError) {
  fs::create_directories(out_);
  const auto adapter = out_ / "no-work-adapter.sh";
  // Answers every request with a hello that lists no feature.
  std::ofstream(adapter)
      << "#!/bin/sh\n"
         "while read -r l; do id=$(printf '%s' \"$l\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/'); "
         "printf '{\"id\":%s,\"name\":\"x\",\"version\":\"1\",\"protocol\":2,\"features\":[]}\\n' "
         "\"$id\"; done\n";
  fs::permissions(adapter, fs::perms::owner_all);
  const auto r = fuzz(adapter.string(), "--role worker --runs 4 --seed 1");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("adapter feature(s) work"), std::string::npos) << r.output;
}

TEST_F(BlackboxFuzz, BadFlagsExitWithStatus2AndSayWhy) {
  auto r = fuzz("reference", "");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--time DURATION or --runs N"), std::string::npos) << r.output;
  r = fuzz("reference", "--time 5x");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("'5x' is not a positive duration"), std::string::npos) << r.output;
  r = fuzz("reference", "--runs 0");
  EXPECT_EQ(r.status, 2) << r.output;
  r = fuzz("reference", "--runs 1 --role manager");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--role"), std::string::npos) << r.output;
  r = fuzz("/nonexistent/adapter", "--runs 1");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/adapter"), std::string::npos) << r.output;
}

}  // namespace
