#include "gearspec/conformance/known_failures.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gearspec/conformance/case_loader.hpp"

namespace gc = gearspec::conformance;

namespace {

std::vector<gc::case_spec> suite(const std::vector<std::string>& ids) {
  std::vector<gc::case_spec> out;
  for (const auto& id : ids) {
    gc::case_spec c;
    c.id = id;
    out.push_back(c);
  }
  return out;
}

gc::case_result result(const std::string& id, gc::grade g) {
  gc::case_result r;
  r.case_id = id;
  r.verdict = g;
  return r;
}

std::string write_temp(const std::string& text) {
  const auto path =
      (std::filesystem::temp_directory_path() / ("known-" + std::to_string(::getpid()) + ".txt")).string();
  std::ofstream(path) << text;
  return path;
}

TEST(KnownFailures, ParsesIdsGlobsAndComments) {
  const auto path = write_temp("# libgearman truncates\nunique/4   # 64-byte unique\n\nclose/*\n");
  const auto entries = gc::load_known_failures(path, suite({"unique/4", "close/1", "close/2"}));
  std::filesystem::remove(path);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].pattern, "unique/4");
  EXPECT_EQ(entries[0].line, 2);
  EXPECT_EQ(entries[1].pattern, "close/*");
  EXPECT_EQ(entries[1].line, 4);
}

TEST(KnownFailures, UnknownIdIsAnErrorWithItsLine) {
  const auto path = write_temp("unique/4\nuniqeu/5\n");
  try {
    gc::load_known_failures(path, suite({"unique/4", "unique/5"}));
    ADD_FAILURE() << "typo accepted";
  } catch (const gc::case_file_error& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_NE(std::string(e.what()).find("'uniqeu/5' matches no case"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
}

TEST(KnownFailures, ListedFailuresAreToleratedAndPassingOnesAreStale) {
  std::vector<gc::known_failure_entry> entries{{"a/1", 1}, {"b/*", 2}, {"c/1", 3}};
  std::vector<gc::case_result> results{result("a/1", gc::grade::failed), result("b/1", gc::grade::ok),
                                       result("b/2", gc::grade::hung), result("c/1", gc::grade::non_strict),
                                       result("d/1", gc::grade::ok)};
  auto gate = gc::apply_known_failures(entries, "kf.txt", results);
  EXPECT_TRUE(results[0].known_failure);
  EXPECT_TRUE(results[2].known_failure);
  EXPECT_FALSE(results[3].known_failure);
  EXPECT_EQ(gate.known_failing, (std::vector<std::string>{"a/1", "b/2"}));
  EXPECT_TRUE(gate.new_failures.empty());
  EXPECT_EQ(gate.stale, (std::vector<std::string>{"kf.txt:3: c/1"})) << "NON-STRICT is not a failure";
  EXPECT_EQ(gc::exit_status(gate, results), 1) << "a stale entry fails the run";

  entries.pop_back();
  for (auto& r : results) r.known_failure = false;
  gate = gc::apply_known_failures(entries, "kf.txt", results);
  EXPECT_TRUE(gate.stale.empty());
  EXPECT_EQ(gc::exit_status(gate, results), 0);

  results.push_back(result("e/1", gc::grade::crashed));
  gate = gc::apply_known_failures(entries, "kf.txt", results);
  EXPECT_EQ(gate.new_failures, (std::vector<std::string>{"e/1"}));
  EXPECT_EQ(gc::exit_status(gate, results), 1);

  results.push_back(result("f/1", gc::grade::harness_error));
  EXPECT_EQ(gc::exit_status(gc::apply_known_failures(entries, "kf.txt", results), results), 2);
}

TEST(KnownFailures, FlakyEntriesMayPassOrFailAndAreNeverStale) {
  const auto path =
      write_temp("flaky magic/3   # depends on how the runtime splits reads\nflaky\treset/*\nunique/4\n");
  const auto entries = gc::load_known_failures(path, suite({"magic/3", "reset/2", "unique/4"}));
  std::filesystem::remove(path);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(entries[0].flaky);
  EXPECT_EQ(entries[0].pattern, "magic/3");
  EXPECT_TRUE(entries[1].flaky);
  EXPECT_EQ(entries[1].pattern, "reset/*");
  EXPECT_FALSE(entries[2].flaky);

  std::vector<gc::case_result> passing{result("magic/3", gc::grade::ok), result("reset/2", gc::grade::ok),
                                       result("unique/4", gc::grade::failed)};
  auto gate = gc::apply_known_failures(entries, "kf.txt", passing);
  EXPECT_TRUE(gate.stale.empty()) << "a flaky entry that passes is not stale";
  EXPECT_EQ(gc::exit_status(gate, passing), 0);

  std::vector<gc::case_result> failing{result("magic/3", gc::grade::failed),
                                       result("reset/2", gc::grade::hung), result("unique/4", gc::grade::ok)};
  gate = gc::apply_known_failures(entries, "kf.txt", failing);
  EXPECT_EQ(gate.known_failing, (std::vector<std::string>{"magic/3", "reset/2"}));
  EXPECT_EQ(gate.stale, (std::vector<std::string>{"kf.txt:3: unique/4"})) << "a plain entry still goes stale";
}

TEST(KnownFailures, FlakyWithoutACaseIsAnError) {
  const auto path = write_temp("flaky\n");
  EXPECT_THROW(gc::load_known_failures(path, suite({"flaky/1"})), gc::case_file_error);
  std::filesystem::remove(path);
}

TEST(KnownFailures, EntriesForCasesNotRunAreNotStale) {
  std::vector<gc::known_failure_entry> entries{{"x/*", 1}};
  std::vector<gc::case_result> results{result("a/1", gc::grade::ok)};
  EXPECT_TRUE(gc::apply_known_failures(entries, "kf", results).stale.empty());
}

}  // namespace
