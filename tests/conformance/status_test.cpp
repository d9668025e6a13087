// Status requests end to end through the runner's parts: the adapter-protocol
// request and answer, the case file format, and the grading of the bytes sent
// and the fields reported.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "gearspec/conformance/adapter_protocol.hpp"
#include "gearspec/conformance/case_loader.hpp"
#include "gearspec/conformance/status_grading.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gc = gearspec::conformance;
namespace proto = gearspec::proto;

namespace {

gc::case_spec status_case(gc::status_spec st) {
  gc::case_spec c;
  c.id = "status/t";
  gc::request_spec r;
  r.status = std::move(st);
  c.requests.push_back(std::move(r));
  return c;
}

gc::status_spec by_handle(std::string handle, std::optional<gc::status_values> expect) {
  gc::status_spec st;
  st.key = std::move(handle);
  st.expect = expect;
  return st;
}

gc::status_values values(bool known, bool running, std::uint32_t num, std::uint32_t den) {
  gc::status_values v;
  v.known = known, v.running = running, v.numerator = num, v.denominator = den;
  return v;
}

gc::job_result reported(std::optional<gc::status_values> v, std::string error_class = "protocol_error") {
  gc::job_result r;
  r.ok = v.has_value();
  r.status = v;
  if (!r.ok) r.error_class = std::move(error_class);
  return r;
}

gc::case_result grade(const gc::case_spec& c, gc::job_result answer, std::string up, std::string down) {
  gc::case_observation o;
  o.answers = {{std::vector<gc::job_result>{std::move(answer)}}};
  o.last_connection = {1};
  gc::wire_connection conn;
  conn.id = 1;
  conn.events.push_back({gc::wire_event::kind::from_client, 0, std::move(up), {}});
  if (!down.empty()) conn.events.push_back({gc::wire_event::kind::to_client, 0, std::move(down), {}});
  o.wire.connections.push_back(std::move(conn));
  gc::case_result r;
  gc::grade_case(c, o, r);
  return r;
}

std::string get_status(std::string_view handle, proto::magic m = proto::magic::request) {
  return proto::encode(m, proto::command::get_status, {handle});
}
std::string status_res(std::string_view handle, std::string_view known, std::string_view num) {
  return proto::encode(proto::magic::response, proto::command::status_res, {handle, known, "0", num, "7"});
}

TEST(StatusProtocol, RequestCarriesTheHandleAsBytesAndTheTimeout) {
  const auto c = status_case(by_handle(std::string("H:\xff", 3), std::nullopt));
  const auto line = gc::make_status_request(4, "127.0.0.1:9", c.requests[0]);
  EXPECT_EQ(line, R"({"handle_b64":"SDr/","id":4,"op":"status","server":"127.0.0.1:9","timeout_ms":1000})");
  auto u = c.requests[0];
  u.status->by_unique = true;
  u.status->key = "u-1";
  u.library_default_timeout = true;
  EXPECT_EQ(gc::make_status_request(5, "h:1", u),
            R"({"id":5,"op":"status","server":"h:1","unique":"u-1","unique_b64":"dS0x"})");
}

TEST(StatusProtocol, AnswerFieldsAreReadAndChecked) {
  std::vector<gc::job_result> out;
  std::string problem;
  ASSERT_TRUE(gc::parse_status_answer(R"({"id":1,"ok":true,"known":true,"running":false,)"
                                      R"("numerator":4294967295,"denominator":0,"client_count":2})",
                                      1, out, problem))
      << problem;
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].status);
  EXPECT_TRUE(out[0].status->known);
  EXPECT_FALSE(out[0].status->running);
  EXPECT_EQ(out[0].status->numerator, 4294967295u);
  EXPECT_EQ(out[0].status->client_count, 2u);

  EXPECT_FALSE(gc::parse_status_answer(
      R"({"id":1,"ok":true,"known":1,"running":false,"numerator":0,"denominator":0})", 1, out, problem));
  EXPECT_EQ(problem, "status answer: no boolean \"known\"");
  EXPECT_FALSE(gc::parse_status_answer(
      R"({"id":1,"ok":true,"known":true,"running":false,"numerator":4294967296,"denominator":0})", 1, out,
      problem));
  EXPECT_EQ(problem, "status answer: \"numerator\" is not an integer 0..4294967295");
  EXPECT_FALSE(gc::parse_status_answer(R"({"id":1,"ok":false})", 1, out, problem));
  EXPECT_NE(problem.find("without a valid \"error_class\""), std::string::npos) << problem;
  ASSERT_TRUE(gc::parse_status_answer(R"({"id":1,"ok":false,"error_class":"timeout"})", 1, out, problem));
  EXPECT_FALSE(out[0].ok);
  EXPECT_FALSE(out[0].status);
}

TEST(StatusGrading, ExactRequestAndTheServersFieldsIsOk) {
  const auto c = status_case(by_handle("H:1", values(true, false, 3, 7)));
  const auto r =
      grade(c, reported(values(true, false, 3, 7)), get_status("H:1"), status_res("H:1", "1", "3"));
  EXPECT_EQ(r.verdict, gc::grade::ok) << r.summary();
}

TEST(StatusGrading, TrailingNulInTheHandleFails) {
  const auto c = status_case(by_handle("H:1", values(true, false, 3, 7)));
  // GET_STATUS with the body "H:1\0": header, then four bytes.
  const std::string with_nul("\0REQ\0\0\0\x0f\0\0\0\x04H:1\0", 16);
  const auto r = grade(c, reported(values(true, false, 3, 7)), with_nul, "");
  EXPECT_EQ(r.verdict, gc::grade::failed);
  std::string all;
  for (const auto& f : r.findings) all += f.expected + " / " + f.observed + "\n";
  EXPECT_NE(all.find("NUL inside the last argument"), std::string::npos) << all;
  EXPECT_NE(all.find("GET_STATUS \"H:1\" (3 bytes) on the wire, byte-exact / not sent"), std::string::npos)
      << all;
}

TEST(StatusGrading, OtherFieldsThanTheServersFail) {
  const auto c = status_case(by_handle("H:1", values(false, false, 0, 0)));
  const auto r =
      grade(c, reported(values(true, false, 0, 0)), get_status("H:1"), status_res("H:1", "0", "0"));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("known 1 instead of 0"), std::string::npos) << r.summary();
}

TEST(StatusGrading, NumbersForAMalformedReplyFail) {
  const auto c = status_case(by_handle("H:1", std::nullopt));
  const auto r =
      grade(c, reported(values(true, false, 0, 0)), get_status("H:1"), status_res("H:1", "1", "x"));
  EXPECT_EQ(r.verdict, gc::grade::failed);
  EXPECT_NE(r.summary().find("never made-up values"), std::string::npos) << r.summary();
  EXPECT_EQ(grade(c, reported(std::nullopt), get_status("H:1"), status_res("H:1", "1", "x")).verdict,
            gc::grade::ok);
  // Another class than the case names is a SHOULD finding.
  auto named = c;
  named.requests[0].status->error_classes = {"protocol_error"};
  EXPECT_EQ(grade(named, reported(std::nullopt, "timeout"), get_status("H:1"), "").verdict,
            gc::grade::non_strict);
}

TEST(StatusGrading, RejectedBeforeSendingIsAllowedOnlyWhereTheCaseSaysSo) {
  auto st = by_handle(std::string(100, 'h'), values(true, true, 5, 9));
  st.wire = gc::expected_wire::sent_or_rejected;
  const auto c = status_case(st);
  EXPECT_EQ(grade(c, reported(std::nullopt, "invalid_argument"), "", "").verdict, gc::grade::ok);
  EXPECT_EQ(grade(c, reported(values(true, true, 5, 9)), "", "").verdict, gc::grade::failed);
  auto strict = c;
  strict.requests[0].status->wire = gc::expected_wire::sent;
  EXPECT_EQ(grade(strict, reported(std::nullopt, "invalid_argument"), "", "").verdict, gc::grade::failed);
}

TEST(StatusGrading, ResponseMagicOnTheRequestFails) {
  const auto c = status_case(by_handle("H:1", values(true, false, 3, 7)));
  const auto r = grade(c, reported(values(true, false, 3, 7)), get_status("H:1", proto::magic::response), "");
  EXPECT_EQ(r.verdict, gc::grade::failed) << r.summary();
}

class StatusCaseFile : public ::testing::Test {
 protected:
  std::vector<gc::case_spec> load(const std::string& text) {
    path_ = ::testing::TempDir() + "status_case_test.yaml";
    std::ofstream(path_) << text;
    return gc::load_case_file(path_);
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(StatusCaseFile, StatusRequestsAfterASubmit) {
  const auto cases = load(R"(id: s/1
title: t
section: WIRE 2
requirement: MUST
checks: c
requests:
  - jobs: [{function: fn, unique: u, workload: w}]
  - status:
      unique: {hex: "ff00"}
      expect: {known: true, running: false, numerator: 1, denominator: 2, client_count: 3}
  - status: {handle: "H:1", expect: error, error_class: [protocol_error], wire: sent-or-rejected}
)");
  ASSERT_EQ(cases.size(), 1u);
  const auto& c = cases[0];
  ASSERT_EQ(c.requests.size(), 3u);
  ASSERT_TRUE(c.requests[1].status);
  EXPECT_TRUE(c.requests[1].status->by_unique);
  EXPECT_EQ(c.requests[1].status->key, std::string("\xff\0", 2));
  EXPECT_EQ(c.requests[1].status->expect->client_count, 3u);
  EXPECT_FALSE(c.requests[2].status->expect);
  EXPECT_EQ(c.requests[2].status->wire, gc::expected_wire::sent_or_rejected);
  EXPECT_EQ(gc::required_protocol(c), 2);
  const auto features = gc::required_features(c);
  EXPECT_NE(std::find(features.begin(), features.end(), "status"), features.end());
  EXPECT_NE(std::find(features.begin(), features.end(), "status_unique"), features.end());
  // Written back and read again, the same requests.
  const auto again = load(gc::to_case_file(c));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].requests[1].status->key, c.requests[1].status->key);
  EXPECT_EQ(again[0].requests[1].status->expect->denominator, 2u);
  EXPECT_EQ(again[0].requests[2].status->error_classes, c.requests[2].status->error_classes);
}

TEST_F(StatusCaseFile, MistakesAreNamedWithTheirLine) {
  const std::string head = "id: s/1\ntitle: t\nsection: WIRE 2\nrequirement: MUST\nchecks: c\n";
  const auto error_of = [&](const std::string& body) {
    try {
      load(head + body);
    } catch (const gc::case_file_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("status: {handle: h, unique: u, expect: error}\n").find("exactly one of handle, unique"),
            std::string::npos);
  EXPECT_NE(error_of("status: {handle: h}\n").find("status needs expect"), std::string::npos);
  EXPECT_NE(
      error_of("status: {handle: h, expect: {known: true, running: false, numerator: -1, denominator: 0}}\n")
          .find("numerator must be an integer 0..4294967295"),
      std::string::npos);
  EXPECT_NE(
      error_of("status: {handle: h, expect: {known: true, running: false, numerator: 0, denominator: 0, "
               "client_count: 1}}\n")
          .find("client_count is only in STATUS_RES_UNIQUE"),
      std::string::npos);
  EXPECT_NE(error_of("status: {handle: h, expect: maybe}\n").find(":6:"), std::string::npos);
  EXPECT_NE(
      error_of("status: {handle: h, expect: error}\njobs: [{function: f}]\n").find("one of jobs, status"),
      std::string::npos);
}

}  // namespace
