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

namespace {

// WIRE.md section 2 again, "number senders body-layout": who sends each
// command (C client, W worker, S server; "-" nobody) and its arguments by
// name (AGG the reduce aggregate, TOKEN a word of an admin line).
constexpr std::string_view spec_layouts = R"(0 - TOKEN TOKEN TOKEN TOKEN TOKEN
1 W FUNC
2 W FUNC
3 W
4 W
5 -
6 S
7 C FUNC UNIQ
8 S HANDLE
9 W
10 S
11 S HANDLE FUNC
12 WS HANDLE NUM DEN
13 WS HANDLE
14 WS HANDLE
15 C HANDLE
16 CW
17 S
18 C FUNC UNIQ
19 S CODE TEXT
20 S HANDLE KNOWN RUNNING NUM DEN
21 C FUNC UNIQ
22 CW ID
23 W FUNC TIMEOUT
24 W
25 WS HANDLE
26 CW NAME
27 S NAME
28 WS HANDLE
29 WS HANDLE
30 W
31 S HANDLE FUNC UNIQ
32 C FUNC UNIQ
33 C FUNC UNIQ
34 C FUNC UNIQ
35 C FUNC UNIQ MIN HOUR MDAY MON WDAY
36 C FUNC UNIQ EPOCH
37 C FUNC UNIQ REDUCER AGG
38 C FUNC UNIQ REDUCER AGG
39 W
40 S HANDLE FUNC UNIQ REDUCER
41 C UNIQ
42 S UNIQ KNOWN RUNNING NUM DEN CLIENT_COUNT
43 -
)";

std::string_view role_word(gp::role r) {
  switch (r) {
    case gp::role::function:
      return "FUNC";
    case gp::role::unique:
      return "UNIQ";
    case gp::role::handle:
      return "HANDLE";
    case gp::role::reducer:
      return "REDUCER";
    case gp::role::error_code:
      return "CODE";
    case gp::role::text:
      return "TEXT";
    case gp::role::option:
      return "NAME";
    case gp::role::client_id:
      return "ID";
    case gp::role::number:
      return "#";
    case gp::role::opaque:
      return "*";
    case gp::role::none:
      break;
  }
  return "NONE";
}

// The layout's field names, mapped to what a role can tell apart.
std::string spec_role(const std::string& field) {
  for (const char* number : {"NUM", "DEN", "KNOWN", "RUNNING", "TIMEOUT", "EPOCH", "MIN", "HOUR", "MDAY",
                             "MON", "WDAY", "CLIENT_COUNT"})
    if (field == number) return "#";
  if (field == "AGG" || field == "TOKEN") return "*";
  return field;
}

std::set<std::uint32_t> numbers_where(bool (*pred)(gp::command)) {
  std::set<std::uint32_t> out;
  for (std::uint32_t n = 1; n < 43; ++n)
    if (pred(cmd(n))) out.insert(n);
  return out;
}

}  // namespace

TEST(CommandTable, SendersAndArgumentRolesMatchWireSpec) {
  std::istringstream spec{std::string{spec_layouts}};
  std::string line;
  std::size_t rows = 0;
  while (std::getline(spec, line)) {
    const auto& row = gp::commands().at(rows++);
    std::istringstream fields{line};
    std::uint32_t number = 0;
    std::string senders;
    fields >> number >> senders;
    ASSERT_EQ(number, static_cast<std::uint32_t>(row.cmd));
    std::string actual_senders;
    if (row.from.has(gp::peer::client)) actual_senders += 'C';
    if (row.from.has(gp::peer::worker)) actual_senders += 'W';
    if (row.from.has(gp::peer::server)) actual_senders += 'S';
    EXPECT_EQ(actual_senders.empty() ? "-" : actual_senders, senders) << row.name;
    std::vector<std::string> expected, actual;
    for (std::string field; fields >> field;) expected.push_back(spec_role(field));
    for (std::size_t i = 0; i < row.argc; ++i) actual.emplace_back(role_word(row.roles[i]));
    EXPECT_EQ(actual, expected) << row.name;
  }
  EXPECT_EQ(rows, gp::command_count);
}

TEST(CommandTable, RolesCoverExactlyTheArguments) {
  for (const auto& row : gp::commands()) {
    for (std::size_t i = 0; i < gp::max_arguments; ++i) {
      EXPECT_EQ(row.roles[i] != gp::role::none, i < row.argc) << row.name << " argument " << i;
      EXPECT_EQ(gp::argument_role(row.cmd, i), row.roles[i]);
    }
    EXPECT_EQ(gp::argument_role(row.cmd, gp::max_arguments), gp::role::none);
  }
  EXPECT_EQ(gp::argument_role(cmd(99), 0), gp::role::none);
}

TEST(CommandTable, DirectionFollowsTheSenders) {
  for (const auto& row : gp::commands()) {
    const bool to_server = row.from.has(gp::peer::client) || row.from.has(gp::peer::worker);
    const bool by_server = row.from.has(gp::peer::server);
    const auto expected = to_server && by_server ? gp::direction::both
                          : to_server            ? gp::direction::request
                          : by_server            ? gp::direction::response
                                                 : gp::direction::none;
    EXPECT_EQ(row.dir, expected) << row.name;
  }
}

TEST(CommandTable, EveryReplyAnswersRequestsOfTheOtherSide) {
  std::size_t replies = 0;
  for (const auto& reply : gp::commands()) {
    if (reply.answers.empty()) continue;
    ++replies;
    EXPECT_EQ(reply.dir, gp::direction::response) << reply.name << " is sent by the server only";
    std::size_t requests = 0;
    for (const auto& request : gp::commands()) {
      if (!reply.answers.has(request.cmd)) continue;
      ++requests;
      EXPECT_TRUE(gp::is_wire_command(static_cast<std::uint32_t>(request.cmd))) << request.name;
      EXPECT_EQ(request.dir, gp::direction::request) << reply.name << " answers " << request.name;
      EXPECT_TRUE(gp::expects_reply(request.cmd)) << request.name;
      EXPECT_TRUE(gp::answers(reply.cmd, request.cmd));
    }
    EXPECT_GT(requests, 0u) << reply.name;
  }
  EXPECT_EQ(replies, 10u)
      << "JOB_CREATED NO_JOB JOB_ASSIGN ECHO_RES ERROR STATUS_RES OPTION_RES JOB_ASSIGN_UNIQ "
         "JOB_ASSIGN_ALL STATUS_RES_UNIQUE";
  // Every request that waits has a success reply besides ERROR.
  for (const auto& request : gp::commands()) {
    if (!gp::expects_reply(request.cmd)) continue;
    bool other_than_error = false;
    for (const auto& reply : gp::commands())
      other_than_error |= reply.cmd != gp::command::error && gp::answers(reply.cmd, request.cmd);
    EXPECT_TRUE(other_than_error) << request.name;
  }
}

TEST(CommandTable, RequestsThatWaitForOneReply) {
  // WIRE.md 3.5: submits, GET_STATUS*, ECHO_REQ and OPTION_REQ; a worker's GRAB_JOB*.
  EXPECT_EQ(numbers_where([](gp::command c) { return gp::expects_reply(c); }),
            (std::set<std::uint32_t>{7, 9, 15, 16, 18, 21, 26, 30, 32, 33, 34, 35, 36, 37, 38, 39, 41}));
  EXPECT_EQ(numbers_where([](gp::command c) { return gp::answers_requests_of(c, gp::peer::client); }),
            (std::set<std::uint32_t>{8, 17, 19, 20, 27, 42}));
  EXPECT_EQ(numbers_where([](gp::command c) { return gp::answers_requests_of(c, gp::peer::worker); }),
            (std::set<std::uint32_t>{10, 11, 17, 19, 27, 31, 40}));
  EXPECT_TRUE(gp::answers(gp::command::job_created, gp::command::submit_job_epoch));
  EXPECT_TRUE(gp::answers(gp::command::status_res, gp::command::get_status));
  EXPECT_FALSE(gp::answers(gp::command::status_res, gp::command::get_status_unique));
  EXPECT_TRUE(gp::answers(gp::command::job_assign_uniq, gp::command::grab_job_all)) << "no reducer";
  EXPECT_FALSE(gp::answers(gp::command::job_created, gp::command::echo_req));
  EXPECT_FALSE(gp::answers(cmd(99), gp::command::submit_job));
  EXPECT_FALSE(gp::answers(gp::command::error, cmd(99)));
}

TEST(CommandTable, RelayedAreTheWorkCommands) {
  EXPECT_EQ(numbers_where([](gp::command c) { return gp::is_relayed(c); }),
            (std::set<std::uint32_t>{12, 13, 14, 25, 28, 29}));
  EXPECT_FALSE(gp::is_relayed(cmd(99)));
}

TEST(CommandTable, ServerAcceptsWhatGearmandAccepts) {
  // WIRE.md 2: gearmand does not accept 5, 6, 8, 10, 11, 17, 19, 20, 24, 27, 31, 35, 40, 42.
  std::set<std::uint32_t> refused;
  for (std::uint32_t n = 1; n < 43; ++n)
    if (!gp::accepted_by_server(cmd(n))) refused.insert(n);
  EXPECT_EQ(refused, (std::set<std::uint32_t>{5, 6, 8, 10, 11, 17, 19, 20, 24, 27, 31, 35, 40, 42}));
  EXPECT_FALSE(gp::accepted_by_server(gp::command::text));
  EXPECT_FALSE(gp::accepted_by_server(gp::command::max));
  EXPECT_FALSE(gp::accepted_by_server(cmd(99)));
}

namespace {

TEST(CommandTable, GrabsAndTheAssignmentThatAnswersEach) {
  std::set<gp::command> grabs;
  for (const auto& row : gp::commands())
    if (gp::is_grab(row.cmd)) grabs.insert(row.cmd);
  EXPECT_EQ(grabs, (std::set<gp::command>{gp::command::grab_job, gp::command::grab_job_uniq,
                                          gp::command::grab_job_all}));
  EXPECT_EQ(gp::assignment_for(gp::command::grab_job), gp::command::job_assign);
  EXPECT_EQ(gp::assignment_for(gp::command::grab_job_uniq), gp::command::job_assign_uniq);
  EXPECT_EQ(gp::assignment_for(gp::command::grab_job_all), gp::command::job_assign_all);
  EXPECT_EQ(gp::assignment_for(gp::command::submit_job_bg), gp::command::no_job);
  std::set<gp::command> assignments;
  for (const auto& row : gp::commands())
    if (gp::is_assignment(row.cmd)) assignments.insert(row.cmd);
  EXPECT_EQ(assignments, (std::set<gp::command>{gp::command::job_assign, gp::command::job_assign_uniq,
                                                gp::command::job_assign_all}));
}

TEST(CommandTable, OnlyCompleteFailAndExceptionEndAJob) {
  std::set<gp::command> endings;
  for (const auto& row : gp::commands()) {
    if (!gp::ends_job(row.cmd)) continue;
    endings.insert(row.cmd);
    EXPECT_TRUE(gp::is_relayed(row.cmd)) << row.name;
  }
  EXPECT_EQ(endings, (std::set<gp::command>{gp::command::work_complete, gp::command::work_fail,
                                            gp::command::work_exception}));
}

}  // namespace
