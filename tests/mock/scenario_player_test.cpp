// The scenario player without sockets: client bytes in, the exact actions
// (writes, pauses, closes, resets, mismatches, forwards to queue mode) out.
#include "scenario_player.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "gearspec/mock/scenario.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::mock::detail {
namespace {

using proto::command;
using actions = std::vector<std::string>;

const std::string submit = proto::encode(proto::magic::request, command::submit_job_bg, {"fn", "u1"}, "x");
const std::string submit_fg = proto::encode(proto::magic::request, command::submit_job, {"fn", "u1"}, "x");

std::string created(std::string_view handle) {
  return proto::encode(proto::magic::response, command::job_created, {handle});
}

/// One action as a line that names it and its bytes, text or duration.
std::string describe(const player_action& a) {
  using k = player_action::kind;
  switch (a.what) {
    case k::write:
      return "write " + a.bytes;
    case k::pause:
      return "pause " + std::to_string(a.duration.count()) + (a.then_resume ? " resume" : "");
    case k::close:
      return "close";
    case k::reset:
      return "reset";
    case k::half_close:
      return "half_close";
    case k::forward:
      return "forward " + a.bytes;
    case k::hold:
      return "hold " + a.text;
    case k::release:
      return "release " + a.text;
    case k::mismatch:
      return "mismatch " + a.text;
    case k::note:
      return "note " + a.text;
  }
  return "?";
}

class Player : public ::testing::Test {
 protected:
  /// Load a scenario (inline YAML) and start connection `index` (0-based).
  actions play(std::string_view yaml, std::size_t index = 0) {
    scenario_ = parse_scenario(yaml, "inline");
    return start(index);
  }
  actions play_file(const std::string& name) {
    scenario_ = load_scenario_file(std::string(GEARSPEC_SCENARIO_DIR) + "/" + name + ".yaml");
    return start(0);
  }
  actions feed(std::string_view bytes) {
    std::vector<player_action> out;
    player_->receive(bytes, out);
    return lines(out);
  }
  actions resume() {
    std::vector<player_action> out;
    player_->resume(out);
    return lines(out);
  }

  std::optional<scenario_player> player_;

 private:
  actions start(std::size_t index) {
    const auto& m = scenario_->model();
    const connection_script* script =
        index < m.connections.size() ? &m.connections[index] : (m.every ? &*m.every : nullptr);
    player_.emplace(m, script, index + 1, ctx_, proto::decoder_limits{});
    std::vector<player_action> out;
    player_->start(out);
    return lines(out);
  }
  static actions lines(const std::vector<player_action>& out) {
    actions l;
    for (const auto& a : out) l.push_back(describe(a));
    return l;
  }

  std::shared_ptr<const scenario> scenario_;
  player_context ctx_;
};

TEST_F(Player, ASubmitSplitAcrossReadsIsAnsweredOnceWhole) {
  EXPECT_EQ(play("then: close\n"
                 "steps:\n"
                 "  - expect: SUBMIT_JOB_BG\n"
                 "  - reply: {command: JOB_CREATED, args: [\"${handle}\"]}\n"),
            actions{});
  EXPECT_EQ(feed(submit.substr(0, 5)), actions{}) << "inside the header";
  EXPECT_EQ(feed(submit.substr(5, 9)), actions{}) << "inside the arguments";
  EXPECT_EQ(feed(submit.substr(14)), (actions{"write " + created("H:mock:1"), "close"}));
  EXPECT_TRUE(player_->finished());
  EXPECT_EQ(feed(submit), actions{}) << "nothing after the close";
}

TEST_F(Player, ThreeSubmitsInOneReadGetOneCoalescedWriteThenQueueMode) {
  EXPECT_EQ(play_file("coalesce"), actions{});
  EXPECT_EQ(feed(submit + submit + submit),
            (actions{"write " + created("H:mock:1") + created("H:mock:2") + created("H:mock:3")}));
  EXPECT_TRUE(player_->queue_mode());
  EXPECT_EQ(feed(submit), (actions{"forward " + submit})) << "queue mode answers from now on";
}

TEST_F(Player, WriteFaultsFromTheShippedScenarios) {
  const std::string reply = created("H:mock:1");
  play_file("split-at-offset");
  EXPECT_EQ(feed(submit), (actions{"write " + reply.substr(0, 7), "pause 20", "write " + reply.substr(7)}));

  play_file("close-after-bytes");
  EXPECT_EQ(feed(submit), (actions{"write " + reply.substr(0, 5), "close"}));

  play_file("reset-after-bytes");
  EXPECT_EQ(feed(submit), (actions{"write " + reply.substr(0, 13), "reset"}));

  play_file("drip");
  actions drip;
  for (std::size_t i = 0; i < reply.size(); ++i) {
    if (i > 0) drip.push_back("pause 2");
    drip.push_back("write " + reply.substr(i, 1));
  }
  EXPECT_EQ(feed(submit), drip);

  play_file("wrong-magic");
  std::string req_magic = reply;
  req_magic.replace(0, 4, proto::request_magic);
  std::string made_up = created("H:mock:2");
  made_up.replace(0, 4, std::string("\0XYZ", 4));
  EXPECT_EQ(feed(submit), (actions{"write " + req_magic, "write " + made_up}));
  EXPECT_TRUE(player_->finished());
  EXPECT_FALSE(player_->queue_mode()) << "then: silent";
}

TEST_F(Player, ADelayPausesTheScriptAndHoldsInputUntilResumed) {
  play_file("delay");
  EXPECT_EQ(feed(submit), (actions{"pause 300 resume"}));
  EXPECT_EQ(feed(submit), actions{}) << "input during the pause waits";
  EXPECT_EQ(resume(), (actions{"write " + created("H:mock:1"), "forward " + submit}))
      << "the reply, then the held input goes to queue mode";
}

TEST_F(Player, AMismatchIsReportedWithLineExpectationAndWhatCame) {
  play(
      "on_mismatch: close\n"
      "steps:\n"
      "  - expect: SUBMIT_JOB_BG\n"
      "  - reply: {command: JOB_CREATED, args: [H:x]}\n");
  const auto out = feed(submit_fg);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("mismatch line 3: expected SUBMIT_JOB_BG, got ", 0), 0u) << out[0];
  EXPECT_NE(out[0].find("SUBMIT_JOB", 45), std::string::npos) << out[0];
  EXPECT_EQ(out[1], "close");
}

TEST_F(Player, ByDefaultAMismatchConsumesTheStepAndTheScriptGoesOn) {
  play(
      "steps:\n"
      "  - expect: {command: SUBMIT_JOB_BG, args: [fn, other]}\n"
      "  - reply: {command: JOB_CREATED, args: [H:x]}\n");
  const auto out = feed(submit);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("mismatch line 2: expected SUBMIT_JOB_BG [", 0), 0u) << out[0];
  EXPECT_NE(out[0].find("(argument 1 is not "), std::string::npos) << out[0];
  EXPECT_EQ(out[1], "write " + created("H:x"));
}

TEST_F(Player, UndecodableBytesAreAMismatchNamingTheDecoderError) {
  play(
      "on_mismatch: reset\n"
      "steps:\n"
      "  - expect: SUBMIT_JOB_BG\n");
  const auto out = feed(std::string("\0XYZ", 4) + std::string(8, '\0'));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("mismatch line 3: expected SUBMIT_JOB_BG, got undecodable bytes (", 0), 0u)
      << out[0];
  EXPECT_EQ(out[1], "reset");
}

TEST_F(Player, UndecodableBytesGoToQueueModeThemselvesNotTheMessageMatchedBeforeThem) {
  play(
      "on_mismatch: queue\n"
      "steps:\n"
      "  - expect: SUBMIT_JOB_BG\n"
      "  - expect: SUBMIT_JOB_BG\n");
  EXPECT_EQ(feed(submit), actions{});
  const std::string garbage = std::string("\0XYZ", 4) + std::string(8, '\0');
  const auto out = feed(garbage);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("mismatch line 4: expected SUBMIT_JOB_BG, got undecodable bytes (", 0), 0u)
      << out[0];
  EXPECT_EQ(out[1], "forward " + garbage) << "the first submit was matched and must not be replayed";
  EXPECT_TRUE(player_->queue_mode());
}

TEST_F(Player, AnUnexpectedOptionRequestIsAnsweredByQueueModeWithoutUsingAStep) {
  const std::string option = proto::encode(proto::magic::request, command::option_req, {"exceptions"});
  play(
      "then: close\n"
      "steps:\n"
      "  - expect: SUBMIT_JOB_BG\n"
      "  - reply: {command: JOB_CREATED, args: [H:x]}\n");
  const auto out = feed(option + submit);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].rfind("note answered ", 0), 0u) << out[0];
  EXPECT_EQ(out[1], "forward " + option);
  EXPECT_EQ(out[2], "write " + created("H:x"));
  EXPECT_EQ(out[3], "close");
}

TEST_F(Player, EachConnectionPlaysItsOwnScriptAndHandlesCountAcrossThem) {
  const char* yaml =
      "then: close\n"
      "connections:\n"
      "  - [{expect: SUBMIT_JOB_BG}, {reply: {command: JOB_CREATED, args: [\"${handle}\"]}}]\n"
      "  - [{expect: SUBMIT_JOB_BG}, reset]\n";
  play(yaml, 0);
  EXPECT_EQ(feed(submit), (actions{"write " + created("H:mock:1"), "close"}));
  play(yaml, 1);
  EXPECT_EQ(feed(submit), (actions{"reset"}));
  EXPECT_EQ(play(yaml, 2), (actions{"close"})) << "beyond the list, no `steps`: the end action at once";
  EXPECT_TRUE(player_->finished());
  play(yaml, 0);
  EXPECT_EQ(feed(submit), (actions{"write " + created("H:mock:2"), "close"})) << "one counter per server";
}

const char* const any_grab_script =
    "then: silent\n"
    "steps:\n"
    "  - expect: {command: CAN_DO, args: [fn]}\n"
    "  - expect: GRAB\n"
    "  - reply: {assign: [\"H:w:1\", fn, u-1, r], data: payload}\n";

const std::string can_do = proto::encode(proto::magic::request, command::can_do, {"fn"});

std::string grab(command c) { return proto::encode(proto::magic::request, c, {}); }

TEST_F(Player, GrabMatchesEachGrabAndAssignAnswersWithTheAssignmentItAskedFor) {
  struct row {
    command grab;
    std::string reply;
  };
  const row rows[] = {
      {command::grab_job,
       proto::encode(proto::magic::response, command::job_assign, {"H:w:1", "fn"}, "payload")},
      {command::grab_job_uniq,
       proto::encode(proto::magic::response, command::job_assign_uniq, {"H:w:1", "fn", "u-1"}, "payload")},
      {command::grab_job_all, proto::encode(proto::magic::response, command::job_assign_all,
                                            {"H:w:1", "fn", "u-1", "r"}, "payload")},
  };
  for (const auto& r : rows) {
    play(any_grab_script);
    EXPECT_EQ(feed(can_do), actions{});
    EXPECT_EQ(feed(grab(r.grab)), (actions{"write " + r.reply})) << proto::name(r.grab);
  }
  EXPECT_EQ(rows[0].reply.size(), 28u);
  EXPECT_EQ(rows[1].reply.size(), 32u);
  EXPECT_EQ(rows[2].reply.size(), 34u);
}

TEST_F(Player, AWorkerThatSleepsBeforeItsFirstGrabIsWokenAndTheGrabStepStillWaits) {
  play(any_grab_script);
  EXPECT_EQ(feed(can_do), actions{});
  const auto noop = proto::encode(proto::magic::response, command::noop, {});
  EXPECT_EQ(feed(proto::encode(proto::magic::request, command::pre_sleep, {})),
            (actions{"note PRE_SLEEP before the grab: woken with NOOP", "write " + noop}));
  EXPECT_EQ(feed(grab(command::grab_job_uniq)),
            (actions{"write " + proto::encode(proto::magic::response, command::job_assign_uniq,
                                              {"H:w:1", "fn", "u-1"}, "payload")}));
}

TEST_F(Player, GrabDoesNotMatchAnotherCommand) {
  play("on_mismatch: close\nsteps:\n  - expect: GRAB\n");
  const auto out = feed(proto::encode(proto::magic::request, command::cant_do, {"fn"}));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("mismatch line 3: expected GRAB (GRAB_JOB, GRAB_JOB_UNIQ or GRAB_JOB_ALL), got ", 0),
            0u)
      << out[0];
  EXPECT_EQ(out[1], "close");
}

TEST_F(Player, AssignAnswersTheLastGrabEvenAfterAMismatchOrAnyExpect) {
  // `expect: any` matched the GRAB_JOB_UNIQ; a later `expect: GRAB` sees a
  // PRE_SLEEP (mismatch, continue): the assignment still answers the grab.
  play(
      "then: silent\n"
      "steps:\n"
      "  - expect: any\n"
      "  - expect: GRAB\n"
      "  - reply: {assign: [H:x, fn, u, \"\"], data: w}\n");
  EXPECT_EQ(feed(grab(command::grab_job_uniq)), actions{});
  const auto out = feed(proto::encode(proto::magic::request, command::cant_do, {"fn"}));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("mismatch line 4: expected GRAB", 0), 0u) << out[0];
  EXPECT_EQ(out[1], "write " + proto::encode(proto::magic::response, command::job_assign_uniq,
                                             {"H:x", "fn", "u"}, "w"));
}

TEST_F(Player, AssignWithNoGrabOnTheConnectionSendsNothingAndSaysWhy) {
  play(
      "then: silent\n"
      "steps:\n"
      "  - expect: any\n"
      "  - reply: {assign: [H:x, fn, u, \"\"], data: w}\n");
  const auto out = feed(can_do);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0],
            "mismatch line 4: assign answers a grab, but no GRAB_JOB* came on this connection; nothing sent");
}

TEST_F(Player, AssignKeepsMagicAndSizeOverridesAndFitsEveryOtherSendKey) {
  play(
      "then: silent\n"
      "steps:\n"
      "  - expect: GRAB\n"
      "  - packet: {assign: [H:w:1, fn, u, \"\"], size: 100}\n"
      "  - wrong_magic: {assign: [H:w:1, fn, u, \"\"]}\n");
  std::string truncated = proto::encode(proto::magic::response, command::job_assign, {"H:w:1", "fn"}, "");
  truncated[11] = 100;  // the size field's low byte
  std::string bad_magic = proto::encode(proto::magic::response, command::job_assign, {"H:w:1", "fn"}, "");
  bad_magic.replace(0, 4, "XRES");
  EXPECT_EQ(feed(grab(command::grab_job)), (actions{"write " + truncated, "write " + bad_magic}));
}

TEST_F(Player, CloseWithinStopsInsideTheAssignmentTheWorkerAskedFor) {
  const char* yaml =
      "steps:\n"
      "  - expect: GRAB\n"
      "  - reply: {assign: [\"H:w:1\", fn, u-1, \"\"], data: payload}\n"
      "    close_within: 32\n";
  const auto all =
      proto::encode(proto::magic::response, command::job_assign_all, {"H:w:1", "fn", "u-1", ""}, "payload");
  ASSERT_EQ(all.size(), 33u);
  play(yaml);
  EXPECT_EQ(feed(grab(command::grab_job_all)), (actions{"write " + all.substr(0, 32), "close"}))
      << "32 of 33 bytes: not bounded";
  const auto assign = proto::encode(proto::magic::response, command::job_assign, {"H:w:1", "fn"}, "payload");
  play(yaml);
  EXPECT_EQ(feed(grab(command::grab_job)),
            (actions{"note close_within 32 bounded to 27 (the step is 28 bytes)",
                     "write " + assign.substr(0, 27), "close"}));
  play(
      "steps:\n"
      "  - expect: GRAB\n"
      "  - reply: {assign: [\"H:w:1\", fn, u-1, \"\"], data: payload}\n"
      "    close_within: 0\n");
  EXPECT_EQ(feed(grab(command::grab_job_uniq)), (actions{"close"})) << "0 bytes: close at once";
}

}  // namespace
}  // namespace gearspec::mock::detail
