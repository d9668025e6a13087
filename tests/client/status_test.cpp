// Status polling in the client session, in memory: GET_STATUS and
// GET_STATUS_UNIQUE bytes, STATUS_RES / STATUS_RES_UNIQUE read strictly
// (flags exactly 0 or 1, numbers decimal uint32), a malformed field failing
// only its task with a text naming the field, and a reply for another handle
// or unique — of any length — breaking the connection.
#include <gtest/gtest.h>

#include <string>

#include "gearspec/client/session.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::client {
namespace {

using proto::command;
using proto::magic;
using namespace std::string_literals;

std::string res(command cmd, std::initializer_list<std::string_view> args) {
  return proto::encode(magic::response, cmd, args);
}

void flush(session& s) { s.wrote(s.output().size()); }

TEST(StatusRequest, BytesOfBothQueries) {
  session s;
  task a, b;
  ASSERT_EQ(s.get_status(a, "H:vm:1"), return_code::success);
  ASSERT_EQ(s.get_status_unique(b, "u-1"), return_code::success);
  EXPECT_EQ(s.output(), proto::encode(magic::request, command::get_status, {"H:vm:1"}) +
                            proto::encode(magic::request, command::get_status_unique, {"u-1"}));
  EXPECT_EQ(b.kind(), task_kind::get_status_unique);
  EXPECT_EQ(b.unique(), "u-1");
}

TEST(StatusRequest, ArgumentsAreChecked) {
  session s;
  task t;
  EXPECT_EQ(s.get_status(t, ""), return_code::invalid_argument);
  EXPECT_EQ(s.get_status(t, std::string(64, 'h')), return_code::invalid_argument);
  EXPECT_EQ(s.get_status(t, "a\0b"s), return_code::invalid_argument);
  EXPECT_EQ(s.get_status_unique(t, ""), return_code::invalid_argument);
  EXPECT_EQ(s.get_status_unique(t, std::string(65, 'u')), return_code::invalid_argument);
  EXPECT_EQ(s.get_status_unique(t, "a\0b"s), return_code::invalid_argument);
  EXPECT_TRUE(s.output().empty());
  EXPECT_EQ(s.get_status_unique(t, std::string(64, 'u')), return_code::success);
}

TEST(StatusReply, FieldsAreStoredExactly) {
  session s;
  task a, b;
  s.get_status(a, "H:1");
  s.get_status_unique(b, "u");
  flush(s);
  s.receive(res(command::status_res, {"H:1", "1", "0", "4294967295", "007"}) +
            res(command::status_res_unique, {"u", "0", "1", "0", "12", "3"}));
  ASSERT_EQ(a.result(), return_code::success) << a.error_text();
  EXPECT_TRUE(a.is_known());
  EXPECT_FALSE(a.is_running());
  EXPECT_EQ(a.numerator(), 4294967295u);
  EXPECT_EQ(a.denominator(), 7u);
  ASSERT_EQ(b.result(), return_code::success) << b.error_text();
  EXPECT_FALSE(b.is_known());
  EXPECT_TRUE(b.is_running());
  EXPECT_EQ(b.denominator(), 12u);
  EXPECT_EQ(b.client_count(), 3u);
  EXPECT_FALSE(s.broken());
}

struct bad_field {
  const char* name;
  std::string known, running, numerator, denominator;
  const char* expected_text;  // part of the task's error text
};

class StatusMalformed : public ::testing::TestWithParam<bad_field> {};

TEST_P(StatusMalformed, FailsOnlyItsTaskAndNamesTheField) {
  const bad_field& row = GetParam();
  session s;
  task bad, next;
  s.get_status(bad, "H:1");
  s.get_status(next, "H:2");
  flush(s);
  s.receive(res(command::status_res, {"H:1", row.known, row.running, row.numerator, row.denominator}) +
            res(command::status_res, {"H:2", "1", "1", "1", "2"}));
  EXPECT_EQ(bad.result(), return_code::invalid_packet) << row.name;
  EXPECT_NE(bad.error_text().find(row.expected_text), std::string::npos) << bad.error_text();
  EXPECT_FALSE(bad.is_known()) << "nothing of a malformed reply is stored";
  EXPECT_EQ(bad.numerator(), 0u);
  EXPECT_EQ(next.result(), return_code::success) << "the stream stays in step";
  EXPECT_EQ(next.denominator(), 2u);
  EXPECT_FALSE(s.broken());
}

INSTANTIATE_TEST_SUITE_P(
    Rows, StatusMalformed,
    ::testing::Values(
        bad_field{"known 2", "2", "0", "0", "0", "KNOWN is \"2\": expected 0 or 1"},
        bad_field{"known 01", "01", "0", "0", "0", "KNOWN is \"01\": expected 0 or 1"},
        bad_field{"known empty", "", "0", "0", "0", "KNOWN is \"\": expected 0 or 1"},
        bad_field{"running x", "1", "x", "0", "0", "RUNNING is \"x\": expected 0 or 1"},
        bad_field{"numerator overflow", "1", "1", "4294967296", "1",
                  "NUMERATOR is \"4294967296\": above 4294967295"},
        bad_field{"numerator sign", "1", "1", "-1", "1", "NUMERATOR is \"-1\": not a decimal number"},
        bad_field{"denominator space", "1", "1", "1", " 2", "DENOMINATOR is \" 2\": not a decimal"},
        bad_field{"denominator empty", "1", "1", "1", "", "DENOMINATOR is \"\": not a decimal"},
        bad_field{"denominator huge and junk", "1", "1", "1", "99999999999999999999999x",
                  "not a decimal number"}),
    [](const auto& row) {
      std::string n = row.param.name;
      for (char& c : n)
        if (c == ' ') c = '_';
      return n;
    });

TEST(StatusReply, ClientCountIsCheckedToo) {
  session s;
  task t;
  s.get_status_unique(t, "u");
  flush(s);
  s.receive(res(command::status_res_unique, {"u", "1", "0", "0", "0", "5000000000"}));
  EXPECT_EQ(t.result(), return_code::invalid_packet);
  EXPECT_NE(t.error_text().find("CLIENT_COUNT"), std::string::npos) << t.error_text();
}

TEST(StatusReply, AnotherHandleOfAnyLengthBreaksTheConnection) {
  for (const std::size_t length : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{8000}}) {
    session s;
    task a, b;
    s.get_status(a, "H:asked");
    s.get_status(b, "H:other");
    flush(s);
    s.receive(res(command::status_res, {std::string(length, 'z'), "1", "0", "0", "0"}));
    EXPECT_EQ(a.result(), return_code::unexpected_packet) << length;
    EXPECT_EQ(b.result(), return_code::unexpected_packet);
    EXPECT_TRUE(s.broken());
    EXPECT_NE(a.error_text().find("while waiting for \"H:asked\""), std::string::npos) << a.error_text();
  }
}

TEST(StatusReply, AnotherUniqueOrTheWrongKindBreaksTheConnection) {
  {
    session s;
    task t;
    s.get_status_unique(t, "asked");
    flush(s);
    s.receive(res(command::status_res_unique, {"other", "1", "0", "0", "0", "0"}));
    EXPECT_EQ(t.result(), return_code::unexpected_packet);
  }
  {
    session s;
    task t;
    s.get_status_unique(t, "u");
    flush(s);
    s.receive(res(command::status_res, {"u", "1", "0", "0", "0"}));  // STATUS_RES answers GET_STATUS only
    EXPECT_EQ(t.result(), return_code::unexpected_packet);
  }
  {
    session s;
    task t;
    s.get_status(t, "H:1");
    flush(s);
    s.receive(res(command::error, {"JOB_NOT_FOUND", "nope"}));
    EXPECT_EQ(t.result(), return_code::job_not_found);
    EXPECT_FALSE(s.broken());
  }
}

}  // namespace
}  // namespace gearspec::client
