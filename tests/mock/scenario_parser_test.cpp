// Scenario files: every shipped file parses; errors name file, line, column
// and what was expected.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "gearspec/mock/scenario.hpp"

namespace gearspec::mock {
namespace {

TEST(ScenarioParser, EveryShippedScenarioParses) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GEARSPEC_SCENARIO_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    EXPECT_NO_THROW({
      auto s = load_scenario_file(entry.path().string());
      EXPECT_FALSE(s->name().empty());
      EXPECT_GE(s->script_count(), 1u);
    }) << entry.path();
  }
  EXPECT_GE(count, 20u);
}

struct bad_case {
  const char* yaml;
  int line;
  const char* expected_fragment;
};

TEST(ScenarioParser, ErrorsPointAtTheLineAndSayWhatWasExpected) {
  const bad_case cases[] = {
      {"steps:\n  - expect: SUBMIT_JOB_BGX\n", 2, "a Gearman command name"},
      {"steps:\n  - frobnicate: 1\n", 2, "a step action"},
      {"steps:\n  - reply: {command: JOB_CREATED, args: []}\n", 2, "1 arguments for JOB_CREATED"},
      {"steps:\n  - reply: {command: NOOP, data: x}\n", 2, "no data"},
      {"steps:\n  - expect: {command: GET_STATUS, args: [a, b]}\n", 2, "1 argument predicates"},
      {"steps:\n  - expect: {command: SUBMIT_JOB, args: [{regex: \"(\"}, ~]}\n", 2,
       "valid regular expression"},
      {"steps:\n  - raw: {hex: \"0g\"}\n", 2, "hex digits"},
      {"steps:\n  - raw: {escaped: \"\\\\q\"}\n", 2, "valid escape"},
      {"steps:\n  - reply: {command: JOB_CREATED, args: [\"${nope}\"]}\n", 2, "a substitution"},
      {"steps:\n  - goto: nowhere\n", 2, "goto a state"},
      {"steps:\n  - delay: soon\n", 2, "a delay in milliseconds"},
      {"steps:\n  - garbage: {seed: 3}\n", 2, "a garbage length key (length: N), got a mapping without one"},
      {"steps:\n  - oversize: {command: JOB_CREATED, magic: REX}\n", 2, "REQ or RES, got 'REX'"},
      {"steps:\n  - close\n    split_at: 3\n", 3, "well-formed YAML"},
      {"steps:\n  - expect: ECHO_REQ\n    drip: true\n", 3, "write modifiers only on a sending step"},
      {"on_mismatch: explode\nsteps: []\n", 1, "continue, skip, close, reset or queue"},
      {"name: x\n", 1, "a 'steps' or 'connections' key"},
      {"name: ''\nsteps: []\n", 1, "a non-empty name, got an empty string"},
      {"steps: [\n", 2, "well-formed YAML"},
      {"steps:\n  - expect: {command: GRAB, args: [x]}\n", 2, "0 argument predicates for GRAB"},
      {"steps:\n  - expect: {command: GRAB, data: x}\n", 2, "no data predicate: GRAB has no data part"},
      {"steps:\n  - expect: GRAB\n  - reply: {assign: [h, fn, u], data: w}\n", 3,
       "4 fields for assign: [handle, function, unique, reducer], got 3"},
      {"steps:\n  - expect: GRAB\n  - reply: {assign: [h, fn, u, r], command: JOB_ASSIGN}\n", 3,
       "either 'assign' or 'command'"},
      {"steps:\n  - expect: CAN_DO\n  - reply: {assign: [h, fn, u, r]}\n", 3,
       "an expect that can match a grab (GRAB, GRAB_JOB*, any) before an assign in the same script, got an "
       "assign "
       "with no grab expected before it"},
      {"connections:\n  - [{expect: GRAB}]\n  - [{reply: {assign: [h, fn, u, r]}}]\n", 3,
       "before an assign in the same script"},
      {"steps:\n  - expect: GRAB\n  - reply: NOOP\n    close_within: 1\n    close_after: 1\n", 4,
       "one of close_after, reset_after or close_within"},
  };
  for (const auto& c : cases) {
    try {
      parse_scenario(c.yaml, "case.yaml");
      ADD_FAILURE() << "no error for:\n" << c.yaml;
    } catch (const scenario_error& e) {
      EXPECT_EQ(e.file(), "case.yaml");
      EXPECT_EQ(e.line(), c.line) << e.what();
      EXPECT_NE(std::string{e.what()}.find(c.expected_fragment), std::string::npos) << e.what();
      EXPECT_EQ(std::string{e.what()}.rfind("case.yaml:" + std::to_string(c.line) + ":", 0), 0u) << e.what();
    }
  }
}

TEST(ScenarioParser, AnAssignErrorNamesTheColumnOfTheFieldList) {
  try {
    parse_scenario("steps:\n  - expect: GRAB_JOB\n  - reply: {assign: [h, fn], data: w}\n", "w.yaml");
    FAIL() << "no error";
  } catch (const scenario_error& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.column(), 21);
    EXPECT_EQ(e.got(), "2");
  }
  EXPECT_NO_THROW(parse_scenario(
      "steps:\n  - expect: {command: GRAB, args: []}\n  - reply: {assign: [h, f, u, r]}\n", "w.yaml"));
  EXPECT_NO_THROW(parse_scenario(
      "steps:\n  - expect: GRAB_JOB_UNIQ\n  - wrong_magic: {assign: [h, f, u, r]}\n", "w.yaml"));
}

TEST(ScenarioParser, FirstLineOffsetsErrorsIntoTheEmbeddingFile) {
  try {
    parse_scenario("steps:\n  - expect: NOPE\n", "cases/submit.case", 40);
    FAIL() << "no error";
  } catch (const scenario_error& e) {
    EXPECT_EQ(e.line(), 41);
    EXPECT_EQ(e.column(), 13);
    EXPECT_EQ(e.got(), "'NOPE'");
  }
}

TEST(ScenarioParser, EveryCompleteExampleInTheDocsParses) {
  std::ifstream in{GEARSPEC_SCENARIO_DOC};
  ASSERT_TRUE(in) << GEARSPEC_SCENARIO_DOC;
  std::string line, block;
  bool inside = false;
  int first = 0, number = 0, parsed = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!inside && line == "```yaml") {
      inside = true;
      block.clear();
      first = number + 1;
    } else if (inside && line == "```") {
      inside = false;
      const bool whole = block.rfind("steps:", 0) == 0 || block.rfind("name:", 0) == 0;
      if (whole && block.find("[...]") == std::string::npos) {  // whole scenarios, not outlines
        EXPECT_NO_THROW(parse_scenario(block, "docs/scenarios.md", first)) << block;
        ++parsed;
      }
    } else if (inside) {
      block += line + "\n";
    }
  }
  EXPECT_GE(parsed, 4);
}

TEST(ScenarioParser, MissingFileIsAScenarioError) {
  EXPECT_THROW(load_scenario_file("/nonexistent/x.yaml"), scenario_error);
}

TEST(ScenarioParser, ArbitraryBytesNeverEscapeAsAnythingButScenarioError) {
  const std::string inputs[] = {"",
                                "\xff\xfe",
                                "- - - -",
                                "steps: {a: b}",
                                "steps:\n  - repeat: {times: 1, steps: []}\n",
                                "connections: [[expect: any], 3]",
                                "steps:\n  - garbage: 99999999999\n"};
  for (const auto& in : inputs) {
    try {
      parse_scenario(in, "fuzz");
    } catch (const scenario_error&) {
    }
  }
}

}  // namespace
}  // namespace gearspec::mock
