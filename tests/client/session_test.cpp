// The sans-I/O session driven in memory: byte-exact encoding of every submit
// variant, FIFO matching, and every outcome row of SEMANTICS.md section 5.
#include "gearspec/client/session.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::client {
namespace {

using proto::command;
using proto::magic;
using namespace std::string_literals;

std::string created(std::string_view handle) {
  return proto::encode(magic::response, command::job_created, {handle});
}
std::string error_packet(std::string_view code, std::string_view text) {
  return proto::encode(magic::response, command::error, {code, text});
}

// Everything queued is written at once.
void flush(session& s) { s.wrote(s.output().size()); }

// ---- encoding (SEMANTICS.md 4) -------------------------------------------

struct variant {
  priority prio;
  bool background;
  std::uint32_t number;
};

TEST(SessionEncoding, EveryVariantIsByteExact) {
  const std::array<variant, 6> variants{{{priority::normal, true, 18},
                                         {priority::high, true, 32},
                                         {priority::low, true, 34},
                                         {priority::normal, false, 7},
                                         {priority::high, false, 21},
                                         {priority::low, false, 33}}};
  for (const variant& v : variants) {
    session s;
    task t;
    ASSERT_EQ(s.submit(t, {"g_capi", "u-1", "payload", v.prio, v.background}), return_code::success);
    const std::string expected = "\0REQ"s + std::string{"\0\0\0", 3} + static_cast<char>(v.number) +
                                 "\0\0\0\x12"s + "g_capi\0u-1\0payload"s;
    EXPECT_EQ(s.output(), expected) << "command " << v.number;
    EXPECT_EQ(t.command(), static_cast<command>(v.number));
  }
}

TEST(SessionEncoding, WorkloadKeepsEmbeddedNulsAndHasNoTrailingNul) {
  session s;
  task t;
  const std::string workload = "ab\0cd\0\0ef"s;
  ASSERT_EQ(s.submit(t, {"f", "u", workload}), return_code::success);
  EXPECT_EQ(s.output().substr(12), "f\0u\0"s + workload);
  EXPECT_EQ(s.output().size(), 12 + 4 + workload.size());
}

TEST(SessionEncoding, EmptyWorkloadAndMegabyteWorkload) {
  session s;
  task a, b;
  const std::string big(1 << 20, '\x7f');
  ASSERT_EQ(s.submit(a, {"f", "u", ""}), return_code::success);
  ASSERT_EQ(s.submit(b, {"f", "v", big}), return_code::success);
  std::error_code ec;
  const auto packets = proto::decode_all(s.output(), ec);
  ASSERT_FALSE(ec);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].data, "");
  EXPECT_EQ(packets[1].data, big);
}

TEST(SessionEncoding, NamespaceIsPrependedAndCountsInTheLimit) {
  session s;
  s.set_namespace("ns_");
  task t;
  ASSERT_EQ(s.submit(t, {"fn", "u", "w"}), return_code::success);
  EXPECT_EQ(s.output().substr(12), "ns_fn\0u\0w"s);
  task too_long;
  EXPECT_EQ(s.submit(too_long, {std::string(510, 'f'), "u", "w"}), return_code::invalid_argument);
  task fits;
  EXPECT_EQ(s.submit(fits, {std::string(509, 'f'), "u", "w"}), return_code::success);
}

TEST(SessionEncoding, SixtyFourByteUniqueIsSentIntact) {
  session s;
  task t;
  const std::string unique(64, 'u');
  ASSERT_EQ(s.submit(t, {"f", unique, "w"}), return_code::success);
  EXPECT_EQ(t.unique(), unique);
  EXPECT_EQ(s.output().substr(12), "f\0"s + unique + "\0w"s);
}

// ---- argument checks in byte-string form (SEMANTICS.md 2) -------------------

TEST(SessionArguments, RejectsWhatCannotBeSentAndLeavesTheTaskUntouched) {
  session s;
  task t;
  t.context = &t;
  std::string why;
  EXPECT_EQ(s.submit(t, {"", "u", "w"}, &why), return_code::invalid_argument);
  EXPECT_NE(why.find("function"), std::string::npos);
  EXPECT_EQ(s.submit(t, {std::string(513, 'f'), "u", "w"}), return_code::invalid_argument);
  EXPECT_EQ(s.submit(t, {"f\0g"s, "u", "w"}), return_code::invalid_argument);
  EXPECT_EQ(s.submit(t, {"f", std::string(65, 'u'), "w"}), return_code::invalid_argument);
  EXPECT_EQ(s.submit(t, {"f", "u\0v"s, "w"}), return_code::invalid_argument);
  EXPECT_EQ(t.phase(), task_phase::idle);
  EXPECT_EQ(t.result(), return_code::unknown_state);
  EXPECT_EQ(t.unique(), "");
  EXPECT_EQ(t.context, &t);
  EXPECT_TRUE(s.output().empty());
  EXPECT_EQ(s.submit(t, {std::string(512, 'f'), "", "w"}), return_code::success);
}

TEST(SessionArguments, BodyAtTheEncodingLimitIsArgumentTooLarge) {
  session s;
  task t;
  // A view of 4 GiB is never read: the size check comes first.
  static const char byte = 'x';
  const std::string_view huge{&byte, 0xFFFFFFFFull};
  EXPECT_EQ(s.submit(t, {"f", "u", huge}), return_code::argument_too_large);
  EXPECT_TRUE(s.output().empty());
}

TEST(SessionArguments, AQueuedTaskCannotBeQueuedTwice) {
  session s;
  task t;
  ASSERT_EQ(s.submit(t, {"f", "u", "w"}), return_code::success);
  EXPECT_EQ(s.submit(t, {"f", "u", "w"}), return_code::invalid_argument);
}

// ---- run outcomes (SEMANTICS.md 5) -------------------------------------------

struct batch {
  session s;
  std::vector<std::unique_ptr<task>> tasks;

  explicit batch(std::size_t n, session_limits limits = {}) : s(limits) {
    for (std::size_t i = 0; i < n; ++i) {
      tasks.push_back(std::make_unique<task>());
      EXPECT_EQ(s.submit(*tasks.back(), {"fn", "u-" + std::to_string(i), "w"}), return_code::success);
    }
    s.connection_opened();
    flush(s);
  }
  task& operator[](std::size_t i) { return *tasks[i]; }
};

TEST(SessionOutcome, JobCreatedStoresTheHandleAndFinishes) {
  batch b(1);
  EXPECT_EQ(b[0].phase(), task_phase::waiting);
  EXPECT_EQ(b[0].result(), return_code::unknown_state);
  b.s.receive(created("H:vm:14"));
  EXPECT_EQ(b[0].result(), return_code::success);
  EXPECT_EQ(b[0].handle(), "H:vm:14");
  EXPECT_STREQ(b[0].handle_c_str(), "H:vm:14");
  EXPECT_TRUE(b[0].is_known());
  EXPECT_FALSE(b[0].is_running());
  EXPECT_FALSE(b.s.busy());
  EXPECT_EQ(b.s.outcome(), return_code::success);
}

TEST(SessionOutcome, RepliesAreMatchedInSendOrder) {
  batch b(3);
  b.s.receive(created("H:1") + created("H:2") + created("H:3"));
  EXPECT_EQ(b[0].handle(), "H:1");
  EXPECT_EQ(b[1].handle(), "H:2");
  EXPECT_EQ(b[2].handle(), "H:3");
}

TEST(SessionOutcome, ErrorMidBatchFailsOnlyItsTaskAndTheOthersComplete) {
  batch b(3);
  b.s.receive(created("H:1") + error_packet("QUEUE_ERROR", "Job queue is full") + created("H:3"));
  EXPECT_EQ(b[0].result(), return_code::success);
  EXPECT_EQ(b[1].result(), return_code::queue_error);
  EXPECT_EQ(b[1].error_text(), "Job queue is full");
  EXPECT_EQ(b[1].server_code(), "QUEUE_ERROR");
  EXPECT_FALSE(b[1].is_known());
  EXPECT_EQ(b[2].result(), return_code::success);
  EXPECT_EQ(b[2].handle(), "H:3");
  EXPECT_EQ(b.s.outcome(), return_code::queue_error);
  EXPECT_EQ(b.s.outcome_text(), "Job queue is full");
  EXPECT_FALSE(b.s.broken());
}

TEST(SessionOutcome, ErrorCodesAreLookedUpCaseInsensitivelyAndUnknownIsServerError) {
  batch b(4);
  b.s.receive(error_packet("job_queue_full", "x") + error_packet("ERR_CODE", "error text") +
              error_packet("SUCCESS", "odd") + error_packet("", ""));
  EXPECT_EQ(b[0].result(), return_code::job_queue_full);
  EXPECT_EQ(b[1].result(), return_code::server_error);
  EXPECT_EQ(b[2].result(), return_code::server_error) << "an ERROR is never success";
  EXPECT_EQ(b[3].result(), return_code::server_error);
}

TEST(SessionOutcome, CloseAtEveryByteOffsetLosesEveryWaitingTask) {
  const std::string replies = created("H:vm:1") + created("H:vm:2") + created("H:vm:3");
  const std::size_t first = created("H:vm:1").size();
  for (std::size_t cut = 0; cut < replies.size(); ++cut) {
    batch b(3);
    b.s.receive(std::string_view{replies}.substr(0, cut));
    b.s.connection_closed("lost connection to server (EOF)");
    const std::size_t complete = cut / first;
    for (std::size_t i = 0; i < 3; ++i) {
      if (i < complete) {
        EXPECT_EQ(b[i].result(), return_code::success) << "cut " << cut << " task " << i;
      } else {
        EXPECT_EQ(b[i].result(), return_code::lost_connection) << "cut " << cut << " task " << i;
        EXPECT_FALSE(b[i].is_known());
      }
    }
    EXPECT_EQ(b.s.outcome(), return_code::lost_connection);
    EXPECT_FALSE(b.s.busy());
  }
}

TEST(SessionOutcome, RepliesSplitAtEveryOffsetOrOneByteAtATimeGiveTheSameResult) {
  const std::string replies = created("H:vm:1") + error_packet("QUEUE_ERROR", "full") + created("H:vm:3");
  for (std::size_t cut = 0; cut <= replies.size(); ++cut) {
    batch b(3);
    b.s.receive(std::string_view{replies}.substr(0, cut));
    b.s.receive(std::string_view{replies}.substr(cut));
    EXPECT_EQ(b[0].handle(), "H:vm:1") << cut;
    EXPECT_EQ(b[1].result(), return_code::queue_error) << cut;
    EXPECT_EQ(b[2].handle(), "H:vm:3") << cut;
  }
  batch drip(3);
  for (char c : replies) drip.s.receive({&c, 1});
  EXPECT_EQ(drip[2].handle(), "H:vm:3");
  EXPECT_EQ(drip[1].error_text(), "full");
}

TEST(SessionOutcome, WrongMagicFailsEveryWaitingTaskAndBreaksTheSession) {
  for (const std::string& magic4 : {"\0XYZ"s, "\0REQ"s}) {
    batch b(2);
    std::string bad;
    proto::append_raw_header(bad, magic4, 8, 3);
    bad += "H:1";
    b.s.receive(bad);
    EXPECT_EQ(b[0].result(), return_code::invalid_magic) << proto::escape_bytes(magic4);
    EXPECT_EQ(b[1].result(), return_code::invalid_magic);
    EXPECT_TRUE(b.s.broken());
    EXPECT_EQ(b.s.outcome(), return_code::invalid_magic);
  }
}

TEST(SessionOutcome, UnknownCommandNumberIsInvalidCommand) {
  for (std::uint32_t number : {0u, 43u, 0xFFFFFFFFu}) {
    batch b(1);
    std::string bad;
    proto::append_raw_header(bad, proto::response_magic, number, 0);
    b.s.receive(bad);
    EXPECT_EQ(b[0].result(), return_code::invalid_command) << number;
    EXPECT_TRUE(b.s.broken());
  }
}

TEST(SessionOutcome, TextLineIsInvalidPacketWithoutWaitingForANewline) {
  batch b(1);
  b.s.receive("hello world");  // no newline: must not wait for one
  EXPECT_EQ(b[0].result(), return_code::invalid_packet);
  EXPECT_NE(b[0].error_text().find("text line"), std::string::npos);
  EXPECT_TRUE(b.s.broken());
}

TEST(SessionOutcome, MalformedPacketsAreInvalidPacket) {
  // ERROR with no NUL between code and text (missing terminator).
  std::string missing_nul;
  proto::append_raw_header(missing_nul, proto::response_magic, 19, 5);
  missing_nul += "CODEX";
  // JOB_CREATED whose single unterminated argument holds a NUL (too many args).
  std::string extra_nul;
  proto::append_raw_header(extra_nul, proto::response_magic, 8, 4);
  extra_nul += "H:\0x"s;
  for (const std::string& bad : {missing_nul, extra_nul}) {
    batch b(2);
    b.s.receive(bad);
    EXPECT_EQ(b[0].result(), return_code::invalid_packet) << proto::escape_bytes(bad);
    EXPECT_EQ(b[1].result(), return_code::invalid_packet);
    EXPECT_TRUE(b.s.broken());
  }
}

TEST(SessionOutcome, OversizeSizeFieldIsRefusedBeforeAllocating) {
  session_limits limits;
  limits.max_body_size = 1024;
  batch b(1, limits);
  std::string bad;
  proto::append_raw_header(bad, proto::response_magic, 8, 0xFFFFFFF0u);
  bad += "H:vm:1\0\0"s;
  b.s.receive(bad);
  EXPECT_EQ(b[0].result(), return_code::invalid_packet);
  EXPECT_NE(b[0].error_text().find("malformed reply"), std::string::npos);
  EXPECT_TRUE(b.s.broken());
}

TEST(SessionOutcome, WellFormedButWrongReplyIsUnexpectedPacket) {
  {
    batch b(1);  // a submit answered with STATUS_RES
    b.s.receive(proto::encode(magic::response, command::status_res, {"H:1", "1", "0", "0", "0"}));
    EXPECT_EQ(b[0].result(), return_code::unexpected_packet);
    EXPECT_TRUE(b.s.broken());
  }
  {
    batch b(1);  // a request-only command from the server
    b.s.receive(proto::encode(magic::response, command::submit_job, {"f", "u"}, "w"));
    EXPECT_EQ(b[0].result(), return_code::unexpected_packet);
  }
  // Replies to requests this client never sends take the oldest slot too: a
  // JOB_CREATED after them must not be given to the wrong job.
  for (const auto& reply :
       {proto::encode(magic::response, command::option_res, {"exceptions"}),
        proto::encode(magic::response, command::status_res_unique, {"u", "1", "0", "0", "0", "1"})}) {
    batch b(2);
    b.s.receive(reply + created("H:1"));
    EXPECT_EQ(b[0].result(), return_code::unexpected_packet);
    EXPECT_EQ(b[1].result(), return_code::unexpected_packet);
    EXPECT_TRUE(b.s.broken());
  }
}

TEST(SessionOutcome, UnrelatedPacketsAreIgnored) {
  batch b(1);
  b.s.receive(proto::encode(magic::response, command::noop, {}));
  b.s.receive(proto::encode(magic::response, command::work_complete, {"H:other"}, "data"));
  b.s.receive(proto::encode(magic::response, command::work_fail, {"H:other"}));
  EXPECT_EQ(b[0].phase(), task_phase::waiting);
  b.s.receive(created("H:vm:7"));
  EXPECT_EQ(b[0].result(), return_code::success);
  EXPECT_EQ(b.s.counters().packets_ignored, 3u);
  b.s.receive(created("H:late"));  // nothing waits: unrelated too
  EXPECT_EQ(b.s.counters().packets_ignored, 4u);
  EXPECT_EQ(b[0].handle(), "H:vm:7");
}

TEST(SessionOutcome, ReplyBeforeTheRequestWasWrittenIsNotMatched) {
  session s;
  task t;
  ASSERT_EQ(s.submit(t, {"f", "u", "w"}), return_code::success);
  s.connection_opened();
  s.wrote(s.output().size() - 1);  // last byte not yet written
  s.receive(created("H:early"));
  EXPECT_EQ(t.result(), return_code::unknown_state);
  EXPECT_EQ(t.phase(), task_phase::queued);
  s.wrote(1);
  s.receive(created("H:1"));
  EXPECT_EQ(t.handle(), "H:1");
}

TEST(SessionOutcome, HandleLongerThan63BytesFailsOnlyThatTask) {
  batch b(3);
  b.s.receive(created("H:1") + created(std::string(64, 'h')) + created("H:3"));
  EXPECT_EQ(b[0].result(), return_code::success);
  EXPECT_EQ(b[1].result(), return_code::invalid_packet);
  EXPECT_EQ(b[1].handle(), "") << "never truncated";
  EXPECT_FALSE(b[1].is_known());
  EXPECT_EQ(b[2].result(), return_code::success);
  EXPECT_FALSE(b.s.broken());
  batch exact(1);
  exact.s.receive(created(std::string(63, 'h')));
  EXPECT_EQ(exact[0].result(), return_code::success);
  EXPECT_EQ(exact[0].handle().size(), 63u);
}

TEST(SessionOutcome, EmptyHandleIsAPacketErrorForThatTask) {
  batch b(1);
  b.s.receive(created(""));
  EXPECT_EQ(b[0].result(), return_code::invalid_packet);
}

TEST(SessionOutcome, TimeoutFailsEveryUnfinishedTask) {
  batch b(3);
  b.s.receive(created("H:1"));
  b.s.timed_out("timeout reached after 100 ms");
  EXPECT_EQ(b[0].result(), return_code::success);
  EXPECT_EQ(b[1].result(), return_code::timeout);
  EXPECT_EQ(b[2].result(), return_code::timeout);
  EXPECT_EQ(b[2].error_text(), "timeout reached after 100 ms");
  EXPECT_TRUE(b.s.broken());
  EXPECT_EQ(b.s.outcome(), return_code::timeout);
}

TEST(SessionOutcome, ConnectFailureKeepsTasksQueuedForAnotherRun) {
  session s;
  task t;
  ASSERT_EQ(s.submit(t, {"f", "u", "w"}), return_code::success);
  const std::string bytes{s.output()};
  s.connect_failed(return_code::could_not_connect, "Connection to 127.0.0.1:1 failed");
  EXPECT_EQ(t.result(), return_code::could_not_connect);
  EXPECT_EQ(t.phase(), task_phase::queued);
  EXPECT_EQ(s.output(), bytes);
  s.clear_outcome();
  s.connection_opened();
  EXPECT_EQ(t.result(), return_code::unknown_state);
  flush(s);
  s.receive(created("H:1"));
  EXPECT_EQ(t.result(), return_code::success);
}

TEST(SessionOutcome, BrokenSessionIgnoresFurtherInputUntilReopened) {
  batch b(1);
  b.s.receive("x");
  ASSERT_TRUE(b.s.broken());
  b.s.receive(created("H:1"));
  EXPECT_EQ(b[0].result(), return_code::invalid_packet);
  task again;
  ASSERT_EQ(b.s.submit(again, {"f", "u", "w"}), return_code::success);
  b.s.connection_opened();
  EXPECT_FALSE(b.s.broken());
  flush(b.s);
  b.s.receive(created("H:2"));
  EXPECT_EQ(again.result(), return_code::success);
}

// ---- detach -------------------------------------------------------------------

TEST(SessionDetach, UnsentTaskIsDroppedFromTheOutput) {
  session s;
  task a, b, c;
  ASSERT_EQ(s.submit(a, {"f", "a", "1"}), return_code::success);
  ASSERT_EQ(s.submit(b, {"f", "b", "2"}), return_code::success);
  ASSERT_EQ(s.submit(c, {"f", "c", "3"}), return_code::success);
  s.detach(b);
  std::error_code ec;
  const auto packets = proto::decode_all(s.output(), ec);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].args[1], "a");
  EXPECT_EQ(packets[1].args[1], "c");
  s.connection_opened();
  flush(s);
  s.receive(created("H:a") + created("H:c"));
  EXPECT_EQ(a.handle(), "H:a");
  EXPECT_EQ(c.handle(), "H:c");
  EXPECT_EQ(b.phase(), task_phase::idle);
}

TEST(SessionDetach, SentTaskKeepsItsSlotAndItsReplyIsDiscarded) {
  batch b(3);
  b.s.detach(b[1]);
  b.tasks[1].reset();  // destroyed while its reply is outstanding
  b.s.receive(created("H:1") + created("H:2") + created("H:3"));
  EXPECT_EQ(b[0].handle(), "H:1");
  EXPECT_EQ(b[2].handle(), "H:3");
  EXPECT_FALSE(b.s.busy());
}

// ---- foreground, status, echo ---------------------------------------------------

TEST(SessionForeground, RunsUntilWorkCompleteAndCollectsProgress) {
  session s;
  task t;
  ASSERT_EQ(s.submit(t, {"f", "u", "w", priority::normal, false}), return_code::success);
  s.connection_opened();
  flush(s);
  s.receive(created("H:9"));
  EXPECT_EQ(t.phase(), task_phase::running);
  EXPECT_TRUE(s.busy());
  s.receive(proto::encode(magic::response, command::work_status, {"H:9", "1", "4"}));
  s.receive(proto::encode(magic::response, command::work_data, {"H:9"}, "part"));
  EXPECT_TRUE(t.is_running());
  EXPECT_EQ(t.numerator(), 1u);
  EXPECT_EQ(t.denominator(), 4u);
  s.receive(proto::encode(magic::response, command::work_complete, {"H:9"}, "result\0bytes"s));
  EXPECT_EQ(t.result(), return_code::success);
  EXPECT_EQ(t.data(), "result\0bytes"s);
  EXPECT_EQ(t.partial_data(), "part");
  EXPECT_FALSE(s.busy());
}

TEST(SessionForeground, WorkFailExceptionAndLostConnection) {
  session s;
  task fail, exception, lost;
  ASSERT_EQ(s.submit(fail, {"f", "a", "w", priority::high, false}), return_code::success);
  ASSERT_EQ(s.submit(exception, {"f", "b", "w", priority::low, false}), return_code::success);
  ASSERT_EQ(s.submit(lost, {"f", "c", "w", priority::normal, false}), return_code::success);
  s.connection_opened();
  flush(s);
  s.receive(created("H:a") + created("H:b") + created("H:c"));
  s.receive(proto::encode(magic::response, command::work_fail, {"H:a"}));
  s.receive(proto::encode(magic::response, command::work_exception, {"H:b"}, "boom"));
  EXPECT_EQ(fail.result(), return_code::work_fail);
  EXPECT_EQ(exception.result(), return_code::work_exception);
  EXPECT_EQ(exception.data(), "boom");
  s.connection_closed("lost connection to server (EOF)");
  EXPECT_EQ(lost.result(), return_code::lost_connection);
}

TEST(SessionStatus, StatusResFillsTheTaskAndMismatchedHandleBreaks) {
  session s;
  task t;
  ASSERT_EQ(s.get_status(t, "H:vm:3"), return_code::success);
  EXPECT_EQ(s.output(), proto::encode(magic::request, command::get_status, {"H:vm:3"}));
  s.connection_opened();
  flush(s);
  s.receive(proto::encode(magic::response, command::status_res, {"H:vm:3", "1", "1", "3", "10"}));
  EXPECT_EQ(t.result(), return_code::success);
  EXPECT_TRUE(t.is_known());
  EXPECT_TRUE(t.is_running());
  EXPECT_EQ(t.numerator(), 3u);
  EXPECT_EQ(t.denominator(), 10u);

  task bad_number, other;
  ASSERT_EQ(s.get_status(bad_number, "H:1"), return_code::success);
  ASSERT_EQ(s.get_status(other, "H:2"), return_code::success);
  flush(s);
  s.receive(proto::encode(magic::response, command::status_res, {"H:1", "1", "x", "0", "0"}));
  EXPECT_EQ(bad_number.result(), return_code::invalid_packet);
  s.receive(proto::encode(magic::response, command::status_res, {"H:999", "0", "0", "0", "0"}));
  EXPECT_EQ(other.result(), return_code::unexpected_packet);
  EXPECT_TRUE(s.broken());

  task invalid;
  EXPECT_EQ(s.get_status(invalid, ""), return_code::invalid_argument);
  EXPECT_EQ(s.get_status(invalid, std::string(64, 'h')), return_code::invalid_argument);
}

TEST(SessionEcho, SameBytesSucceedDifferentBytesAreCorruption) {
  session s;
  task good, bad;
  ASSERT_EQ(s.echo(good, "ping\0"s), return_code::success);
  ASSERT_EQ(s.echo(bad, "ping"), return_code::success);
  s.connection_opened();
  flush(s);
  s.receive(proto::encode(magic::response, command::echo_res, {}, "ping\0"s));
  s.receive(proto::encode(magic::response, command::echo_res, {}, "pong"));
  EXPECT_EQ(good.result(), return_code::success);
  EXPECT_EQ(bad.result(), return_code::echo_data_corruption);
}

}  // namespace
}  // namespace gearspec::client
