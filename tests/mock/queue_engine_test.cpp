// Queue mode without sockets: gearmand 1.1.20 behaviour (WIRE.md 2-4, 7-9).
#include "gearspec/mock/queue_engine.hpp"

#include <gtest/gtest.h>

#include <random>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::mock {
namespace {

using proto::command;
using proto::magic;

std::string req(command c, std::initializer_list<std::string_view> args, std::string_view data = {}) {
  return proto::encode(magic::request, c, args, data);
}

/// Feeds bytes, returns the packets the connection received (and clears them).
struct harness {
  queue_engine e{[] {
    engine_options o;
    o.pid = 4242;
    return o;
  }()};

  std::vector<proto::packet> take(queue_engine::connection_id id) {
    e.take_ready();
    std::error_code ec;
    std::size_t rest = 0;
    auto out = proto::decode_all(e.output(id), ec, &rest);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(rest, 0u);
    e.output(id).clear();
    return out;
  }
  std::string text(queue_engine::connection_id id) {
    e.take_ready();
    std::string s;
    s.swap(e.output(id));
    return s;
  }
  proto::packet one(queue_engine::connection_id id) {
    auto v = take(id);
    EXPECT_EQ(v.size(), 1u);
    return v.empty() ? proto::packet{} : v[0];
  }
};

proto::packet res(command c, std::vector<std::string> args, std::string data = {}) {
  return proto::packet{magic::response, c, std::move(args), std::move(data)};
}

TEST(QueueEngine, EachPriorityGetsJobCreatedWithSequentialHandles) {
  harness h;
  auto c = h.e.connect("127.0.0.1");
  int n = 0;
  for (auto cmd : {command::submit_job, command::submit_job_bg, command::submit_job_high,
                   command::submit_job_high_bg, command::submit_job_low, command::submit_job_low_bg}) {
    h.e.receive(c, req(cmd, {"f", "u" + std::to_string(n)}, "w"));
    EXPECT_EQ(h.one(c), res(command::job_created, {"H:mock:" + std::to_string(++n)})) << proto::name(cmd);
  }
  h.e.receive(c, req(command::submit_job_epoch, {"f", "ue", "0"}, "w"));
  EXPECT_EQ(h.one(c), res(command::job_created, {"H:mock:7"}));
  h.e.receive(c, req(command::submit_reduce_job_background, {"f", "ur", "red", ""}, "w"));
  EXPECT_EQ(h.one(c), res(command::job_created, {"H:mock:8"}));
  EXPECT_EQ(h.e.stats().jobs, 8u);
  h.e.receive(c, "prioritystatus\n");
  EXPECT_EQ(h.text(c), "f\t2\t4\t2\t0\n.\n");
}

TEST(QueueEngine, SchedIsRejectedLikeGearmand) {
  harness h;
  auto c = h.e.connect("127.0.0.1");
  h.e.receive(c, req(command::submit_job_sched, {"f", "u", "1", "2", "3", "4", "5"}, "w"));
  EXPECT_EQ(h.one(c), res(command::error, {"INVALID_COMMAND", "Command not expected"}));
  EXPECT_FALSE(h.e.should_close(c));
}

TEST(QueueEngine, CoalescesOnFunctionAndUniqueAcrossConnectionsAndVariants) {
  harness h;
  auto a = h.e.connect("127.0.0.1"), b = h.e.connect("127.0.0.1");
  h.e.receive(a, req(command::submit_job_bg, {"f", "same"}, "first"));
  EXPECT_EQ(h.one(a), res(command::job_created, {"H:mock:1"}));
  h.e.receive(b, req(command::submit_job_high, {"f", "same"}, "second"));
  EXPECT_EQ(h.one(b), res(command::job_created, {"H:mock:1"}));
  h.e.receive(b, req(command::submit_job_bg, {"f", "SAME"}, "x"));  // case-sensitive
  EXPECT_EQ(h.one(b), res(command::job_created, {"H:mock:2"}));
  h.e.receive(b, req(command::submit_job_bg, {"g", "same"}, "x"));  // other function
  EXPECT_EQ(h.one(b), res(command::job_created, {"H:mock:3"}));
  EXPECT_EQ(h.e.stats().jobs, 3u);
}

TEST(QueueEngine, DashCoalescesByWorkloadAndEmptyUniqueNever) {
  harness h;
  auto c = h.e.connect("127.0.0.1");
  const char* expected[] = {"H:mock:1", "H:mock:1", "H:mock:2", "H:mock:3",
                            "H:mock:4", "H:mock:5", "H:mock:6"};
  h.e.receive(c, req(command::submit_job_bg, {"f", "-"}, "w1"));
  h.e.receive(c, req(command::submit_job_bg, {"f", "-"}, "w1"));
  h.e.receive(c, req(command::submit_job_bg, {"f", "-"}, "w2"));
  h.e.receive(c, req(command::submit_job_bg, {"f", "-"}, ""));
  h.e.receive(c, req(command::submit_job_bg, {"f", "-"}, ""));
  h.e.receive(c, req(command::submit_job_bg, {"f", ""}, "same"));
  h.e.receive(c, req(command::submit_job_bg, {"f", ""}, "same"));
  auto got = h.take(c);
  ASSERT_EQ(got.size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(got[i], res(command::job_created, {expected[i]})) << i;
}

TEST(QueueEngine, UniqueOver64BytesIsRefusedAnd64IsKeptIntact) {
  harness h;
  auto c = h.e.connect("127.0.0.1");
  h.e.receive(c, req(command::submit_job_bg, {"f", std::string(65, 'u')}, "w"));
  EXPECT_EQ(h.one(c), res(command::error, {"ARGUMENT_TOO_LARGE", "Unique value too large"}));
  const std::string u64(64, 'v');
  h.e.receive(c, req(command::submit_job_bg, {"f", u64}, "w"));
  EXPECT_EQ(h.one(c), res(command::job_created, {"H:mock:1"}));
  h.e.receive(c, req(command::submit_job_bg, {"f", u64}, "w"));  // deliberate difference: coalesces
  EXPECT_EQ(h.one(c), res(command::job_created, {"H:mock:1"}));
  auto w = h.e.connect("127.0.0.1");
  h.e.receive(w, req(command::can_do, {"f"}) + req(command::grab_job_uniq, {}));
  EXPECT_EQ(h.one(w), res(command::job_assign_uniq, {"H:mock:1", "f", u64}, "w"));
}

TEST(QueueEngine, WorkerRunsJobAndWorkPacketsReachForegroundClients) {
  harness h;
  auto client = h.e.connect("127.0.0.1"), worker = h.e.connect("127.0.0.1");
  h.e.receive(worker, req(command::can_do, {"rev"}) + req(command::pre_sleep, {}));
  EXPECT_TRUE(h.take(worker).empty());
  h.e.receive(client,
              req(command::option_req, {"exceptions"}) + req(command::submit_job, {"rev", "u1"}, "abc"));
  EXPECT_EQ(h.take(client), (std::vector<proto::packet>{res(command::option_res, {"exceptions"}),
                                                        res(command::job_created, {"H:mock:1"})}));
  EXPECT_EQ(h.one(worker), res(command::noop, {}));  // the sleeping worker is woken
  h.e.receive(worker, req(command::grab_job, {}));
  EXPECT_EQ(h.one(worker), res(command::job_assign, {"H:mock:1", "rev"}, "abc"));
  h.e.receive(client, req(command::get_status, {"H:mock:1"}));
  EXPECT_EQ(h.one(client), res(command::status_res, {"H:mock:1", "1", "1", "0", "0"}));
  h.e.receive(worker, req(command::work_status, {"H:mock:1", "1", "2"}) +
                          req(command::work_data, {"H:mock:1"}, "d") +
                          req(command::work_warning, {"H:mock:1"}, "w") +
                          req(command::work_exception, {"H:mock:1"}, "boom"));
  EXPECT_EQ(h.take(client), (std::vector<proto::packet>{res(command::work_status, {"H:mock:1", "1", "2"}),
                                                        res(command::work_data, {"H:mock:1"}, "d"),
                                                        res(command::work_warning, {"H:mock:1"}, "w"),
                                                        res(command::work_exception, {"H:mock:1"}, "boom")}));
  EXPECT_EQ(h.e.stats().jobs, 0u);
  h.e.receive(client, req(command::get_status, {"H:mock:1"}));
  EXPECT_EQ(h.one(client), res(command::status_res, {"H:mock:1", "0", "0", "0", "0"}));
  h.e.receive(worker, req(command::work_complete, {"H:mock:1"}, "late"));
  EXPECT_EQ(h.one(worker), res(command::error, {"JOB_NOT_FOUND", "Job given in work result not found"}));
  h.e.receive(worker, req(command::grab_job, {}));
  EXPECT_EQ(h.one(worker), res(command::no_job, {}));
}

TEST(QueueEngine, CompleteAndFailAreForwardedAndExceptionBecomesFailWithoutOption) {
  harness h;
  auto client = h.e.connect("127.0.0.1"), worker = h.e.connect("127.0.0.1");
  h.e.receive(client, req(command::submit_job, {"f", "a"}, "1") + req(command::submit_job, {"f", "b"}, "2") +
                          req(command::submit_job, {"f", "c"}, "3"));
  h.take(client);
  h.e.receive(worker, req(command::can_do, {"f"}) + req(command::grab_job_all, {}) +
                          req(command::grab_job_uniq, {}) + req(command::grab_job_uniq, {}));
  EXPECT_EQ(h.take(worker).size(), 3u);
  h.e.receive(worker, req(command::work_complete, {"H:mock:1"}, "r") + req(command::work_fail, {"H:mock:2"}) +
                          req(command::work_exception, {"H:mock:3"}, "x"));
  EXPECT_EQ(h.take(client), (std::vector<proto::packet>{res(command::work_complete, {"H:mock:1"}, "r"),
                                                        res(command::work_fail, {"H:mock:2"}),
                                                        res(command::work_fail, {"H:mock:3"})}));
}

TEST(QueueEngine, PriorityIsHonouredAcrossFunctions) {
  harness h;
  auto c = h.e.connect("127.0.0.1"), w = h.e.connect("127.0.0.1");
  h.e.receive(c, req(command::submit_job_low_bg, {"a", "1"}, "low") +
                     req(command::submit_job_bg, {"b", "2"}, "normal") +
                     req(command::submit_job_high_bg, {"b", "3"}, "high") +
                     req(command::submit_job_bg, {"a", "4"}, "n2"));
  h.take(c);
  h.e.receive(w, req(command::can_do, {"a"}) + req(command::can_do, {"b"}));
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) {
    h.e.receive(w, req(command::grab_job, {}));
    order.push_back(h.one(w).data);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"high", "n2", "normal", "low"}));
}

TEST(QueueEngine, DeadWorkersJobsAreRequeued) {
  harness h;
  auto c = h.e.connect("127.0.0.1"), w1 = h.e.connect("127.0.0.1");
  h.e.receive(c, req(command::submit_job_bg, {"f", "u"}, "x"));
  h.e.receive(w1, req(command::can_do, {"f"}) + req(command::grab_job, {}));
  EXPECT_EQ(h.one(w1).cmd, command::job_assign);
  h.e.disconnect(w1);
  auto w2 = h.e.connect("127.0.0.1");
  h.e.receive(w2, req(command::can_do, {"f"}) + req(command::grab_job, {}));
  EXPECT_EQ(h.one(w2), res(command::job_assign, {"H:mock:1", "f"}, "x"));
}

TEST(QueueEngine, MaxqueueGivesQueueErrorButCoalescingStillWorks) {
  harness h;
  auto c = h.e.connect("127.0.0.1");
  h.e.receive(c, req(command::submit_job_bg, {"f", "u1"}, "x"));
  h.take(c);
  h.e.receive(c, "maxqueue f 1\n");
  EXPECT_EQ(h.text(c), "OK\r\n");
  h.e.receive(c,
              req(command::submit_job_bg, {"f", "u2"}, "x") + req(command::submit_job_bg, {"f", "u1"}, "x"));
  EXPECT_EQ(h.take(c), (std::vector<proto::packet>{res(command::error, {"QUEUE_ERROR", "Job queue is full"}),
                                                   res(command::job_created, {"H:mock:1"})}));
  h.e.receive(c, "maxqueue\n");
  EXPECT_EQ(h.text(c),
            "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+maxqueue\r\n");
}

TEST(QueueEngine, AdminCommandsUseGearmandFraming) {
  harness h;
  auto c = h.e.connect("127.0.0.1"), w = h.e.connect("10.0.0.9");
  h.e.receive(w, req(command::set_client_id, {"wid"}) + req(command::can_do, {"f"}));
  h.e.receive(c,
              req(command::submit_job_bg, {"f", "u1"}, "x") + req(command::submit_job_bg, {"f", "u2"}, "y"));
  h.take(c);
  h.e.receive(w, req(command::grab_job, {}));
  h.take(w);
  h.e.receive(c, "status\r\n");
  EXPECT_EQ(h.text(c), "f\t2\t1\t1\n.\n");
  h.e.receive(c, "show jobs\n");
  EXPECT_EQ(h.text(c), "H:mock:1\t0\t0\t0\nH:mock:2\t0\t0\t1\n.\n");
  h.e.receive(c, "show unique jobs\n");
  EXPECT_EQ(h.text(c), "u1\nu2\n.\n");
  h.e.receive(c, "show stuff\n");
  EXPECT_EQ(h.text(c), "ERR UNKNOWN_SHOW_ARGUMENTS\r\n");
  h.e.receive(c, "workers\n");
  EXPECT_EQ(h.text(c), "1 127.0.0.1 - :\n2 10.0.0.9 wid : f\n.\n");
  h.e.receive(c, "version\ngetpid\nverbose\n");
  EXPECT_EQ(h.text(c), "OK 1.1.20+ds\nOK 4242\nOK ERROR\n");
  h.e.receive(c, "shutdown\n\n");
  EXPECT_EQ(
      h.text(c),
      "ERR UNKNOWN_COMMAND Unknown+server+commandshutdown\r\nERR UNKNOWN_COMMAND Unknown+server+command\r\n");
  h.e.receive(c, "cancel job H:mock:2\ncancel job H:mock:2\ncancel job H:mock:1\n");
  EXPECT_EQ(h.text(c), "OK\r\nERR UNKNOWN_JOB\r\nERR UNKNOWN_ERROR\r\n");
  h.e.receive(c, "a b c d e f\n");
  EXPECT_TRUE(h.e.should_close(c));
}

TEST(QueueEngine, BadInputAnsweredOrClosedLikeGearmand) {
  harness h;
  auto c = h.e.connect("127.0.0.1");
  h.e.receive(c, proto::encode(magic::response, command::echo_req, {}, "x"));
  EXPECT_EQ(h.one(c), res(command::error, {"INVALID_MAGIC", "Request magic expected"}));
  h.e.receive(c, req(command::option_req, {"nope"}) + req(command::echo_req, {}, "hi") +
                     req(command::get_status_unique, {"zz"}) + req(command::work_data, {"H:x:1"}, "d"));
  EXPECT_EQ(h.take(c), (std::vector<proto::packet>{
                           res(command::error, {"UNKNOWN_OPTION", "Server does not recognize given option"}),
                           res(command::echo_res, {}, "hi"),
                           res(command::status_res_unique, {"zz", "0", "0", "0", "0", "0"}),
                           res(command::error, {"JOB_NOT_FOUND", "Job does not exist on server"})}));
  EXPECT_FALSE(h.e.should_close(c));
  std::string bad;
  proto::append_raw_header(bad, std::string_view{"\0REX", 4}, 16, 0);  // a text line would start non-zero
  h.e.receive(c, bad);
  EXPECT_TRUE(h.e.should_close(c));
  EXPECT_NE(h.e.close_reason(c), "");

  auto d = h.e.connect("127.0.0.1");
  std::string oversize;
  proto::append_raw_header(oversize, proto::request_magic, 7, 0xFFFFFFFFu);
  h.e.receive(d, oversize);
  EXPECT_TRUE(h.e.should_close(d));
}

TEST(QueueEngine, EveryInputSplitGivesTheSameReplies) {
  const std::string input = req(command::submit_job_bg, {"f", "u"}, "payload") + "status\n" +
                            req(command::echo_req, {}, "e") + req(command::get_status, {"H:mock:1"});
  std::string whole;
  {
    harness h;
    auto c = h.e.connect("127.0.0.1");
    h.e.receive(c, input);
    whole = h.text(c);
  }
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    harness h;
    auto c = h.e.connect("127.0.0.1");
    h.e.receive(c, std::string_view{input}.substr(0, cut));
    h.e.receive(c, std::string_view{input}.substr(cut));
    EXPECT_EQ(h.text(c), whole) << "split at " << cut;
  }
  harness h;  // one byte at a time
  auto c = h.e.connect("127.0.0.1");
  for (char ch : input) h.e.receive(c, std::string_view{&ch, 1});
  EXPECT_EQ(h.text(c), whole);
}

TEST(QueueEngine, HoldKeepsJobsFromWorkersUntilRelease) {
  harness h;
  auto c = h.e.connect("127.0.0.1"), w = h.e.connect("127.0.0.1");
  h.e.hold("f");
  h.e.receive(c, req(command::submit_job_bg, {"f", "u"}, "x"));
  h.take(c);
  h.e.receive(w, req(command::can_do, {"f"}) + req(command::grab_job, {}) + req(command::pre_sleep, {}));
  EXPECT_EQ(h.one(w), res(command::no_job, {}));
  h.e.release("f");
  EXPECT_EQ(h.one(w), res(command::noop, {}));
}

}  // namespace
}  // namespace gearspec::mock

namespace gearspec::mock {
namespace {

// Random and mutated input: the engine never crashes, never answers a closed
// connection's later bytes, and keeps its state consistent.
TEST(QueueEngine, RandomAndMutatedInputIsHandled) {
  std::mt19937 rng{2024};
  const std::string valid =
      req(command::can_do, {"f"}) + req(command::submit_job, {"f", "u"}, "w") +
      req(command::grab_job_all, {}) + req(command::work_status, {"H:mock:1", "1", "2"}) + "status\n" +
      req(command::work_complete, {"H:mock:1"}, "r") + req(command::get_status_unique, {"u"}) + "show jobs\n";
  queue_engine e;
  for (int round = 0; round < 3000; ++round) {
    auto c = e.connect("127.0.0.1");
    std::string input = valid;
    const int mutations = 1 + static_cast<int>(rng() % 8);
    for (int m = 0; m < mutations && !input.empty(); ++m) {
      const std::size_t at = rng() % input.size();
      switch (rng() % 4) {
        case 0:
          input[at] = static_cast<char>(rng());
          break;
        case 1:
          input.erase(at, 1 + rng() % 4);
          break;
        case 2:
          input.insert(at, std::string(1 + rng() % 16, static_cast<char>(rng())));
          break;
        case 3:
          input = input.substr(at) + input.substr(0, at);
          break;
      }
    }
    for (std::size_t pos = 0; pos < input.size();) {
      const std::size_t n = 1 + rng() % 40;
      e.receive(c, std::string_view{input}.substr(pos, n));
      pos += n;
    }
    e.take_ready();
    e.disconnect(c);
  }
  const auto s = e.stats();
  EXPECT_EQ(s.connections, 0u);
  EXPECT_EQ(s.running, 0u);  // every worker left: nothing stays marked running
}

}  // namespace
}  // namespace gearspec::mock
