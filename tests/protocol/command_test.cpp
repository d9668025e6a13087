// The command table against WIRE.md section 2, and the helpers built on it.
#include "gearspec/protocol/command.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace gp = gearspec::proto;

namespace {

// WIRE.md section 2, one row per command: "number name magic argc/data".
constexpr std::string_view spec_table = R"(0 TEXT - 5/no
1 CAN_DO REQ 1/no
2 CANT_DO REQ 1/no
3 RESET_ABILITIES REQ 0/no
4 PRE_SLEEP REQ 0/no
5 UNUSED - 0/no
6 NOOP RES 0/no
7 SUBMIT_JOB REQ 2/yes
8 JOB_CREATED RES 1/no
9 GRAB_JOB REQ 0/no
10 NO_JOB RES 0/no
11 JOB_ASSIGN RES 2/yes
12 WORK_STATUS BOTH 3/no
13 WORK_COMPLETE BOTH 1/yes
14 WORK_FAIL BOTH 1/no
15 GET_STATUS REQ 1/no
16 ECHO_REQ REQ 0/yes
17 ECHO_RES RES 0/yes
18 SUBMIT_JOB_BG REQ 2/yes
19 ERROR RES 2/no
20 STATUS_RES RES 5/no
21 SUBMIT_JOB_HIGH REQ 2/yes
22 SET_CLIENT_ID REQ 1/no
23 CAN_DO_TIMEOUT REQ 2/no
24 ALL_YOURS REQ 0/no
25 WORK_EXCEPTION BOTH 1/yes
26 OPTION_REQ REQ 1/no
27 OPTION_RES RES 1/no
28 WORK_DATA BOTH 1/yes
29 WORK_WARNING BOTH 1/yes
30 GRAB_JOB_UNIQ REQ 0/no
31 JOB_ASSIGN_UNIQ RES 3/yes
32 SUBMIT_JOB_HIGH_BG REQ 2/yes
33 SUBMIT_JOB_LOW REQ 2/yes
34 SUBMIT_JOB_LOW_BG REQ 2/yes
35 SUBMIT_JOB_SCHED REQ 7/yes
36 SUBMIT_JOB_EPOCH REQ 3/yes
37 SUBMIT_REDUCE_JOB REQ 4/yes
38 SUBMIT_REDUCE_JOB_BACKGROUND REQ 4/yes
39 GRAB_JOB_ALL REQ 0/no
40 JOB_ASSIGN_ALL RES 4/yes
41 GET_STATUS_UNIQUE REQ 1/no
42 STATUS_RES_UNIQUE RES 6/no
43 MAX - 0/no
)";

std::string_view direction_word(gp::direction d) {
  switch (d) {
    case gp::direction::request:
      return "REQ";
    case gp::direction::response:
      return "RES";
    case gp::direction::both:
      return "BOTH";
    case gp::direction::none:
      break;
  }
  return "-";
}

std::string lower(std::string_view s) {
  std::string out{s};
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

gp::command cmd(std::uint32_t n) { return static_cast<gp::command>(n); }

}  // namespace

TEST(CommandTable, MatchesWireSpecRowByRow) {
  std::istringstream spec{std::string{spec_table}};
  std::string line;
  std::size_t rows = 0;
  while (std::getline(spec, line)) {
    const auto& row = gp::commands().at(rows);
    std::ostringstream actual;
    actual << static_cast<std::uint32_t>(row.cmd) << ' ' << row.name << ' ' << direction_word(row.dir) << ' '
           << int{row.argc} << '/' << (row.has_data ? "yes" : "no");
    EXPECT_EQ(actual.str(), line);
    EXPECT_EQ(&gp::info(row.cmd), &row) << "info() indexes the same row";
    ++rows;
  }
  EXPECT_EQ(rows, gp::command_count);
  EXPECT_EQ(gp::commands().size(), gp::command_count);
}

TEST(CommandTable, ArgumentArraysFitEveryCommand) {
  for (const auto& row : gp::commands()) EXPECT_LE(row.argc, gp::max_arguments) << row.name;
  EXPECT_EQ(gp::max_arguments, 8u) << "GEARMAN_MAX_COMMAND_ARGS";
}

TEST(CommandTable, WireCommandsAreOneToFortyTwo) {
  EXPECT_FALSE(gp::is_wire_command(0));
  EXPECT_TRUE(gp::is_wire_command(1));
  EXPECT_TRUE(gp::is_wire_command(42));
  EXPECT_FALSE(gp::is_wire_command(43));
  EXPECT_FALSE(gp::is_wire_command(0xFFFFFFFFu));
}

TEST(CommandNames, NamesAreDistinctAndFoundInAnyCase) {
  std::set<std::string_view> names;
  for (const auto& row : gp::commands()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_EQ(gp::name(row.cmd), row.name);
    EXPECT_EQ(gp::command_from_name(row.name), row.cmd);
    EXPECT_EQ(gp::command_from_name(lower(row.name)), row.cmd);
  }
  EXPECT_EQ(gp::command_from_name("Submit_Job_Bg"), gp::command::submit_job_bg);
  EXPECT_EQ(gp::command_from_name("SUBMIT_JOB_BGX"), std::nullopt);
  EXPECT_EQ(gp::command_from_name(""), std::nullopt);
  EXPECT_EQ(gp::name(cmd(44)), "UNKNOWN");
  EXPECT_EQ(gp::name(cmd(0xFFFFFFFFu)), "UNKNOWN");
}

TEST(SubmitCommands, PriorityAndBackgroundMapping) {
  // WIRE.md 2.1.
  EXPECT_EQ(gp::submit_command(gp::priority::high, false), cmd(21));
  EXPECT_EQ(gp::submit_command(gp::priority::normal, false), cmd(7));
  EXPECT_EQ(gp::submit_command(gp::priority::low, false), cmd(33));
  EXPECT_EQ(gp::submit_command(gp::priority::high, true), cmd(32));
  EXPECT_EQ(gp::submit_command(gp::priority::normal, true), cmd(18));
  EXPECT_EQ(gp::submit_command(gp::priority::low, true), cmd(34));
  for (auto p : {gp::priority::high, gp::priority::normal, gp::priority::low})
    for (bool bg : {false, true}) {
      EXPECT_EQ(gp::submit_priority(gp::submit_command(p, bg)), p);
      EXPECT_EQ(gp::is_background_submit(gp::submit_command(p, bg)), bg);
    }
  EXPECT_EQ(static_cast<int>(gp::priority::high), 0);
  EXPECT_EQ(static_cast<int>(gp::priority::normal), 1);
  EXPECT_EQ(static_cast<int>(gp::priority::low), 2);
  EXPECT_EQ(gp::name(gp::priority::high), "high");
  EXPECT_EQ(gp::name(gp::priority::normal), "normal");
  EXPECT_EQ(gp::name(gp::priority::low), "low");
}

TEST(SubmitCommands, ExactlyTheTenSubmits) {
  const std::set<std::uint32_t> submits{7, 18, 21, 32, 33, 34, 35, 36, 37, 38};
  const std::set<std::uint32_t> background{18, 32, 34, 35, 36, 38};
  for (const auto& row : gp::commands()) {
    const auto n = static_cast<std::uint32_t>(row.cmd);
    EXPECT_EQ(gp::is_submit(row.cmd), submits.count(n) == 1) << row.name;
    EXPECT_EQ(gp::is_background_submit(row.cmd), background.count(n) == 1) << row.name;
    if (gp::is_submit(row.cmd)) {
      EXPECT_EQ(row.dir, gp::direction::request) << row.name;
      EXPECT_TRUE(row.has_data) << row.name;
      EXPECT_GE(row.argc, 2) << row.name;
    }
  }
  EXPECT_EQ(gp::submit_priority(gp::command::submit_job_epoch), gp::priority::normal);
  EXPECT_EQ(gp::submit_priority(gp::command::submit_reduce_job), gp::priority::normal);
}
