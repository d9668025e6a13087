#include "gearspec/conformance/grading.hpp"

#include <gtest/gtest.h>

#include "gearspec/protocol/encoder.hpp"

namespace gc = gearspec::conformance;
namespace proto = gearspec::proto;

namespace {

std::string submit(std::string_view fn, std::string_view unique, std::string_view data,
                   proto::command cmd = proto::command::submit_job_bg) {
  return proto::encode(proto::magic::request, cmd, {fn, unique}, data);
}
std::string created(std::string_view handle, proto::magic m = proto::magic::response) {
  return proto::encode(m, proto::command::job_created, {handle});
}
std::string error_packet(std::string_view code, std::string_view text) {
  return proto::encode(proto::magic::response, proto::command::error, {code, text});
}

gc::job_spec job(std::string unique, std::string workload = "w") {
  gc::job_spec j;
  j.function = "fn";
  if (unique != "<none>") j.unique = std::move(unique);
  j.workload = std::move(workload);
  return j;
}

gc::case_spec one_request(std::vector<gc::job_spec> jobs, gc::requirement level = gc::requirement::must) {
  gc::case_spec c;
  c.id = "t/1";
  c.level = level;
  gc::request_spec r;
  r.jobs = std::move(jobs);
  c.requests.push_back(std::move(r));
  return c;
}

gc::job_result ok(std::string handle) {
  gc::job_result r;
  r.ok = true;
  r.handle = std::move(handle);
  return r;
}
gc::job_result failed(std::string error_class) {
  gc::job_result r;
  r.error_class = std::move(error_class);
  return r;
}

/// One process, one request; one connection carrying `up` then `down`.
gc::case_observation observe(std::vector<gc::job_result> results, std::string up, std::string down) {
  gc::case_observation o;
  o.answers = {{std::move(results)}};
  o.last_connection = {1};
  gc::wire_connection conn;
  conn.id = 1;
  if (!up.empty()) conn.events.push_back({gc::wire_event::kind::from_client, 0, std::move(up), {}});
  if (!down.empty()) conn.events.push_back({gc::wire_event::kind::to_client, 0, std::move(down), {}});
  o.wire.connections.push_back(std::move(conn));
  return o;
}

gc::case_result grade(const gc::case_spec& c, const gc::case_observation& o) {
  gc::case_result r;
  gc::grade_case(c, o, r);
  return r;
}

TEST(Grading, ExactSubmitAndMatchingHandleIsOk) {
  const auto r = grade(one_request({job("u-1", "payload")}),
                       observe({ok("H:1")}, submit("fn", "u-1", "payload"), created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  EXPECT_EQ(r.jobs_reported_ok, 1);
}

TEST(Grading, TrailingNulInTheBodyFails) {
  const auto r =
      grade(one_request({job("u-1", "payload")}),
            observe({ok("H:1")}, submit("fn", "u-1", std::string("payload\0", 8)), created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("workload has 1 extra trailing byte(s)"), std::string::npos) << r.summary();
}

TEST(Grading, TruncatedUniqueFails) {
  const std::string u64(64, 'u');
  const auto r = grade(one_request({job(u64)}),
                       observe({ok("H:1")}, submit("fn", u64.substr(0, 63), "w"), created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("unique truncated from 64 to 63 bytes"), std::string::npos) << r.summary();
}

TEST(Grading, WrongCommandFails) {
  gc::job_spec j = job("u-1");
  j.prio = proto::priority::high;
  const auto r = grade(one_request({j}), observe({ok("H:1")}, submit("fn", "u-1", "w"), created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("command SUBMIT_JOB_BG (18) instead of SUBMIT_JOB_HIGH_BG (32)"),
            std::string::npos)
      << r.summary();
}

TEST(Grading, SuccessForAJobTheServerNeverCreatedFailsEvenInAShouldCase) {
  const auto c = one_request({job("u-1")}, gc::requirement::should);
  auto r = grade(c, observe({ok("")}, submit("fn", "u-1", "w"), error_packet("QUEUE_ERROR", "full")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("success only for a job the server created"), std::string::npos) << r.summary();
  // A partial JOB_CREATED (connection closed mid-packet) created nothing either.
  r = grade(c, observe({ok("H:1")}, submit("fn", "u-1", "w"), created("H:1").substr(0, 14)));
  EXPECT_EQ(r.verdict, gc::grade::failed) << r.summary();
}

TEST(Grading, TruncatedHandleFails) {
  const std::string handle(100, 'h');
  const auto r = grade(one_request({job("u-1")}),
                       observe({ok(handle.substr(0, 63))}, submit("fn", "u-1", "w"), created(handle)));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("reported handle"), std::string::npos) << r.summary();
}

TEST(Grading, ErrorWhenTheServerCreatedTheJobFollowsTheRequirementLevel) {
  auto c = one_request({job("u-1")});
  const auto o = observe({failed("lost_connection")}, submit("fn", "u-1", "w"), created("H:1"));
  EXPECT_EQ(grade(c, o).verdict, gc::grade::failed);
  c.level = gc::requirement::should;
  EXPECT_EQ(grade(c, o).verdict, gc::grade::non_strict);
  c.level = gc::requirement::may;
  EXPECT_EQ(grade(c, o).verdict, gc::grade::informational);
}

TEST(Grading, RequestMagicReplyIsNotACreationForAsServer) {
  // Success on a "\0REQ" JOB_CREATED is not the generic failure (a handle came),
  // but an as-server case expects an error: graded at the case's level.
  const auto r = grade(one_request({job("u-1")}, gc::requirement::should),
                       observe({ok("H:1")}, submit("fn", "u-1", "w"), created("H:1", proto::magic::request)));
  EXPECT_EQ(r.verdict, gc::grade::non_strict) << r.summary();
}

TEST(Grading, ErrorClassMismatchIsNonStrict) {
  auto j = job("u-1");
  j.outcome = gc::expected_outcome::error;
  j.error_classes = {"server_error"};
  const auto r = grade(one_request({j}), observe({failed("other")}, submit("fn", "u-1", "w"),
                                                 error_packet("QUEUE_ERROR", "full")));
  EXPECT_EQ(r.verdict, gc::grade::non_strict);
  EXPECT_EQ(r.jobs_reported_error, 1);
}

TEST(Grading, RejectedBeforeSendingIsAllowedWhereTheCaseSaysSo) {
  auto j = job(std::string(65, 'u'));
  j.outcome = gc::expected_outcome::error;
  j.wire = gc::expected_wire::sent_or_rejected;
  EXPECT_EQ(grade(one_request({j}), observe({failed("invalid_argument")}, "", "")).verdict, gc::grade::ok);
  j.wire = gc::expected_wire::sent;
  EXPECT_EQ(grade(one_request({j}), observe({failed("invalid_argument")}, "", "")).verdict,
            gc::grade::failed);
}

TEST(Grading, RepeatedGeneratedUniqueFailsAndTheFormIsReported) {
  const auto c = one_request({job("<none>"), job("<none>")});
  auto r = grade(c, observe({ok("H:1"), ok("H:2")}, submit("fn", "same", "w") + submit("fn", "same", "w"),
                            created("H:1") + created("H:2")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("sent for 2 jobs"), std::string::npos) << r.summary();

  r = grade(c, observe({ok("H:1"), ok("H:2")}, submit("fn", "", "w") + submit("fn", "", "w"),
                       created("H:1") + created("H:2")));
  EXPECT_EQ(r.verdict, gc::grade::ok);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("empty x2"), std::string::npos) << r.notes[0];

  r = grade(c, observe({ok("H:1"), ok("H:2")},
                       submit("fn", "16fc342e-ec28-11f1-a4c7-02fc00000001", "w") +
                           submit("fn", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", "w"),
                       created("H:1") + created("H:2")));
  EXPECT_EQ(r.verdict, gc::grade::ok);
  EXPECT_NE(r.notes[0].find("UUID version 1 x1, RFC 4122 UUID version 4 x1"), std::string::npos)
      << r.notes[0];
}

TEST(Grading, JobsSentInReverseOrderAreMatchedByContent) {
  // libgearman 1.1.20 sends a batch in reverse order; each reply still
  // belongs to the submit it answers.
  const auto r =
      grade(one_request({job("u-1", "one"), job("u-2", "two")}),
            observe({ok("H:2"), ok("H:1")}, submit("fn", "u-2", "two") + submit("fn", "u-1", "one"),
                    created("H:1") + created("H:2")));
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
}

TEST(Grading, SwappedHandlesFail) {
  const auto r =
      grade(one_request({job("u-1", "one"), job("u-2", "two")}),
            observe({ok("H:2"), ok("H:1")}, submit("fn", "u-1", "one") + submit("fn", "u-2", "two"),
                    created("H:1") + created("H:2")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
}

TEST(Grading, GarbageFromTheClientFails) {
  const auto r = grade(one_request({job("u-1")}),
                       observe({ok("H:1")}, submit("fn", "u-1", "w") + "junk", created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("only well-formed request packets"), std::string::npos) << r.summary();
}

TEST(Grading, UnansweredRequestsAreSkipped) {
  // The runner already graded the hang; grading adds nothing about the jobs.
  gc::case_observation o = observe({}, submit("fn", "u-1", "w"), "");
  o.answers = {{std::nullopt}};
  EXPECT_EQ(grade(one_request({job("u-1")}), o).verdict, gc::grade::ok);
}

TEST(Grading, MayCasesAreInformational) {
  EXPECT_EQ(grade(one_request({job("u-1")}, gc::requirement::may),
                  observe({ok("H:1")}, submit("fn", "u-1", "w"), created("H:1")))
                .verdict,
            gc::grade::informational);
}

TEST(Grading, WireLogShowsDecodedPacketsBothWays) {
  const auto o = observe({ok("H:1")}, submit("fn", "u-1", "w"), created("H:1"));
  const auto log = gc::render_wire_log(o.wire);
  EXPECT_NE(log.find(">> REQ SUBMIT_JOB_BG [\"fn\", \"u-1\"] data=\"w\""), std::string::npos) << log;
  EXPECT_NE(log.find("<< RES JOB_CREATED [\"H:1\"]"), std::string::npos) << log;
}

bool any_finding(const gc::case_result& r, const std::string& text) {
  for (const auto& f : r.findings)
    if (f.expected.find(text) != std::string::npos || f.observed.find(text) != std::string::npos) return true;
  return false;
}

TEST(Grading, ASubmitSentTwiceIsALeftoverUnlessTheCaseAllowsRetries) {
  auto c = one_request({job("u-1")});
  const auto twice = submit("fn", "u-1", "w") + submit("fn", "u-1", "w");
  auto r = grade(c, observe({ok("H:1")}, twice, created("H:1") + created("H:2")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_TRUE(any_finding(r, "leftover SUBMIT_JOB_BG")) << r.summary();
  EXPECT_TRUE(any_finding(r, "the same bytes as the submit of job 1 of request 1 sent again")) << r.summary();
  c.allow_retry = true;
  r = grade(c, observe({ok("H:1")}, twice, created("H:1") + created("H:2")));
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes.front().find("1 submit(s) sent again"), std::string::npos) << r.notes.front();
}

TEST(Grading, AnAlteredSubmitForAJobReportedRejectedIsALeftoverNamingTheDifference) {
  gc::job_spec j = job("u-1");
  j.function = std::string(513, 'f');
  j.wire = gc::expected_wire::sent_or_rejected;
  const auto r = grade(one_request({j}), observe({failed("invalid_argument")},
                                                 submit(std::string(512, 'f'), "u-1", "w"), created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_TRUE(
      any_finding(r,
                  "it is the submit of no job; closest is job 1 of request 1: function truncated from 513 "
                  "to 512 bytes; the adapter reported error invalid_argument"))
      << r.summary();
}

TEST(Grading, InvalidArgumentForAJobWhoseSubmitWasSentFails) {
  gc::job_spec j = job("u-1");
  j.wire = gc::expected_wire::sent_or_rejected;
  j.outcome = gc::expected_outcome::ok_or_error;
  const auto r = grade(one_request({j}),
                       observe({failed("invalid_argument")}, submit("fn", "u-1", "w"), created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_TRUE(any_finding(r, "its submit reached the server")) << r.summary();
}

TEST(Grading, SuccessWithoutAHandleFailsOnlyWithHandleReadback) {
  gc::job_result no_handle;
  no_handle.ok = true;
  auto o = observe({no_handle}, submit("fn", "u-1", "w"), created("H:1"));
  auto r = grade(one_request({job("u-1")}), o);
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  o.features = {"background", "handle_readback"};
  r = grade(one_request({job("u-1")}), o);
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_TRUE(any_finding(r, "reported success without a handle")) << r.summary();
}

TEST(Grading, AJobCanBeGradedAtItsOwnLevelAndDemandItsErrorClassAtMust) {
  gc::job_spec j = job("u-1");
  j.outcome = gc::expected_outcome::ok;
  j.outcome_level = gc::requirement::should;
  auto r = grade(one_request({j}), observe({failed("other")}, submit("fn", "u-1", "w"), created("H:1")));
  EXPECT_EQ(r.verdict, gc::grade::non_strict) << r.summary();
  gc::job_spec e = job("u-1");
  e.error_classes = {"server_error"};
  e.error_class_level = gc::requirement::must;
  r = grade(one_request({e}), observe({failed("other")}, submit("fn", "u-1", "w"), error_packet("E", "t")));
  EXPECT_EQ(r.verdict, gc::grade::failed) << r.summary();
  e.error_class_level.reset();
  r = grade(one_request({e}), observe({failed("other")}, submit("fn", "u-1", "w"), error_packet("E", "t")));
  EXPECT_EQ(r.verdict, gc::grade::non_strict) << r.summary();
}

TEST(Grading, ARequestSlowerThanTheBudgetMissesTheCasesLevelWithTheTimeTaken) {
  auto c = one_request({job("u-1")}, gc::requirement::should);
  c.budget_ms = 100;
  auto o = observe({ok("H:1")}, submit("fn", "u-1", "w"), created("H:1"));
  o.request_ms = {{250.4}};
  auto r = grade(c, o);
  EXPECT_EQ(r.verdict, gc::grade::non_strict);
  EXPECT_NE(r.summary().find("answered within 100 ms; observed answered after 250 ms"), std::string::npos)
      << r.summary();
  o.request_ms = {{40}};
  r = grade(c, o);
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
  ASSERT_FALSE(r.notes.empty());
  EXPECT_EQ(r.notes.front(), "request 1 answered after 40 ms");
}

}  // namespace
