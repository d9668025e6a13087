// Worker cases: the `work:` block of a case file and the `work` op's lines.
#include "gearspec/conformance/worker_case.hpp"

#include <gtest/gtest.h>

#include "gearspec/conformance/case_loader.hpp"
#include "gearspec/conformance/grading.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gc = gearspec::conformance;
namespace proto = gearspec::proto;

namespace {

const char* worker_case = R"(cases:
  - id: w/1
    title: t
    section: WIRE 2
    requirement: MUST
    checks: c
    work:
      max_jobs: 2
      timeout_ms: 700
      functions:
        - name: {hex: "66ff"}
          actions: [{status: [1, 2]}, {data: {hex: "0001"}}, fail, {sleep: 5}]
      queue: [{function: fn, unique: u-1, workload: w}]
      expect: error
      error_class: [timeout]
      jobs: 0
      max_grabs: 1
)";

TEST(WorkerCase, ParsesTheWorkBlock) {
  const auto cases = gc::parse_case_file(worker_case, "w.yaml");
  ASSERT_EQ(cases.size(), 1u);
  ASSERT_TRUE(cases[0].work);
  const auto& w = *cases[0].work;
  EXPECT_EQ(w.max_jobs, 2);
  EXPECT_EQ(w.timeout_ms, 700);
  ASSERT_EQ(w.functions.size(), 1u);
  EXPECT_EQ(w.functions[0].name, "f\xff");
  ASSERT_EQ(w.functions[0].actions.size(), 4u);
  EXPECT_EQ(w.functions[0].actions[0].what, gc::work_action::kind::status);
  EXPECT_EQ(w.functions[0].actions[0].denominator, 2u);
  EXPECT_EQ(w.functions[0].actions[1].bytes, std::string("\0\1", 2));
  EXPECT_EQ(w.functions[0].actions[2].what, gc::work_action::kind::fail);
  EXPECT_EQ(w.functions[0].actions[3].ms, 5);
  ASSERT_EQ(w.queued.size(), 1u);
  EXPECT_FALSE(w.expect_ok);
  EXPECT_EQ(w.expect_jobs, 0);
  EXPECT_EQ(w.max_grabs, 1);
  EXPECT_EQ(gc::required_features(cases[0]), (std::vector<std::string>{"work"}));
  EXPECT_EQ(gc::required_protocol(cases[0]), 2) << "a function name that is not UTF-8";
  EXPECT_EQ(cases[0].deadline_ms, 2700) << "timeout_ms + 2000";
}

TEST(WorkerCase, UnknownActionNamesLine) {
  std::string text = worker_case;
  text.replace(text.find("fail,"), 4, "boom");
  try {
    gc::parse_case_file(text, "w.yaml");
    FAIL() << "accepted an unknown action";
  } catch (const gc::case_file_error& e) {
    EXPECT_NE(std::string(e.what()).find("w.yaml:12"), std::string::npos) << e.what();
  }
}

TEST(WorkerCase, AnswerRoundTripAndRejections) {
  gc::work_answer a;
  std::string problem;
  ASSERT_TRUE(gc::parse_work_answer(
      R"({"id":1,"jobs":[{"handle_b64":"SDr/","function":"fn","steps":[{"ok":false,"error":"E"}]}],)"
      R"("result":{"ok":false,"error_class":"timeout"}})",
      1, a, problem))
      << problem;
  ASSERT_EQ(a.jobs.size(), 1u);
  EXPECT_EQ(a.jobs[0].handle, "H:\xff");
  EXPECT_FALSE(a.jobs[0].steps[0].ok);
  EXPECT_EQ(a.error_class, "timeout");
  EXPECT_FALSE(gc::parse_work_answer(R"({"id":1,"jobs":[],"result":{"ok":false}})", 1, a, problem));
  EXPECT_NE(problem.find("error_class"), std::string::npos) << problem;
  EXPECT_FALSE(gc::parse_work_answer(R"({"id":2,"jobs":[],"result":{"ok":true}})", 1, a, problem));
  const auto line =
      gc::make_work_request(3, "127.0.0.1:1", gc::parse_case_file(worker_case, "w.yaml")[0].work.value());
  EXPECT_NE(line.find(R"("op":"work")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("name_b64":"Zv8=")"), std::string::npos) << line;
}

/// One worker connection: the grab, the server's assignment, WORK_COMPLETE;
/// and the adapter's report of the job with `reported_unique`.
gc::case_result grade_assignment(proto::command grab, const std::string& assignment,
                                 std::string reported_unique) {
  gc::case_spec c;
  c.id = "w/assign";
  gc::work_spec w;
  w.functions.push_back({"fn", {{gc::work_action::kind::complete, "done", 0, 0, 0}}});
  c.work = w;
  gc::case_observation o;
  gc::wire_connection conn;
  conn.id = 1;
  const auto req = proto::magic::request;
  conn.events.push_back({gc::wire_event::kind::from_client,
                         0,
                         proto::encode(req, proto::command::can_do, {"fn"}) + proto::encode(req, grab, {}),
                         {}});
  conn.events.push_back({gc::wire_event::kind::to_client, 0, assignment, {}});
  conn.events.push_back({gc::wire_event::kind::from_client,
                         0,
                         proto::encode(req, proto::command::work_complete, {"H:1"}, "done"),
                         {}});
  o.wire.connections.push_back(std::move(conn));
  gc::work_answer a;
  a.jobs.push_back({"H:1", "fn", std::move(reported_unique), "w", {{true, ""}}});
  o.work = a;
  gc::case_result r;
  gc::grade_case(c, o, r);
  return r;
}

TEST(WorkerGrading, EachAssignmentKindIsMatchedByteExact) {
  const auto res = proto::magic::response;
  const auto assign = proto::encode(res, proto::command::job_assign, {"H:1", "fn"}, "w");
  const auto uniq = proto::encode(res, proto::command::job_assign_uniq, {"H:1", "fn", "u-1"}, "w");
  const auto all = proto::encode(res, proto::command::job_assign_all, {"H:1", "fn", "u-1", ""}, "w");
  auto r = grade_assignment(proto::command::grab_job, assign, "");
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  r = grade_assignment(proto::command::grab_job_uniq, uniq, "u-1");
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  r = grade_assignment(proto::command::grab_job_all, all, "u-1");
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
}

TEST(WorkerGrading, AJobAssignCarriesNoUniqueSoAReportedOneIsAFinding) {
  const auto assign = proto::encode(proto::magic::response, proto::command::job_assign, {"H:1", "fn"}, "w");
  const auto r = grade_assignment(proto::command::grab_job, assign, "u-1");
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("unique"), std::string::npos) << r.summary();
  const auto uniq =
      proto::encode(proto::magic::response, proto::command::job_assign_uniq, {"H:1", "fn", "u-1"}, "w");
  EXPECT_EQ(grade_assignment(proto::command::grab_job_uniq, uniq, "").verdict, gc::grade::failed)
      << "JOB_ASSIGN_UNIQ's unique must be reported";
}

TEST(WorkerGrading, AnAssignmentTheGrabDidNotAskForMakesTheCaseSayNothing) {
  // A fixed script answering GRAB_JOB with JOB_ASSIGN_UNIQ: not the worker's
  // fault, and no other finding (the job was reported wrong here) counts.
  const auto uniq =
      proto::encode(proto::magic::response, proto::command::job_assign_uniq, {"H:1", "fn", "u-1"}, "w");
  const auto r = grade_assignment(proto::command::grab_job, uniq, "wrong");
  EXPECT_EQ(r.verdict, gc::grade::unimplemented) << r.summary();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].observed,
            "connection 1: GRAB_JOB, answered with JOB_ASSIGN_UNIQ, which does not answer it");
  EXPECT_EQ(grade_assignment(proto::command::grab_job_all, uniq, "u-1").verdict, gc::grade::ok)
      << "JOB_ASSIGN_UNIQ does answer GRAB_JOB_ALL (a job without a reducer)";
}

/// A worker conversation on one connection, in journal order: `true` for the
/// worker's bytes, `false` for the server's. The function `fn` completes with
/// "done"; the adapter reports the job `reported` (none when empty).
gc::case_result grade_conversation(const std::vector<std::pair<bool, std::string>>& events, bool either,
                                   const std::string& reported = "") {
  gc::case_spec c;
  c.id = "w/pairing";
  gc::work_spec w;
  w.functions.push_back({"fn", {{gc::work_action::kind::complete, "done", 0, 0, 0}}});
  w.expect_either = either;
  c.work = w;
  gc::case_observation o;
  gc::wire_connection conn;
  conn.id = 1;
  for (const auto& [from_worker, bytes] : events)
    conn.events.push_back(
        {from_worker ? gc::wire_event::kind::from_client : gc::wire_event::kind::to_client, 0, bytes, {}});
  o.wire.connections.push_back(std::move(conn));
  gc::work_answer a;
  if (!reported.empty()) a.jobs.push_back({reported, "fn", "", "w", {{true, ""}}});
  o.work = a;
  gc::case_result r;
  gc::grade_case(c, o, r);
  return r;
}

std::string req(proto::command cmd, std::vector<std::string> args = {}, std::string data = "") {
  return proto::encode(proto::packet(proto::magic::request, cmd, std::move(args), std::move(data)));
}

std::string res(proto::command cmd, std::vector<std::string> args = {}, std::string data = "") {
  return proto::encode(proto::packet(proto::magic::response, cmd, std::move(args), std::move(data)));
}

TEST(WorkerGrading, AnUnaskedSecondAssignmentIsNeverTheJobHeld) {
  // A fuzz stream answers the grab with H:1 and sends H:2 unasked: the
  // worker that finishes H:1 is right, one that answers H:2 is not.
  using proto::command;
  auto talk = [](const std::string& handle) {
    return grade_conversation(
        {{true, req(command::can_do, {"fn"}) + req(command::grab_job)},
         {false, res(command::job_assign, {"H:1", "fn"}, "w") + res(command::job_assign, {"H:2", "fn"}, "w")},
         {true, req(command::work_complete, {handle}, "done")}},
        true, handle);
  };
  auto r = talk("H:1");
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  r = talk("H:2");
  EXPECT_EQ(r.verdict, gc::grade::failed) << r.summary();
  EXPECT_NE(r.summary().find("WORK_COMPLETE \"H:2\" (3 bytes) data \"done\" (4 bytes) while holding \"H:1\""),
            std::string::npos)
      << r.summary();
}

TEST(WorkerGrading, AnAssignmentWrittenAheadOfItsGrabIsHeldFromThatGrabOn) {
  // The wake-up NOOP and the assignment in one write, ahead of the grab
  // they lead to; a second NO_JOB, which no grab waits for, answers nothing.
  using proto::command;
  const auto hello = req(command::can_do, {"fn"}) + req(command::grab_job);
  const auto no_jobs = res(command::no_job) + res(command::no_job);
  const auto ahead = res(command::noop) + res(command::job_assign, {"H:1", "fn"}, "w");
  const auto complete = req(command::work_complete, {"H:1"}, "done");
  auto r = grade_conversation({{true, hello},
                               {false, no_jobs},
                               {true, req(command::pre_sleep)},
                               {false, ahead},
                               {true, req(command::grab_job) + complete}},
                              true, "H:1");
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  r = grade_conversation(
      {{true, hello}, {false, no_jobs}, {true, req(command::pre_sleep)}, {false, ahead}, {true, complete}},
      true);
  EXPECT_EQ(r.verdict, gc::grade::failed) << "no grab took H:1 yet";
  EXPECT_NE(r.summary().find("with no job assigned"), std::string::npos) << r.summary();
}

TEST(WorkerGrading, AScriptedAssignmentNoGrabAskedForMakesTheCaseSayNothing) {
  // worker/assign-uniq against a worker that sleeps before its first grab:
  // the script's expect takes PRE_SLEEP as its GRAB_JOB_ALL and sends the
  // assignment; the worker runs it. Not what the case is about.
  using proto::command;
  const auto r =
      grade_conversation({{true, req(command::can_do, {"fn"}) + req(command::pre_sleep)},
                          {false, res(command::job_assign_uniq, {"H:w:7", "fn", "u-7"}, "payload")},
                          {true, req(command::work_status, {"H:w:7", "1", "2"}) +
                                     req(command::work_complete, {"H:w:7"}, "done")}},
                         false, "H:w:7");
  EXPECT_EQ(r.verdict, gc::grade::unimplemented) << r.summary();
  ASSERT_EQ(r.findings.size(), 1u) << r.summary();
  EXPECT_EQ(r.findings[0].observed,
            "connection 1: JOB_ASSIGN_UNIQ \"H:w:7\" (5 bytes) after PRE_SLEEP, which no GRAB_JOB* of the "
            "worker asked for");
}

}  // namespace
