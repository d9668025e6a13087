// The suite's self-test, one process (the suite runs are shared between the
// tests): every case against the reference adapter and against each of its
// deliberately broken modes. Each mode is the real client with one mutation,
// so the cases it must fail are computed from the case files (or from what
// the correct client did): every one of them gets the named grade, every
// other case the grade it gets without the mutation. And no MUST or SHOULD
// case may be passed by every broken mode as well as by the correct client.
#include "gearspec/conformance/selftest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>

#include "gearspec/conformance/case_loader.hpp"
#include "gearspec/conformance/grading.hpp"
#include "gearspec/conformance/runner.hpp"
#include "gearspec/protocol/limits.hpp"

namespace gc = gearspec::conformance;

namespace {

const std::vector<gc::case_spec>& suite() {
  static const auto cases = gc::load_cases({GEARSPEC_TEST_CASES_DIR});
  return cases;
}

gc::run_options options() {
  gc::run_options o;
  o.adapter_argv = {GEARSPEC_REFERENCE_ADAPTER};
  o.jobs = 2;
  return o;
}

/// Every mode's run of the whole suite, made once (the coverage run).
const gc::mode_coverage& coverage() {
  static const gc::mode_coverage c = [] {
    auto modes = gc::list_broken_modes(options().adapter_argv);
    return gc::broken_mode_coverage(suite(), options(), modes);
  }();
  return c;
}

const gc::suite_result& run(const std::string& mode) {
  const auto& c = coverage();
  if (mode.empty()) return c.clean;
  const auto it = std::find(c.modes.begin(), c.modes.end(), mode);
  if (it == c.modes.end()) throw std::runtime_error("no broken mode " + mode);
  return c.broken[static_cast<std::size_t>(it - c.modes.begin())];
}

/// The grade the unmodified reference gets (asserted by PassesEveryCase):
/// OK everywhere except MAY cases, which only report (INFORMATIONAL), and
/// defaults/1: with no timeout set the reference client waits forever, as
/// libgearman does (SEMANTICS.md 5), so it misses that SHOULD.
gc::grade clean_grade(const gc::case_spec& c) {
  if (c.id == "defaults/1") return gc::grade::non_strict;
  return c.level == gc::requirement::may ? gc::grade::informational : gc::grade::ok;
}

bool any_job(const gc::case_spec& c, const std::function<bool(const gc::job_spec&)>& pred) {
  for (const auto& r : c.requests)
    for (const auto& j : r.jobs)
      if (pred(j)) return true;
  return false;
}

/// Needs protocol 2 for its bytes (a function, unique or handle that is not
/// UTF-8), not only for the `status` op.
bool needs_bytes(const gc::case_spec& c) {
  return gc::required_protocol(c) >= 2 && std::none_of(c.requests.begin(), c.requests.end(),
                                                       [](const gc::request_spec& r) { return r.status; });
}

bool has_finding(const gc::case_result& r, const std::string& text) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const gc::finding& f) {
    return f.expected.find(text) != std::string::npos || f.observed.find(text) != std::string::npos;
  });
}

/// The reference client accepts the function (non-empty, at most 512 bytes, no NUL).
bool function_accepted(const gc::job_spec& j) {
  return !j.function.empty() && j.function.size() <= gearspec::proto::max_function_size &&
         j.function.find('\0') == std::string::npos;
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
  const auto& s = run("");
  ASSERT_EQ(s.results.size(), suite().size());
  EXPECT_EQ(s.adapter.name, "gearspec-reference");
  for (std::size_t i = 0; i < s.results.size(); ++i)
    EXPECT_EQ(s.results[i].verdict, clean_grade(suite()[i]))
        << s.results[i].case_id << ": " << gc::to_string(s.results[i].verdict) << " "
        << s.results[i].summary();
}

TEST(SelfTest, EveryMustAndShouldCaseFailsSomeBrokenMode) {
  const auto uncaught = gc::uncaught_cases(suite(), coverage());
  std::string list;
  for (const auto& id : uncaught) list += " " + id;
  EXPECT_TRUE(uncaught.empty()) << uncaught.size() << " case(s) pass every broken mode:" << list;
}

TEST(BrokenAdapter, TrailingNulFailsExactlyTheCasesThatCheckSentBytes) {
  expect_grades(run("trailing-nul"), [](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (any_job(c, [](const gc::job_spec& j) { return j.wire == gc::expected_wire::sent; }))
      return gc::severity_of(c.level);
    // A worker that takes its job sends every payload one byte longer.
    if (c.work && c.work->expect_ok)
      for (const auto& f : c.work->functions)
        for (const auto& a : f.actions)
          if (a.what != gc::work_action::kind::status && a.what != gc::work_action::kind::sleep &&
              a.what != gc::work_action::kind::fail)
            return gc::severity_of(c.level);
    return std::nullopt;
  });
}

TEST(BrokenAdapter, DropUniqueFailsExactlyTheCasesWithACallersUnique) {
  expect_grades(run("drop-unique"), [](const gc::case_spec& c) -> std::optional<gc::grade> {
    // Jobs whose function the client rejects stay rejected whatever the unique.
    if (any_job(c, [](const gc::job_spec& j) {
          return !j.unique_is_default() && j.wire != gc::expected_wire::unchecked && function_accepted(j);
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

TEST(BrokenAdapter, NeverAnswerIsHungExactlyWhereABatchHoldsALowPriorityJob) {
  const auto& s = run("never-answer");
  expect_grades(s, [](const gc::case_spec& c) -> std::optional<gc::grade> {
    for (const auto& r : c.requests)
      if (r.jobs.size() > 1 && std::any_of(r.jobs.begin(), r.jobs.end(), [](const gc::job_spec& j) {
            return j.prio == gearspec::proto::priority::low;
          }))
        return gc::grade::hung;
    return std::nullopt;
  });
  for (const auto& r : s.results) {
    if (r.verdict != gc::grade::hung) continue;
    EXPECT_NE(r.summary().find("within"), std::string::npos) << r.summary();
    EXPECT_NE(r.wire_log.find("killed by gearspec"), std::string::npos) << r.wire_log;
  }
}

// The three defective clients a new user met, each FAILED with evidence naming its defect.

TEST(BrokenAdapter, NoHandleFailsEveryCaseWithASuccess) {
  std::map<std::string, int> successes;
  for (const auto& r : run("").results) successes[r.case_id] = r.jobs_reported_ok;
  const auto& s = run("no-handle");
  expect_grades(s, [&](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (successes.at(c.id) > 0 && !c.work) return gc::grade::failed;  // a worker reports no submit handle
    return std::nullopt;
  });
  for (const auto& r : s.results)
    if (r.verdict == gc::grade::failed) {
      EXPECT_TRUE(has_finding(r, "success without a handle")) << r.summary();
    }
}

TEST(BrokenAdapter, HiddenHandlesMakeEveryCaseOnHandlesUnimplementedNeverOk) {
  expect_grades(run("hide-handles"), [](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (std::find(c.needs.begin(), c.needs.end(), "handle_readback") != c.needs.end())
      return gc::grade::unimplemented;
    return std::nullopt;
  });
}

TEST(BrokenAdapter, BlindRetryFailsEveryCaseThatSendsAJob) {
  const auto& s = run("blind-retry");
  expect_grades(s, [](const gc::case_spec& c) -> std::optional<gc::grade> {
    // Every job the reference sends (wire sent, or unchecked where a server listens) is sent twice.
    if (!c.allow_retry && c.server != gc::server_kind::refused &&
        any_job(c, [](const gc::job_spec& j) { return j.wire != gc::expected_wire::sent_or_rejected; }))
      return gc::grade::failed;
    return std::nullopt;
  });
  for (const auto& r : s.results)
    if (r.verdict == gc::grade::failed) {
      EXPECT_TRUE(has_finding(r, "sent again")) << r.case_id << ": " << r.summary();
    }
}

TEST(BrokenAdapter, TruncateAndRejectFailsEveryOverLimitCase) {
  const auto& s = run("truncate-reject");
  const auto over = [](const gc::job_spec& j) {
    return j.function.size() > gearspec::proto::max_function_size ||
           (j.unique && j.unique->size() > gearspec::proto::max_unique_size);
  };
  expect_grades(s, [&](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (any_job(c, over)) return gc::grade::failed;
    return std::nullopt;
  });
  for (std::size_t i = 0; i < s.results.size(); ++i)
    if (any_job(suite()[i], over)) {
      EXPECT_TRUE(has_finding(s.results[i], "truncated"))
          << s.results[i].case_id << ": " << s.results[i].summary();
    }
}

TEST(BrokenAdapter, AlwaysErrorFailsEveryCaseInWhichTheServerCreatesAJob) {
  // Where the server created a job is an observation of the unbroken run.
  std::map<std::string, int> successes;
  for (const auto& r : run("").results) successes[r.case_id] = r.jobs_reported_ok;
  const auto& s = run("always-error");
  for (std::size_t i = 0; i < s.results.size(); ++i) {
    const auto& r = s.results[i];
    if (suite()[i].work && successes.at(r.case_id) > 0) {
      // A worker that took its jobs and reports an error misses the case at its level.
      EXPECT_EQ(r.verdict, gc::severity_of(suite()[i].level))
          << r.case_id << ": " << gc::to_string(r.verdict);
    } else if (successes.at(r.case_id) > 0) {
      // FAILED, not merely NON-STRICT: the caller would submit a created job again.
      EXPECT_GE(r.verdict, gc::grade::failed) << r.case_id << ": " << gc::to_string(r.verdict);
    } else {
      // No job was created: an error is right; only its class may differ.
      EXPECT_LE(r.verdict, std::max(clean_grade(suite()[i]), gc::grade::non_strict))
          << r.case_id << ": " << r.summary();
    }
  }
}

TEST(BrokenAdapter, ValueMangling) {
  // Each mangling mode fails the matrix cases of the values it mangles.
  const std::map<std::string, std::vector<std::string>> targets{
      {"strip-whitespace",
       {"value/unique/leading-space/", "value/unique/trailing-space/", "value/unique/whitespace-only/",
        "value/unique/trailing-lf/"}},
      {"coerce-numeric",
       {"value/function/leading-zeros/", "value/unique/exponent/", "value/workload/decimal/"}},
      {"falsy-unique", {"value/unique/zero/"}}};
  for (const auto& [mode, prefixes] : targets) {
    const auto& s = run(mode);
    int checked = 0;
    for (const auto& r : s.results)
      for (const auto& p : prefixes)
        if (r.case_id.rfind(p, 0) == 0) {
          ++checked;
          EXPECT_EQ(r.verdict, gc::grade::failed) << mode << " " << r.case_id << ": " << r.summary();
        }
    EXPECT_GE(checked, 4) << mode;
  }
}

TEST(BrokenAdapter, ReencodingBytesFailsEveryCaseWithAFieldThatIsNotUtf8) {
  // A library that keeps function, unique and handle as Unicode text replaces
  // bytes that are not UTF-8 by U+FFFD: every case that needs protocol 2.
  const auto& s = run("reencode-utf8");
  expect_grades(s, [](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (needs_bytes(c)) return gc::grade::failed;
    return std::nullopt;
  });
  for (std::size_t i = 0; i < s.results.size(); ++i)
    if (needs_bytes(suite()[i])) {
      EXPECT_TRUE(has_finding(s.results[i], "\\xef\\xbf\\xbd"))
          << s.results[i].case_id << ": " << s.results[i].summary();
    }
}

TEST(BrokenAdapter, ProtocolOneAdapterGetsUnimplementedOnEveryCaseNeedingBytes) {
  const auto& s = run("protocol-1");
  EXPECT_EQ(s.adapter.protocol, 1);
  EXPECT_EQ(run("").adapter.protocol, 2);
  expect_grades(s, [](const gc::case_spec& c) -> std::optional<gc::grade> {
    if (gc::required_protocol(c) >= 2) return gc::grade::unimplemented;
    return std::nullopt;
  });
  for (std::size_t i = 0; i < s.results.size(); ++i)
    if (gc::required_protocol(suite()[i]) >= 2) {
      EXPECT_TRUE(has_finding(s.results[i], "adapter protocol 2")) << s.results[i].summary();
      EXPECT_TRUE(has_finding(s.results[i], "speaks protocol 1")) << s.results[i].summary();
    }
}

TEST(Suite, BytesCasesCoverFunctionUniqueAndHandle) {
  // The cases that need protocol 2: a function and a unique that are not
  // UTF-8 (hand-written and in the value matrix) and a handle (declared).
  std::vector<std::string> ids;
  for (const auto& c : suite())
    if (needs_bytes(c)) ids.push_back(c.id);
  for (const char* id :
       {"submit-bg/19", "unique/23", "handle/8", "value/function/non-utf8/batch", "value/unique/non-utf8/low",
        "worker/function-binary", "worker/unique-binary", "worker/assign-binary"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  EXPECT_EQ(ids.size(), 14u);
}

TEST(Runner, MissingAdapterIsAHarnessError) {
  gc::run_options o;
  o.adapter_argv = {"/nonexistent/adapter"};
  EXPECT_THROW(gc::run_suite({suite().front()}, o), std::runtime_error);
}

TEST(Runner, AdapterWithoutAFeatureGetsUnimplemented) {
  // A shell adapter that lists no features and answers nothing else.
  gc::run_options o;
  o.adapter_argv = {
      "sh", "-c",
      "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; cat >/dev/null"};
  const auto it =
      std::find_if(suite().begin(), suite().end(), [](const gc::case_spec& c) { return c.id == "batch/1"; });
  ASSERT_NE(it, suite().end());
  const auto r = gc::run_case(*it, o);
  EXPECT_EQ(r.verdict, gc::grade::unimplemented) << r.summary();
  EXPECT_NE(r.summary().find("batch"), std::string::npos);
}

const gc::case_spec& plain_case() {
  const auto it = std::find_if(suite().begin(), suite().end(),
                               [](const gc::case_spec& c) { return c.id == "submit-bg/1"; });
  EXPECT_NE(it, suite().end());
  return *it;
}

TEST(Runner, GarbageAnswerIsFailed) {
  gc::run_options o;
  o.adapter_argv = {
      "sh", "-c",
      "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; read line; echo "
      "'this is not json'; cat >/dev/null"};
  const auto r = gc::run_case(plain_case(), o);
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("not JSON"), std::string::npos) << r.summary();
}

TEST(Runner, AdapterThatExitsWithoutAnsweringIsFailedAndOneThatDiesBySignalIsCrashed) {
  gc::run_options o;
  o.adapter_argv = {
      "sh", "-c",
      "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; read line; exit 4"};
  auto r = gc::run_case(plain_case(), o);
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("ended (exit status 4) without answering"), std::string::npos) << r.summary();
  o.adapter_argv = {
      "sh", "-c",
      "read line; echo '{\"id\":0,\"name\":\"sh\",\"features\":[\"background\"]}'; read line; kill -ABRT $$"};
  r = gc::run_case(plain_case(), o);
  EXPECT_EQ(r.verdict, gc::grade::crashed);
  EXPECT_NE(r.summary().find("an answer to request 1; observed the adapter was killed by signal 6 (SIGABRT)"),
            std::string::npos)
      << r.summary();
}

// Persistent adapter processes (the default) against one process per case.

std::vector<gc::case_spec> cases_named(const std::vector<std::string>& ids) {
  std::vector<gc::case_spec> out;
  for (const auto& id : ids) {
    const auto it =
        std::find_if(suite().begin(), suite().end(), [&](const gc::case_spec& c) { return c.id == id; });
    EXPECT_NE(it, suite().end()) << id;
    if (it != suite().end()) out.push_back(*it);
  }
  return out;
}

/// The reference adapter behind a shell pipeline `tail` (sh -c 'ADAPTER TAIL').
gc::run_options wrapped_reference(const std::string& tail, bool isolate) {
  gc::run_options o;
  o.adapter_argv = {"sh", "-c", std::string("'") + GEARSPEC_REFERENCE_ADAPTER + "' " + tail};
  o.jobs = 1;  // one worker: one process serves the cases in order
  o.isolate = isolate;
  return o;
}

const std::vector<std::string> three_cases{"submit-bg/1", "submit-bg/2", "submit-bg/3"};

TEST(PersistentAdapter, OneProcessServesConsecutiveCasesAndSaysSoInTheLog) {
  const auto s = gc::run_suite(cases_named(three_cases), wrapped_reference("", false));
  ASSERT_EQ(s.results.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s.results[i].verdict, gc::grade::ok) << s.results[i].summary();
    EXPECT_NE(s.results[i].wire_log.find("case " + std::to_string(i + 1) + " of this process"),
              std::string::npos)
        << s.results[i].wire_log;
  }
  // hello only in the first case; request ids go on across cases.
  EXPECT_NE(s.results[0].wire_log.find("\"op\":\"hello\""), std::string::npos);
  EXPECT_EQ(s.results[1].wire_log.find("\"op\":\"hello\""), std::string::npos);
  EXPECT_NE(s.results[2].wire_log.find("{\"id\":3,"), std::string::npos) << s.results[2].wire_log;
  EXPECT_NE(s.results[2].wire_log.find("retired (stdin closed): exit status 0"), std::string::npos)
      << s.results[2].wire_log;
}

TEST(PersistentAdapter, ExitStatusIsGradedOnTheLastCaseOfItsProcess) {
  const auto persistent = gc::run_suite(cases_named(three_cases), wrapped_reference("; exit 3", false));
  EXPECT_EQ(persistent.results[0].verdict, gc::grade::ok) << persistent.results[0].summary();
  EXPECT_EQ(persistent.results[1].verdict, gc::grade::ok) << persistent.results[1].summary();
  EXPECT_EQ(persistent.results[2].verdict, gc::grade::failed);
  EXPECT_NE(persistent.results[2].summary().find("exit status 3 (pid "), std::string::npos)
      << persistent.results[2].summary();
  EXPECT_NE(persistent.results[2].summary().find("retired after 3 case(s)"), std::string::npos)
      << persistent.results[2].summary();
  const auto isolated = gc::run_suite(cases_named(three_cases), wrapped_reference("; exit 3", true));
  for (const auto& r : isolated.results) EXPECT_EQ(r.verdict, gc::grade::failed) << r.summary();
}

TEST(PersistentAdapter, LinesWithAnEarlierCasesIdAreLateOutputNotAnswers) {
  // Before each submit answer, the previous one again (hello is not repeated).
  const auto s = gc::run_suite(
      cases_named(three_cases),
      wrapped_reference("| (n=0; while IFS= read -r l; do [ -n \"$p\" ] && printf '%s\\n' \"$p\"; "
                        "printf '%s\\n' \"$l\"; n=$((n+1)); [ $n -gt 1 ] && p=$l; done)",
                        false));
  for (const auto& r : s.results) EXPECT_EQ(r.verdict, gc::grade::ok) << r.case_id << ": " << r.summary();
  EXPECT_NE(s.results[1].wire_log.find("late output (an earlier case's id) <- {\"id\":1,"), std::string::npos)
      << s.results[1].wire_log;
}

TEST(PersistentAdapter, AnEndAfterAnAnswerThatItsOwnProcessDoesNotRepeatIsNotPinnedOnTheCase) {
  // The process kills its own group right after its second submit answer,
  // which a process of one case (hello and one submit) never reaches. Case 2
  // runs again in a process of its own and gets that run's grade, as
  // --isolate does; case 3 gets a fresh process.
  const auto s = gc::run_suite(cases_named(three_cases),
                               wrapped_reference("| (n=0; while [ $n -lt 3 ] && IFS= read -r l; do "
                                                 "printf '%s\\n' \"$l\"; n=$((n+1)); done; "
                                                 "if [ $n -eq 3 ]; then kill -9 0; fi)",
                                                 false));
  for (const auto& r : s.results) EXPECT_EQ(r.verdict, gc::grade::ok) << r.case_id << ": " << r.summary();
  EXPECT_NE(s.results[1].wire_log.find("ran twice"), std::string::npos) << s.results[1].wire_log;
  EXPECT_NE(s.results[1].wire_log.find("SIGKILL"), std::string::npos) << s.results[1].wire_log;
  EXPECT_NE(s.results[2].wire_log.find("case 1 of this process"), std::string::npos) << s.results[2].wire_log;
}

TEST(PersistentAdapter, AnEndAfterAnAnswerThatItsOwnProcessRepeatsIsGradedOnTheCase) {
  // Every process kills its own group after its first submit answer, also
  // when it serves one case only: each case is CRASHED in both modes.
  const std::string tail =
      "| (n=0; while [ $n -lt 2 ] && IFS= read -r l; do printf '%s\\n' \"$l\"; n=$((n+1)); done; "
      "kill -9 0)";
  const auto persistent = gc::run_suite(cases_named(three_cases), wrapped_reference(tail, false));
  const auto isolated = gc::run_suite(cases_named(three_cases), wrapped_reference(tail, true));
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(persistent.results[i].verdict, gc::grade::crashed) << persistent.results[i].summary();
    EXPECT_EQ(isolated.results[i].verdict, gc::grade::crashed) << isolated.results[i].summary();
  }
}

TEST(PersistentAdapter, ACrashRestartsTheProcessAndGradesOnlyItsCase) {
  // --break=crash dies by SIGSEGV on every request with an empty workload.
  gc::run_options o;
  o.adapter_argv = {GEARSPEC_REFERENCE_ADAPTER, "--break=crash"};
  o.jobs = 2;
  const auto persistent = gc::run_suite(suite(), o);
  o.isolate = true;
  const auto isolated = gc::run_suite(suite(), o);
  int crashed = 0;
  for (std::size_t i = 0; i < suite().size(); ++i) {
    EXPECT_EQ(persistent.results[i].verdict, isolated.results[i].verdict)
        << suite()[i].id << ": persistent " << persistent.results[i].summary() << "; isolated "
        << isolated.results[i].summary();
    crashed += persistent.results[i].verdict == gc::grade::crashed;
  }
  EXPECT_GT(crashed, 0);
}

}  // namespace
