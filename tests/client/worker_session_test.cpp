// The worker's sans-I/O session driven in memory: exact bytes of every
// request, the grab / NO_JOB / PRE_SLEEP / NOOP cycle, each JOB_ASSIGN kind,
// WORK_* with the held handle, and every fault (ERROR, close, malformed,
// unexpected) with its code — at any chunking.
#include "gearspec/client/worker_session.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::client {
namespace {

using proto::command;
using proto::magic;
using namespace std::string_literals;

std::string res(command cmd, std::initializer_list<std::string_view> args = {}, std::string_view data = {}) {
  return proto::encode(magic::response, cmd, args, data);
}
std::string req(command cmd, std::initializer_list<std::string_view> args = {}, std::string_view data = {}) {
  return proto::encode(magic::request, cmd, args, data);
}

// Take everything queued, as written.
std::string take(worker_session& w) {
  std::string out{w.output()};
  w.wrote(out.size());
  return out;
}

std::vector<command> commands_in(std::string_view bytes) {
  std::error_code ec;
  std::vector<command> out;
  for (const auto& p : proto::decode_all(bytes, ec)) out.push_back(p.cmd);
  EXPECT_FALSE(ec) << ec.message();
  return out;
}

// Connected, able to do "fn", its grab written.
void start_grab(worker_session& w) {
  EXPECT_EQ(w.can_do("fn"), return_code::success);
  w.connection_opened();
  EXPECT_EQ(w.grab(), return_code::success);
  take(w);
}

TEST(WorkerSessionBytes, AbilitiesAreAnnouncedExactlyAndAgainOnANewConnection) {
  worker_session w;
  ASSERT_EQ(w.can_do("a"), return_code::success);
  ASSERT_EQ(w.can_do("b", 30), return_code::success);
  const std::string announce = req(command::can_do, {"a"}) + req(command::can_do_timeout, {"b", "30"});
  EXPECT_EQ(take(w), announce);
  EXPECT_TRUE(w.output().empty());
  w.connection_opened();
  EXPECT_EQ(take(w), announce) << "a new connection knows nothing of the old one's abilities";
  ASSERT_EQ(w.can_do("a", 5), return_code::success);  // again: replaces the timeout
  EXPECT_EQ(take(w), req(command::can_do_timeout, {"a", "5"}));
  EXPECT_EQ(w.abilities(), 2u);
}

TEST(WorkerSessionBytes, CanDoCantDoReset) {
  worker_session w;
  ASSERT_EQ(w.can_do("a"), return_code::success);
  take(w);
  EXPECT_EQ(w.cant_do("zz"), return_code::no_registered_function);
  ASSERT_EQ(w.cant_do("a"), return_code::success);
  EXPECT_EQ(take(w), req(command::cant_do, {"a"}));
  EXPECT_FALSE(w.can("a"));
  ASSERT_EQ(w.can_do("b"), return_code::success);
  take(w);
  w.reset_abilities();
  EXPECT_EQ(take(w), req(command::reset_abilities));
  EXPECT_EQ(w.abilities(), 0u);
  EXPECT_EQ(w.grab(), return_code::no_registered_functions);
}

TEST(WorkerSessionBytes, BadFunctionNamesAreRefusedWithNothingQueued) {
  worker_session w;
  EXPECT_EQ(w.can_do(""), return_code::invalid_argument);
  EXPECT_EQ(w.can_do(std::string(513, 'f')), return_code::invalid_argument);
  EXPECT_EQ(w.can_do("a\0b"s), return_code::invalid_argument);
  EXPECT_TRUE(w.output().empty());
  EXPECT_EQ(w.can_do(std::string(512, 'f')), return_code::success);
}

TEST(WorkerSessionBytes, EachGrabModeSendsItsCommand) {
  for (const auto& [mode, cmd] :
       {std::pair{grab_mode::plain, command::grab_job}, std::pair{grab_mode::uniq, command::grab_job_uniq},
        std::pair{grab_mode::all, command::grab_job_all}}) {
    worker_session w{{}, mode};
    w.can_do("fn");
    take(w);
    ASSERT_EQ(w.grab(), return_code::success);
    EXPECT_EQ(take(w), req(cmd));
    EXPECT_EQ(w.state(), worker_state::grabbing);
    EXPECT_EQ(w.grab(), return_code::invalid_argument) << "one grab at a time";
  }
}

TEST(WorkerSessionCycle, NoJobSleepsAndOnlyNoopWakes) {
  worker_session w;
  start_grab(w);
  w.receive(res(command::no_job));
  EXPECT_EQ(w.state(), worker_state::sleeping);
  EXPECT_EQ(take(w), req(command::pre_sleep)) << "PRE_SLEEP, never a second grab";
  EXPECT_TRUE(w.output().empty());
  w.receive(res(command::noop));
  EXPECT_EQ(w.state(), worker_state::grabbing);
  EXPECT_EQ(take(w), req(command::grab_job_all));
  w.receive(res(command::noop));  // not asleep: nothing happens
  EXPECT_TRUE(w.output().empty());
  EXPECT_EQ(w.counters().noops_ignored, 1u);
  EXPECT_EQ(w.counters().wakeups, 1u);
  EXPECT_EQ(w.counters().grabs_sent, 2u);
  EXPECT_EQ(w.failure(), return_code::success);
}

TEST(WorkerSessionCycle, EachAssignKindFillsTheJob) {
  {
    worker_session w{{}, grab_mode::plain};
    start_grab(w);
    w.receive(res(command::job_assign, {"H:x:1", "fn"}, "work\0load"s));
    ASSERT_EQ(w.state(), worker_state::assigned);
    EXPECT_EQ(w.job().handle, "H:x:1");
    EXPECT_EQ(w.job().function, "fn");
    EXPECT_EQ(w.job().unique, "");
    EXPECT_EQ(w.job().workload, "work\0load"s);
  }
  {
    worker_session w{{}, grab_mode::uniq};
    start_grab(w);
    w.receive(res(command::job_assign_uniq, {"H:x:2", "fn", "u-1"}, "w"));
    ASSERT_EQ(w.state(), worker_state::assigned);
    EXPECT_EQ(w.job().unique, "u-1");
    EXPECT_EQ(w.job().assigned_by, command::job_assign_uniq);
  }
  {
    worker_session w{{}, grab_mode::all};
    start_grab(w);
    w.receive(res(command::job_assign_all, {"H:x:3", "fn", "u", "red"}, ""));
    ASSERT_EQ(w.state(), worker_state::assigned);
    EXPECT_EQ(w.job().reducer, "red");
    EXPECT_EQ(w.job().workload, "");
  }
}

TEST(WorkerSessionCycle, WorkPacketsCarryTheHandleAndEndTheJob) {
  const std::string handle(300, 'h');  // kept whole whatever its length
  worker_session w;
  start_grab(w);
  w.receive(res(command::job_assign_uniq, {handle, "fn", "u"}, "in"));
  ASSERT_EQ(w.state(), worker_state::assigned);
  ASSERT_EQ(w.send_status(1, 4294967295u), return_code::success);
  ASSERT_EQ(w.send_data("d"), return_code::success);
  ASSERT_EQ(w.send_warning("w"), return_code::success);
  ASSERT_EQ(w.send_complete("out\0put"s), return_code::success);
  EXPECT_EQ(take(w), req(command::work_status, {handle, "1", "4294967295"}) +
                         req(command::work_data, {handle}, "d") + req(command::work_warning, {handle}, "w") +
                         req(command::work_complete, {handle}, "out\0put"s));
  EXPECT_EQ(w.state(), worker_state::idle);
  EXPECT_EQ(w.send_complete("again"), return_code::invalid_argument);
  EXPECT_EQ(w.send_status(1, 2), return_code::invalid_argument);
  EXPECT_TRUE(w.output().empty());
}

TEST(WorkerSessionCycle, FailAndExceptionEndTheJob) {
  for (int which = 0; which < 2; ++which) {
    worker_session w;
    start_grab(w);
    w.receive(res(command::job_assign_uniq, {"H:1", "fn", "u"}, ""));
    ASSERT_EQ(which == 0 ? w.send_fail() : w.send_exception("boom"), return_code::success);
    EXPECT_EQ(take(w),
              which == 0 ? req(command::work_fail, {"H:1"}) : req(command::work_exception, {"H:1"}, "boom"));
    EXPECT_EQ(w.state(), worker_state::idle);
  }
}

TEST(WorkerSessionCycle, ReplyBeforeTheGrabIsWrittenIsUnexpected) {
  worker_session w;
  w.can_do("fn");
  w.connection_opened();
  ASSERT_EQ(w.grab(), return_code::success);
  const std::string out{w.output()};
  w.wrote(out.size() - 1);  // the grab's last byte is still unsent
  w.receive(res(command::no_job));
  EXPECT_TRUE(w.broken());
  EXPECT_EQ(w.failure(), return_code::unexpected_packet);
  EXPECT_NE(w.failure_text().find("not yet sent"), std::string::npos) << w.failure_text();
}

TEST(WorkerSessionCycle, SplitAtEveryOffsetGivesTheSameJob) {
  const std::string stream =
      res(command::noop) + res(command::job_assign_uniq, {"H:9", "fn", "uu"}, "payload");
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    worker_session w;
    start_grab(w);
    w.receive(stream.substr(0, cut));
    w.receive(stream.substr(cut));
    ASSERT_EQ(w.state(), worker_state::assigned) << "cut " << cut;
    EXPECT_EQ(w.job().workload, "payload");
    EXPECT_EQ(w.failure(), return_code::success);
  }
  worker_session w;
  start_grab(w);
  for (char c : stream) w.receive(std::string_view{&c, 1});
  EXPECT_EQ(w.state(), worker_state::assigned);
}

// ---- faults ---------------------------------------------------------------------

TEST(WorkerSessionFaults, ServerErrorIsReportedAndTheStreamStaysInStep) {
  worker_session w;
  start_grab(w);
  w.receive(res(command::error, {"JOB_NOT_FOUND", "Job given in work result not found"}));
  EXPECT_EQ(w.failure(), return_code::job_not_found);
  EXPECT_EQ(w.failure_text(), "Job given in work result not found");
  EXPECT_EQ(w.server_code(), "JOB_NOT_FOUND");
  EXPECT_FALSE(w.broken());
  EXPECT_EQ(w.state(), worker_state::grabbing) << "the grab is still owed a reply";
  w.clear_failure();
  w.receive(res(command::error, {"NO_SUCH_NAME", "x"}));
  EXPECT_EQ(w.failure(), return_code::server_error);
  w.receive(res(command::job_assign_uniq, {"H:1", "fn", "u"}, ""));
  EXPECT_EQ(w.state(), worker_state::assigned);
}

struct fault_row {
  const char* name;
  std::string bytes;
  return_code expected;
};

class WorkerSessionFatal : public ::testing::TestWithParam<fault_row> {};

TEST_P(WorkerSessionFatal, BreaksWithTheCode) {
  const fault_row& row = GetParam();
  worker_session w;
  start_grab(w);
  w.receive(row.bytes);
  EXPECT_TRUE(w.broken()) << row.name;
  EXPECT_EQ(w.failure(), row.expected) << row.name << ": " << w.failure_text();
  EXPECT_FALSE(w.failure_text().empty());
  EXPECT_EQ(w.state(), worker_state::idle);
  EXPECT_TRUE(w.output().empty());
  w.receive(res(command::job_assign_uniq, {"H:1", "fn", "u"}, ""));  // ignored once broken
  EXPECT_EQ(w.state(), worker_state::idle);
  w.connection_opened();  // a new connection starts clean and announces again
  EXPECT_FALSE(w.broken());
  EXPECT_EQ(take(w), req(command::can_do, {"fn"}));
}

std::string raw_header(std::string_view magic4, std::uint32_t cmd, std::uint32_t length) {
  std::string out;
  proto::append_raw_header(out, magic4, cmd, length);
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, WorkerSessionFatal,
    ::testing::Values(
        fault_row{"request magic", req(command::noop), return_code::invalid_magic},
        fault_row{"other magic", raw_header("\0XYZ"s, 6, 0), return_code::invalid_magic},
        fault_row{"command 0", raw_header("\0RES"s, 0, 0), return_code::invalid_command},
        fault_row{"command 43", raw_header("\0RES"s, 43, 0), return_code::invalid_command},
        fault_row{"text line", "ERR bad\r\n", return_code::invalid_packet},
        fault_row{"size above the limit", raw_header("\0RES"s, 11, 0x7fffffff), return_code::invalid_packet},
        fault_row{"missing NUL", raw_header("\0RES"s, 11, 3) + "abc", return_code::invalid_packet},
        fault_row{"empty handle", res(command::job_assign_uniq, {"", "fn", "u"}, "x"),
                  return_code::invalid_packet},
        fault_row{"empty function", res(command::job_assign_uniq, {"H:1", "", "u"}, "x"),
                  return_code::invalid_packet},
        fault_row{"JOB_CREATED", res(command::job_created, {"H:1"}), return_code::unexpected_packet},
        fault_row{"STATUS_RES", res(command::status_res, {"H:1", "1", "0", "0", "0"}),
                  return_code::unexpected_packet},
        fault_row{"WORK_COMPLETE", res(command::work_complete, {"H:1"}, "x"), return_code::unexpected_packet},
        fault_row{"ECHO_RES unasked", res(command::echo_res, {}, "x"), return_code::unexpected_packet},
        fault_row{"JOB_ASSIGN for GRAB_JOB_ALL", res(command::job_assign, {"H:1", "fn"}, "x"),
                  return_code::unexpected_packet},
        fault_row{"second NO_JOB", res(command::no_job) + res(command::no_job),
                  return_code::unexpected_packet},
        fault_row{"assign while assigned",
                  res(command::job_assign_uniq, {"H:1", "fn", "u"}, "") +
                      res(command::job_assign_uniq, {"H:2", "fn", "u"}, ""),
                  return_code::unexpected_packet}),
    [](const auto& row) {
      std::string n = row.param.name;
      for (char& c : n)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

TEST(WorkerSessionFaults, AJobForAnUnknownFunctionIsFailedAtOnce) {
  worker_session w;
  start_grab(w);
  w.receive(res(command::job_assign_uniq, {"H:7", "other", "u"}, "x"));
  EXPECT_EQ(w.failure(), return_code::invalid_function_name);
  EXPECT_EQ(w.state(), worker_state::idle);
  EXPECT_FALSE(w.broken());
  EXPECT_EQ(take(w), req(command::work_fail, {"H:7"}));
}

TEST(WorkerSessionFaults, CloseAndTimeout) {
  {
    worker_session w;
    start_grab(w);
    w.receive(res(command::job_assign_uniq, {"H:1", "fn", "u"}, ""));
    w.connection_closed("peer closed");
    EXPECT_EQ(w.failure(), return_code::lost_connection);
    EXPECT_TRUE(w.broken());
    EXPECT_EQ(w.state(), worker_state::idle);
    EXPECT_EQ(w.send_complete("x"), return_code::invalid_argument) << "the job went with the connection";
  }
  {
    worker_session w;
    start_grab(w);
    w.timed_out("no reply");
    EXPECT_EQ(w.failure(), return_code::timeout);
    EXPECT_TRUE(w.broken()) << "a grab reply is still owed: the stream would be out of step";
  }
  {
    worker_session w;
    start_grab(w);
    w.receive(res(command::no_job));
    take(w);  // PRE_SLEEP written
    w.timed_out("no job");
    EXPECT_EQ(w.failure(), return_code::timeout);
    EXPECT_FALSE(w.broken()) << "asleep, nothing owed but a NOOP";
    w.clear_failure();
    w.receive(res(command::noop));
    EXPECT_EQ(commands_in(take(w)), std::vector<command>{command::grab_job_all});
  }
}

}  // namespace
}  // namespace gearspec::client
