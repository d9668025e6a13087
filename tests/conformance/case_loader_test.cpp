#include "gearspec/conformance/case_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace gc = gearspec::conformance;

namespace {

const char* const two_cases = R"(defaults:
  section: SEMANTICS 4
  requirement: MUST
cases:
  - id: t/1
    title: one
    checks: bytes
    jobs:
      - {function: fn, unique: u-1, workload: {hex: "610062"}, priority: high}
  - id: t/2
    title: two
    requirement: SHOULD
    checks: outcome
    needs: [batch]
    timeout_ms: 300
    scenario: |
      steps:
        - expect: SUBMIT_JOB_BG
    jobs:
      - {function: f, workload: {repeat: "ab", count: 3}, expect: error,
         error_class: [timeout, other], count: 2}
)";

/// The error text of parse_case_file on `text`, or "" if it parsed.
std::string error_of(const std::string& text) {
  try {
    gc::parse_case_file(text, "cases.yaml");
  } catch (const gc::case_file_error& e) {
    return e.what();
  }
  return "";
}

TEST(CaseLoader, ParsesCasesWithDefaults) {
  const auto cases = gc::parse_case_file(two_cases, "cases.yaml");
  ASSERT_EQ(cases.size(), 2u);
  const auto& a = cases[0];
  EXPECT_EQ(a.id, "t/1");
  EXPECT_EQ(a.section, "SEMANTICS 4");
  EXPECT_EQ(a.level, gc::requirement::must);
  EXPECT_EQ(a.server, gc::server_kind::queue);
  EXPECT_EQ(a.source_line, 5);
  ASSERT_EQ(a.requests.size(), 1u);
  ASSERT_EQ(a.requests[0].jobs.size(), 1u);
  EXPECT_EQ(a.requests[0].jobs[0].workload, std::string("a\0b", 3));
  EXPECT_EQ(a.requests[0].jobs[0].submit_command(), gearspec::proto::command::submit_job_high_bg);
  EXPECT_EQ(a.deadline_ms, 3000) << "default: timeout_ms 1000 + 2000";
  EXPECT_EQ(gc::required_features(a), (std::vector<std::string>{"background", "high"}));

  const auto& b = cases[1];
  EXPECT_EQ(b.level, gc::requirement::should);
  EXPECT_EQ(b.server, gc::server_kind::scenario);
  EXPECT_EQ(b.scenario_first_line, 17) << "the line after 'scenario: |'";
  EXPECT_EQ(b.scenario_yaml, "steps:\n  - expect: SUBMIT_JOB_BG\n");
  ASSERT_EQ(b.requests[0].jobs.size(), 2u) << "count: 2";
  EXPECT_FALSE(b.requests[0].jobs[0].unique.has_value());
  EXPECT_EQ(b.requests[0].jobs[0].workload, "ababab");
  EXPECT_EQ(b.requests[0].jobs[0].outcome, gc::expected_outcome::error);
  EXPECT_EQ(b.requests[0].jobs[0].error_classes, (std::vector<std::string>{"timeout", "other"}));
  EXPECT_EQ(b.requests[0].timeout_ms, 300);
  EXPECT_EQ(b.deadline_ms, 2300);
  EXPECT_EQ(gc::required_features(b), (std::vector<std::string>{"background", "batch"}));
}

TEST(CaseLoader, ForOffsetMakesOneCasePerOffsetWithStableIds) {
  const auto cases = gc::parse_case_file(R"(id: close/{offset}
title: close after {offset}
section: S
requirement: MUST
checks: c
for_offset: [3, 5]
scenario: |
  steps:
    - reply: {command: NOOP}
      close_after: {offset}
jobs: [{function: fn, workload: w}]
)",
                                         "c.yaml");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0].id, "close/3");
  EXPECT_EQ(cases[2].id, "close/5");
  EXPECT_EQ(cases[1].title, "close after 4");
  EXPECT_NE(cases[1].scenario_yaml.find("close_after: 4"), std::string::npos);
}

TEST(CaseLoader, ErrorsNameFileLineAndWhat) {
  const std::pair<std::string, std::string> bad[] = {
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n    colour: "
       "red\n"
       "    jobs: [{function: f, workload: w}]\n",
       "cases.yaml:7: unknown key 'colour' in a case"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MAYBE\n    checks: c\n"
       "    jobs: [{function: f, workload: w}]\n",
       "cases.yaml:5: requirement must be MUST, SHOULD or MAY, not 'MAYBE'"},
      {"cases:\n  - title: t\n    section: s\n    requirement: MUST\n    checks: c\n    jobs: [{function: "
       "f}]\n",
       "cases.yaml:2: a case needs 'id'"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n"
       "    jobs: [{function: f, workload: {hex: zz}}]\n",
       "cases.yaml:7: workload: malformed hex"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n"
       "    timeout_ms: 500\n    deadline_ms: 400\n    jobs: [{function: f}]\n",
       "cases.yaml:8: deadline_ms must exceed every timeout_ms"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n"
       "    for_offset: [0, 2]\n    jobs: [{function: f}]\n",
       "cases.yaml:2: a for_offset case needs {offset} in its id"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n"
       "    needs: [teleport]\n    jobs: [{function: f}]\n",
       "cases.yaml:7: unknown feature 'teleport'"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n"
       "    jobs: [{function: {hex: 61006200}}]\n",
       "cases.yaml:7: function must not hold a NUL"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n"
       "    protocol: 3\n    jobs: [{function: f}]\n",
       "cases.yaml:7: protocol = 3 is outside 1..2"},
      {"cases:\n  - id: a/1\n    title: t\n    section: s\n    requirement: MUST\n    checks: c\n"
       "    server: scenario\n    jobs: [{function: f}]\n",
       "cases.yaml:2: server: scenario needs a 'scenario: |' block"},
      {"cases: [\n", "cases.yaml:2: YAML syntax"},
  };
  for (const auto& [text, want] : bad) {
    const auto got = error_of(text);
    EXPECT_EQ(got.substr(0, want.size()), want) << "got: " << got;
  }
}

TEST(CaseLoader, DuplicateIdsAcrossFilesAreRejected) {
  const auto dir = std::filesystem::temp_directory_path() / ("gearspec-cases-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string one =
      "id: dup/1\ntitle: t\nsection: s\nrequirement: MUST\nchecks: c\njobs: [{function: f}]\n";
  std::ofstream(dir / "a.yaml") << one;
  std::ofstream(dir / "b.yaml") << one;
  try {
    gc::load_cases({dir.string()});
    ADD_FAILURE() << "duplicate accepted";
  } catch (const gc::case_file_error& e) {
    EXPECT_NE(std::string(e.what()).find("b.yaml:1: duplicate case id 'dup/1' (first defined at"),
              std::string::npos)
        << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(CaseLoader, CaseFileRoundTrip) {
  auto original = gc::parse_case_file(two_cases, "cases.yaml");
  for (const auto& c : original) {
    const auto text = gc::to_case_file(c);
    const auto again = gc::parse_case_file(text, "again.yaml");
    ASSERT_EQ(again.size(), 1u) << text;
    const auto& r = again[0];
    EXPECT_EQ(r.id, c.id);
    EXPECT_EQ(r.level, c.level);
    EXPECT_EQ(r.server, c.server);
    EXPECT_EQ(r.scenario_yaml, c.scenario_yaml);
    EXPECT_EQ(r.deadline_ms, c.deadline_ms);
    ASSERT_EQ(r.requests.size(), c.requests.size());
    ASSERT_EQ(r.requests[0].jobs.size(), c.requests[0].jobs.size());
    for (std::size_t i = 0; i < r.requests[0].jobs.size(); ++i) {
      const auto &x = r.requests[0].jobs[i], &y = c.requests[0].jobs[i];
      EXPECT_EQ(x.function, y.function);
      EXPECT_EQ(x.unique, y.unique);
      EXPECT_EQ(x.workload, y.workload);
      EXPECT_EQ(x.prio, y.prio);
      EXPECT_EQ(x.outcome, y.outcome);
      EXPECT_EQ(x.error_classes, y.error_classes);
    }
  }
}

TEST(CaseLoader, EveryShippedWorkerCaseRoundTripsThroughACaseFile) {
  int worker_cases = 0;
  for (const auto& c : gc::load_cases({GEARSPEC_TEST_CASES_DIR})) {
    if (!c.work) continue;
    ++worker_cases;
    const auto text = gc::to_case_file(c);
    const auto again = gc::parse_case_file(text, "again.yaml");
    ASSERT_EQ(again.size(), 1u) << text;
    ASSERT_TRUE(again[0].work) << text;
    const auto &x = *again[0].work, &y = *c.work;
    EXPECT_EQ(again[0].scenario_yaml, c.scenario_yaml) << c.id;
    EXPECT_TRUE(again[0].requests.empty()) << c.id;
    ASSERT_EQ(x.functions.size(), y.functions.size()) << c.id;
    for (std::size_t f = 0; f < x.functions.size(); ++f) {
      EXPECT_EQ(x.functions[f].name, y.functions[f].name) << c.id;
      ASSERT_EQ(x.functions[f].actions.size(), y.functions[f].actions.size()) << c.id;
      for (std::size_t a = 0; a < x.functions[f].actions.size(); ++a) {
        const auto &p = x.functions[f].actions[a], &q = y.functions[f].actions[a];
        EXPECT_EQ(p.what, q.what) << c.id;
        EXPECT_EQ(p.bytes, q.bytes) << c.id;
        EXPECT_EQ(p.numerator, q.numerator) << c.id;
        EXPECT_EQ(p.denominator, q.denominator) << c.id;
        EXPECT_EQ(p.ms, q.ms) << c.id;
      }
    }
    EXPECT_EQ(x.max_jobs, y.max_jobs) << c.id;
    EXPECT_EQ(x.timeout_ms, y.timeout_ms) << c.id;
    ASSERT_EQ(x.queued.size(), y.queued.size()) << c.id;
    for (std::size_t q = 0; q < x.queued.size(); ++q) {
      EXPECT_EQ(x.queued[q].function, y.queued[q].function) << c.id;
      EXPECT_EQ(x.queued[q].unique, y.queued[q].unique) << c.id;
      EXPECT_EQ(x.queued[q].workload, y.queued[q].workload) << c.id;
    }
    EXPECT_EQ(x.expect_ok, y.expect_ok) << c.id;
    EXPECT_EQ(x.expect_either, y.expect_either) << c.id;
    EXPECT_EQ(x.error_classes, y.error_classes) << c.id;
    EXPECT_EQ(x.expect_jobs, y.expect_jobs) << c.id;
    EXPECT_EQ(x.max_grabs, y.max_grabs) << c.id;
  }
  EXPECT_GE(worker_cases, 60);
  // `expect: either` (a fuzz trial's) reads back too.
  const auto either = gc::parse_case_file(
      "id: w/1\ntitle: t\nsection: S\nrequirement: MUST\nchecks: c\nserver: queue\n"
      "work: {functions: [{name: fn, actions: [fail, {status: [1, 2]}, {sleep: 5}]}], expect: either}\n",
      "either.yaml");
  ASSERT_TRUE(either.at(0).work);
  EXPECT_TRUE(either[0].work->expect_either);
  EXPECT_TRUE(gc::parse_case_file(gc::to_case_file(either[0]), "again.yaml").at(0).work->expect_either);
}

TEST(CaseLoader, BareScenarioBecomesOneReplayCase) {
  const auto path =
      std::filesystem::temp_directory_path() / ("finding-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << "steps:\n  - expect: SUBMIT_JOB_BG\n  - close\n";
  const auto cases = gc::load_case_or_scenario(path.string());
  std::filesystem::remove(path);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].id, "scenario/" + path.stem().string());
  EXPECT_EQ(cases[0].server, gc::server_kind::scenario);
  EXPECT_EQ(cases[0].scenario_yaml, "steps:\n  - expect: SUBMIT_JOB_BG\n  - close\n");
  ASSERT_EQ(cases[0].requests.at(0).jobs.size(), 1u);
  EXPECT_EQ(cases[0].requests[0].jobs[0].outcome, gc::expected_outcome::ok_or_error);
}

TEST(CaseLoader, ShippedSuiteLoadsWithAtLeast80StableCases) {
  const auto cases = gc::load_cases({GEARSPEC_TEST_CASES_DIR});
  EXPECT_GE(cases.size(), 80u);
  for (const auto& c : cases) {
    EXPECT_NE(c.id.find('/'), std::string::npos) << c.id << ": IDs are area/n";
    EXPECT_FALSE(c.requirement_text.empty()) << c.id;
  }
}

TEST(CaseLoader, VerdictKeysParseAndRoundTrip) {
  const char* text = R"(
id: v/1
title: t
section: S
requirement: SHOULD
checks: c
allow_retry: true
budget_ms: 5000
on_deadline: case-level
deadline_ms: 4000
requests:
  - timeout_ms: none
    jobs:
      - {function: fn, workload: w, expect: ok, expect_requirement: MUST,
         error_class: timeout, error_class_requirement: MUST}
)";
  const auto cases = gc::parse_case_file(text, "v.yaml");
  ASSERT_EQ(cases.size(), 1u);
  for (const auto& c : {cases[0], gc::parse_case_file(gc::to_case_file(cases[0]), "again.yaml").at(0)}) {
    EXPECT_TRUE(c.allow_retry);
    EXPECT_EQ(c.budget_ms, std::optional<int>(5000));
    EXPECT_TRUE(c.deadline_at_case_level);
    ASSERT_EQ(c.requests.size(), 1u);
    EXPECT_TRUE(c.requests[0].library_default_timeout);
    const auto& j = c.requests[0].jobs.at(0);
    EXPECT_EQ(j.outcome_level, std::optional<gc::requirement>(gc::requirement::must));
    EXPECT_EQ(j.error_class_level, std::optional<gc::requirement>(gc::requirement::must));
  }
  EXPECT_THROW(gc::parse_case_file("id: v/2\ntitle: t\nsection: S\nrequirement: MUST\nchecks: c\n"
                                   "jobs: [{function: fn, error_class_requirement: MUST}]\n",
                                   "bad.yaml"),
               gc::case_file_error);
}

TEST(CaseLoader, ValueMatrixIsGeneratedWithStableIdsEveryClassAtEveryVariant) {
  const auto cases = gc::parse_case_file("generate: value-matrix\n", "matrix.yaml");
  std::set<std::string> ids;
  for (const auto& c : cases) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate " << c.id;
    EXPECT_EQ(c.id.rfind("value/", 0), 0u) << c.id;
    EXPECT_FALSE(c.requirement_text.empty()) << c.id;
  }
  for (const char* field : {"function", "unique", "workload"})
    for (const char* cls : {"empty", "one-byte", "whitespace-only", "tab", "cr", "lf", "zero", "true", "null",
                            "non-ascii", "nul-inside"})
      for (const char* variant : {"normal", "high", "low", "batch"})
        EXPECT_TRUE(ids.count(std::string("value/") + field + "/" + cls + "/" + variant))
            << field << " " << cls;
  for (const char* id :
       {"value/function/limit-plus-1/low", "value/unique/far-over-limit/batch", "value/unique/dash/high",
        "value/unique/hash/normal", "value/workload/64k-plus-1/batch", "value/workload/8k-minus-1/normal"})
    EXPECT_TRUE(ids.count(id)) << id;
  EXPECT_THROW(gc::parse_case_file("generate: everything\n", "m.yaml"), gc::case_file_error);
}

}  // namespace
