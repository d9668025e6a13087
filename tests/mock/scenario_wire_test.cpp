// Every fault of the shipped scenario files, observed on the wire with a raw
// socket against the embedded server.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "gearspec/mock/server.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/loopback_client.hpp"

namespace gearspec::mock {
namespace {

using proto::command;
using proto::magic;
using test::loopback_client;

std::string submit_bg(std::string_view unique = "u", std::string_view data = "w") {
  return proto::encode(magic::request, command::submit_job_bg, {"f", unique}, data);
}
std::string job_created(std::string_view handle) {
  return proto::encode(magic::response, command::job_created, {handle});
}

struct scenario_server {
  explicit scenario_server(const std::string& file) {
    options o;
    o.script = load_scenario_file(std::string{GEARSPEC_SCENARIO_DIR} + "/" + file);
    srv = std::make_unique<server>(o);
    srv->start();
  }
  loopback_client connect() { return loopback_client{srv->port()}; }
  /// Payloads of the `sent` journal entries, after stop().
  std::vector<std::string> writes() {
    srv->stop();
    std::vector<std::string> out;
    for (const auto& e : srv->journal())
      if (e.what == journal_entry::kind::sent) out.push_back(e.bytes);
    return out;
  }
  std::unique_ptr<server> srv;
};

TEST(ScenarioWire, JobCreatedForEverySubmit) {
  scenario_server s{"job-created-each.yaml"};
  auto c = s.connect();
  c.send(submit_bg("a") + submit_bg("b") + submit_bg("c"));
  EXPECT_EQ(c.read_exact(3 * 20),
            job_created("H:mock:1") + job_created("H:mock:2") + job_created("H:mock:3"));
  EXPECT_TRUE(s.srv->mismatches().empty());
}

TEST(ScenarioWire, ErrorOnTheSecondSubmitThenQueueMode) {
  scenario_server s{"error-on-submit-2.yaml"};
  auto c = s.connect();
  c.send(submit_bg("a"));
  EXPECT_EQ(c.read_exact(20), job_created("H:mock:1"));
  c.send(submit_bg("b"));
  const auto err = proto::encode(magic::response, command::error, {"QUEUE_ERROR", "Job queue is full"});
  EXPECT_EQ(c.read_exact(err.size()), err);
  c.send("status\n");  // queue mode answers after the script
  EXPECT_EQ(c.read_until(".\n"), ".\n");
}

TEST(ScenarioWire, OptionRequestBeforeTheScriptIsAnsweredWithoutConsumingAStep) {
  scenario_server s{"error-on-submit-2.yaml"};
  auto c = s.connect();
  c.send(proto::encode(magic::request, command::option_req, {"exceptions"}));
  const auto option_res = proto::encode(magic::response, command::option_res, {"exceptions"});
  EXPECT_EQ(c.read_exact(option_res.size()), option_res);
  c.send(submit_bg("a"));
  EXPECT_EQ(c.read_exact(20), job_created("H:mock:1"));
  c.send(submit_bg("b"));
  const auto err = proto::encode(magic::response, command::error, {"QUEUE_ERROR", "Job queue is full"});
  EXPECT_EQ(c.read_exact(err.size()), err);
  EXPECT_TRUE(s.srv->mismatches().empty());
}

TEST(ScenarioWire, OptionRequestIsScriptedWhenAnswerOptionsIsOff) {
  options o;
  o.script = parse_scenario(
      "answer_options: false\n"
      "steps:\n"
      "  - expect: SUBMIT_JOB_BG\n"
      "  - reply: {command: JOB_CREATED, args: [H:x:1]}\n",
      "inline.yaml");
  server srv{o};
  srv.start();
  loopback_client c{srv.port()};
  c.send(proto::encode(magic::request, command::option_req, {"exceptions"}));
  c.send(submit_bg("a"));
  const auto scripted = job_created("H:x:1");
  EXPECT_EQ(c.read_exact(scripted.size()), scripted);
  srv.stop();
  ASSERT_EQ(srv.mismatches().size(), 1u);
  EXPECT_NE(srv.mismatches()[0].find("OPTION_REQ"), std::string::npos) << srv.mismatches()[0];
}

TEST(ScenarioWire, CloseAfterKBytesOfTheReply) {
  scenario_server s{"close-after-bytes.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_until_eof(), job_created("H:mock:1").substr(0, 5));
  EXPECT_TRUE(c.saw_eof());
  EXPECT_FALSE(c.saw_reset());
}

TEST(ScenarioWire, ResetAfterKBytesOfTheReply) {
  scenario_server s{"reset-after-bytes.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  const auto got = c.read_until_eof();
  EXPECT_TRUE(c.saw_reset());
  EXPECT_EQ(job_created("H:mock:1").substr(0, 13).substr(0, got.size()), got);
  const auto w = s.writes();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], job_created("H:mock:1").substr(0, 13));
}

TEST(ScenarioWire, SplitAtAnOffsetIsTwoWrites) {
  scenario_server s{"split-at-offset.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_exact(20), job_created("H:mock:1"));
  EXPECT_EQ(s.writes(), (std::vector<std::string>{job_created("H:mock:1").substr(0, 7),
                                                  job_created("H:mock:1").substr(7)}));
}

TEST(ScenarioWire, DripIsOneBytePerWrite) {
  scenario_server s{"drip.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  const auto expected = job_created("H:mock:1");
  EXPECT_EQ(c.read_exact(expected.size()), expected);
  const auto w = s.writes();
  ASSERT_EQ(w.size(), expected.size());
  for (std::size_t i = 0; i < w.size(); ++i) EXPECT_EQ(w[i], expected.substr(i, 1));
}

TEST(ScenarioWire, CoalescedRepliesAreOneWrite) {
  scenario_server s{"coalesce.yaml"};
  auto c = s.connect();
  c.send(submit_bg("a"));
  c.send(submit_bg("b"));
  EXPECT_TRUE(c.silent_for(100));  // nothing before the third submit
  c.send(submit_bg("c"));
  const auto all = job_created("H:mock:1") + job_created("H:mock:2") + job_created("H:mock:3");
  EXPECT_EQ(c.read_exact(all.size()), all);
  EXPECT_EQ(s.writes(), std::vector<std::string>{all});
}

TEST(ScenarioWire, DelayHoldsTheReply) {
  scenario_server s{"delay.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_TRUE(c.silent_for(150));
  EXPECT_EQ(c.read_exact(20, 3000), job_created("H:mock:1"));
}

TEST(ScenarioWire, CloseIsAnOrderlyFin) {
  scenario_server s{"close.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_until_eof(), "");
  EXPECT_TRUE(c.saw_eof());
  EXPECT_FALSE(c.saw_reset());
}

TEST(ScenarioWire, ResetIsAnRst) {
  scenario_server s{"reset.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_until_eof(), "");
  EXPECT_TRUE(c.saw_reset());
}

TEST(ScenarioWire, HalfCloseStopsSendingButKeepsReading) {
  scenario_server s{"half-close.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_until_eof(), "");
  EXPECT_TRUE(c.saw_eof());
  c.send("still reading\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s.srv->stop();
  std::string received;
  for (const auto& e : s.srv->journal())
    if (e.what == journal_entry::kind::received) received += e.bytes;
  EXPECT_EQ(received, submit_bg() + "still reading\n");
}

TEST(ScenarioWire, BlackHoleReadsButNeverAnswers) {
  scenario_server s{"black-hole.yaml"};
  auto c = s.connect();
  c.send(submit_bg() + "status\n");
  EXPECT_TRUE(c.silent_for(300));
  EXPECT_TRUE(s.writes().empty());
}

TEST(ScenarioWire, GarbageInsteadOfTheReply) {
  scenario_server s{"garbage.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  const auto g = c.read_exact(64);
  ASSERT_EQ(g.size(), 64u);
  EXPECT_NE(g[0], '\0');
  EXPECT_TRUE(c.silent_for(100));
}

TEST(ScenarioWire, ChosenJunkBytes) {
  scenario_server s{"junk-bytes.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  const std::string junk = std::string{"\xde\xad\xbe\xef"} + std::string{"\0RES junk\xff", 10};
  EXPECT_EQ(c.read_exact(junk.size()), junk);
}

TEST(ScenarioWire, OversizeSizeField) {
  scenario_server s{"oversize-header.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_exact(12), std::string("\0RES\0\0\0\x08\xff\xff\xff\xff", 12));
}

TEST(ScenarioWire, WrongMagic) {
  scenario_server s{"wrong-magic.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  auto first = proto::encode(magic::request, command::job_created, {"H:mock:1"});
  auto second = proto::encode(magic::response, command::job_created, {"H:mock:2"});
  second.replace(0, 4, std::string("\0XYZ", 4));
  EXPECT_EQ(c.read_exact(first.size() + second.size()), first + second);
}

TEST(ScenarioWire, UnknownCommandNumber) {
  scenario_server s{"unknown-command.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_exact(15), std::string("\0RES\0\0\0\x63\0\0\0\x03"
                                          "abc",
                                          15));
}

TEST(ScenarioWire, AdminTextInsteadOfBinary) {
  scenario_server s{"admin-text.yaml"};
  auto c = s.connect();
  c.send(submit_bg());
  EXPECT_EQ(c.read_until("\n"), "OK 1.1.20+ds\n");
}

TEST(ScenarioWire, PredicatesMatchAndMismatchIsJournaledThenCloses) {
  scenario_server s{"predicates.yaml"};
  {
    auto c = s.connect();
    c.send(proto::encode(magic::request, command::submit_job_bg,
                         {"bench", "16fc342e-ec28-11f1-a4c7-02fc00000001"}, std::string(100, 'x')));
    EXPECT_EQ(c.read_exact(20), job_created("H:mock:1"));
    c.send(proto::encode(magic::request, command::submit_job_high_bg, {"bx", "u-7"}, "anything"));
    EXPECT_EQ(c.read_exact(20), job_created("H:mock:2"));
  }
  EXPECT_TRUE(s.srv->mismatches().empty());
  auto c = s.connect();
  c.send(
      proto::encode(magic::request, command::submit_job_bg, {"bench", "not-a-uuid"}, std::string(100, 'x')));
  EXPECT_EQ(c.read_until_eof(), "");
  EXPECT_TRUE(c.saw_eof());
  const auto m = s.srv->mismatches();
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("argument 1 is not a UUID"), std::string::npos) << m[0];
  EXPECT_NE(m[0].find("not-a-uuid"), std::string::npos) << m[0];
}

TEST(ScenarioWire, MismatchNeverStopsTheServer) {
  options o;
  o.script = parse_scenario("steps:\n  - expect: SUBMIT_JOB\n  - reply: {command: JOB_CREATED, args: [h]}\n",
                            "inline");
  server srv{o};
  srv.start();
  loopback_client a{srv.port()};
  a.send(proto::encode(magic::request, command::echo_req, {}, "x"));  // mismatch: on_mismatch continue
  EXPECT_EQ(a.read_exact(13), job_created("h"));
  loopback_client b{srv.port()};
  b.send(std::string("\0REQ\0\0\0\xff\0\0\0\0", 12));  // undecodable
  b.send(proto::encode(magic::request, command::submit_job, {"f", "u"}, "d"));
  EXPECT_EQ(b.read_exact(13), job_created("h"));
  EXPECT_EQ(srv.mismatches().size(), 2u);
}

TEST(ScenarioWire, StatesHoldAndRelease) {
  scenario_server s{"states-and-hold.yaml"};
  auto client = s.connect();
  for (int i = 0; i < 200 && s.srv->connection_count() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto worker = s.connect();
  client.send(submit_bg("held"));
  EXPECT_EQ(client.read_exact(20), job_created("H:mock:1"));  // passed to queue mode
  worker.send(proto::encode(magic::request, command::can_do, {"f"}) +
              proto::encode(magic::request, command::grab_job, {}));
  EXPECT_EQ(worker.read_exact(12), proto::encode(magic::response, command::no_job, {}));
  worker.send(proto::encode(magic::request, command::pre_sleep, {}));
  EXPECT_TRUE(worker.silent_for(100));
  client.send(proto::encode(magic::request, command::echo_req, {}, "release"));
  const auto released = proto::encode(magic::response, command::echo_res, {}, "released");
  EXPECT_EQ(client.read_exact(released.size()), released);
  EXPECT_EQ(worker.read_exact(12), proto::encode(magic::response, command::noop, {}));
  worker.send(proto::encode(magic::request, command::grab_job, {}));
  const auto assign = proto::encode(magic::response, command::job_assign, {"H:mock:1", "f"}, "w");
  EXPECT_EQ(worker.read_exact(assign.size()), assign);
  client.send(submit_bg("again"));  // goto wait: passed to queue mode again
  EXPECT_EQ(client.read_exact(20), job_created("H:mock:2"));
  EXPECT_TRUE(s.srv->mismatches().empty());
}

TEST(ScenarioWire, RepeatThenQueueFallback) {
  scenario_server s{"repeat-then-queue.yaml"};
  auto c = s.connect();
  c.send(submit_bg("a") + submit_bg("b") + submit_bg("c"));
  const auto expected = job_created("H:scripted:1") + job_created("H:scripted:2") + job_created("H:mock:1");
  EXPECT_EQ(c.read_exact(expected.size()), expected);
}

// The stop race: a peer's last bytes may sit in the socket with no read armed
// (here: reading is held back behind a 16 MB write the peer never reads).
// Stopping the server still journals them.
TEST(ScenarioWire, StopJournalsBytesThePeerSentBeforeIt) {
  options o;
  o.lim.max_buffered_per_connection = 1024;
  o.script = parse_scenario("steps:\n  - garbage: 16000000\n", "inline");
  server srv{o};
  srv.start();
  loopback_client c{srv.port()};
  const std::string submit = proto::encode(magic::request, command::submit_job_bg, {"f", "u"}, "last");
  c.send(submit);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string before;
  for (const auto& e : srv.journal())
    if (e.what == journal_entry::kind::received) before += e.bytes;
  EXPECT_EQ(before, "") << "the server read while its write was held back; the test proves nothing";
  srv.stop();
  std::string received;
  for (const auto& e : srv.journal())
    if (e.what == journal_entry::kind::received) received += e.bytes;
  EXPECT_EQ(received, submit);
}

}  // namespace
}  // namespace gearspec::mock
