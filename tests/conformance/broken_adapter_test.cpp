// The runner graded against the reference adapter and its deliberately
// broken modes. Each mode is the real client with one mutation, so the cases
// it must fail are computed from the case files: every one of them must get
// the named grade, and every other case the grade it gets without the
// mutation.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "gearspec/conformance/case_loader.hpp"
#include "gearspec/conformance/grading.hpp"
#include "gearspec/conformance/runner.hpp"

namespace gc = gearspec::conformance;

namespace {

const std::vector<gc::case_spec>& suite() {
  static const auto cases = gc::load_cases({GEARSPEC_TEST_CASES_DIR});
  return cases;
}

gc::suite_result run(const std::string& mode, std::optional<int> case_timeout = std::nullopt) {
  gc::run_options o;
  o.adapter_argv = {GEARSPEC_REFERENCE_ADAPTER};
  if (!mode.empty()) o.adapter_argv.push_back("--break=" + mode);
  o.client_label = mode.empty() ? "reference" : mode;
  o.jobs = 2;
  o.case_timeout_ms = case_timeout;
  return gc::run_suite(suite(), o);
}

/// The grade the unmodified reference gets (asserted by PassesEveryCase):
/// OK everywhere except MAY cases, which only report (INFORMATIONAL).
gc::grade clean_grade(const gc::case_spec& c) {
  return c.level == gc::requirement::may ? gc::grade::informational : gc::grade::ok;
}

bool any_job(const gc::case_spec& c, const std::function<bool(const gc::job_spec&)>& pred) {
  for (const auto& r : c.requests)
    for (const auto& j : r.jobs)
      if (pred(j)) return true;
  return false;
}

/// Every case gets `expected(case)` when it returns a grade, else its clean grade.
void expect_grades(const gc::suite_result& s,
                   const std::function<std::optional<gc::grade>(const gc::case_spec&)>& expected) {
  ASSERT_EQ(s.results.size(), suite().size());
  int affected = 0;
  for (std::size_t i = 0; i < s.results.size(); ++i) {
    const auto& c = suite()[i];
    const auto& r = s.results[i];
    ASSERT_EQ(r.case_id, c.id);
    const auto want = expected(c);
    if (want) ++affected;
    EXPECT_EQ(r.verdict, want.value_or(clean_grade(c)))
        << c.id << " (" << (want ? "affected" : "unaffected") << "): got " << gc::to_string(r.verdict) << ", "
        << r.summary();
  }
  EXPECT_GT(affected, 0) << "the mode must affect some case";
}

TEST(ReferenceAdapter, PassesEveryCase) {
  const auto s = run("");
  ASSERT_EQ(s.results.size(), suite().size());
  EXPECT_EQ(s.adapter.name, "gearspec-reference");
  for (std::size_t i = 0; i < s.results.size(); ++i)
    EXPECT_EQ(s.results[i].verdict, clean_grade(suite()[i]))
        << s.results[i].case_id << ": " << gc::to_string(s.results[i].verdict) << " " << s.results[i].summary();
}

TEST(BrokenAdapter, TrailingNulFailsExactlyTheCasesThatCheckSentBytes) {
  expect_grades(run("trailing-nul"), [](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (any_job(c, [](const gc::job_spec& j) { return j.wire == gc::expected_wire::sent; }))
      return gc::severity_of(c.level);
    return std::nullopt;
  });
}

TEST(BrokenAdapter, DropUniqueFailsExactlyTheCasesWithACallersUnique) {
  expect_grades(run("drop-unique"), [](const gc::case_spec& c) -> std::optional<gc::grade> {
    // Jobs whose function is over the limit stay rejected whatever the unique.
    if (any_job(c, [](const gc::job_spec& j) {
          return !j.unique_is_default() && j.wire != gc::expected_wire::unchecked && j.function.size() <= 512;
        }))
      return gc::severity_of(c.level);
    return std::nullopt;
  });
}

TEST(BrokenAdapter, SuccessOnErrorFailsExactlyTheCasesWhereAJobFails) {
  // Which cases report an error is an observation of the unbroken run.
  std::map<std::string, int> errors;
  for (const auto& r : run("").results) errors[r.case_id] = r.jobs_reported_error;
  expect_grades(run("success-on-error"), [&](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (errors.at(c.id) > 0) return gc::grade::failed;
    return std::nullopt;
  });
}

TEST(BrokenAdapter, CrashIsCrashedExactlyWhereAWorkloadIsEmpty) {
  expect_grades(run("crash"), [](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (any_job(c, [](const gc::job_spec& j) { return j.workload.empty(); })) return gc::grade::crashed;
    return std::nullopt;
  });
}

TEST(BrokenAdapter, NeverAnswerIsHungExactlyWhereAJobIsLowPriority) {
  const auto s = run("never-answer", 1500);
  expect_grades(s, [](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (any_job(c, [](const gc::job_spec& j) { return j.prio == gearspec::proto::priority::low; }))
      return gc::grade::hung;
    return std::nullopt;
  });
  for (const auto& r : s.results) {
    if (r.verdict != gc::grade::hung) continue;
    EXPECT_NE(r.summary().find("within 1500 ms"), std::string::npos) << r.summary();
    EXPECT_NE(r.wire_log.find("killed by gearspec"), std::string::npos) << r.wire_log;
  }
}

TEST(Runner, MissingAdapterIsAHarnessError) {
  gc::run_options o;
  o.adapter_argv = {"/nonexistent/adapter"};
  EXPECT_THROW(gc::run_suite({suite().front()}, o), std::runtime_error);
}

TEST(Runner, AdapterWithoutAFeatureGetsUnimplemented) {
  // A shell adapter that lists no features and answers nothing else.
  gc::run_options o;
  o.adapter_argv = {"sh", "-c", "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; cat >/dev/null"};
  const auto it = std::find_if(suite().begin(), suite().end(), [](const gc::case_spec& c) { return c.id == "batch/1"; });
  ASSERT_NE(it, suite().end());
  const auto r = gc::run_case(*it, o);
  EXPECT_EQ(r.verdict, gc::grade::unimplemented) << r.summary();
  EXPECT_NE(r.summary().find("batch"), std::string::npos);
}

const gc::case_spec& plain_case() {
  const auto it =
      std::find_if(suite().begin(), suite().end(), [](const gc::case_spec& c) { return c.id == "submit-bg/1"; });
  EXPECT_NE(it, suite().end());
  return *it;
}

TEST(Runner, GarbageAnswerIsFailed) {
  gc::run_options o;
  o.adapter_argv = {"sh", "-c",
                    "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; read line; echo "
                    "'this is not json'; cat >/dev/null"};
  const auto r = gc::run_case(plain_case(), o);
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("not JSON"), std::string::npos) << r.summary();
}

TEST(Runner, AdapterThatExitsWithoutAnsweringIsFailedAndOneThatDiesBySignalIsCrashed) {
  gc::run_options o;
  o.adapter_argv = {"sh", "-c", "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; read line; exit 4"};
  auto r = gc::run_case(plain_case(), o);
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("ended (exit status 4) without answering"), std::string::npos) << r.summary();
  o.adapter_argv = {"sh", "-c", "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; read line; kill -ABRT $$"};
  r = gc::run_case(plain_case(), o);
  EXPECT_EQ(r.verdict, gc::grade::crashed);
  EXPECT_NE(r.summary().find("an answer to request 1; observed the adapter was killed by signal 6 (SIGABRT)"),
            std::string::npos)
      << r.summary();
}

}  // namespace
