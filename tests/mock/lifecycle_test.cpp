// The embedding lifecycle of gearmock: start, stop, start again; stop twice;
// destruction after stop; no thread outlives a stop().
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

#include "gearspec/mock/server.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/loopback_client.hpp"

namespace gearspec::mock {
namespace {

using proto::command;
using proto::magic;
using test::loopback_client;

// Threads of this process, from /proc (Linux): each is an entry of /proc/self/task.
std::size_t thread_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator{"/proc/self/task"}) ++n;
  return n;
}

// The thread count once it reaches `expected`, or after one second. A joined
// thread leaves /proc/self/task a moment after join() returns: the kernel wakes
// the joiner before it unlists the exiting task.
std::size_t thread_count_settling_at(std::size_t expected) {
  for (int i = 0; i < 200 && thread_count() != expected; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return thread_count();
}

// One ECHO round trip on a fresh connection: the server is serving.
void expect_serves(const server& s) {
  loopback_client c{s.port()};
  c.send(proto::encode(magic::request, command::echo_req, {}, "ping"));
  EXPECT_EQ(c.read_exact(16), proto::encode(magic::response, command::echo_res, {}, "ping"));
}

TEST(ServerLifecycle, StartAfterStopServesAgain) {
  server s{options{}};
  s.start();
  expect_serves(s);
  loopback_client submitter{s.port()};
  submitter.send(proto::encode(magic::request, command::submit_job_bg, {"f", "u1"}, "w"));
  const std::string created1 = proto::encode(magic::response, command::job_created, {"H:mock:1"});
  EXPECT_EQ(submitter.read_exact(created1.size()), created1);
  s.stop();
  EXPECT_FALSE(s.running());
  EXPECT_EQ(submitter.read_until_eof(), "");  // the first run's connections are closed

  s.start();
  EXPECT_TRUE(s.running());
  expect_serves(s);
  EXPECT_EQ(s.job_count(), 1u);  // the queue carries over
  loopback_client again{s.port()};
  again.send(proto::encode(magic::request, command::submit_job_bg, {"f", "u2"}, "w"));
  const std::string created2 = proto::encode(magic::response, command::job_created, {"H:mock:2"});
  EXPECT_EQ(again.read_exact(created2.size()), created2);
  s.stop();

  s.start();  // and a third time
  expect_serves(s);
  s.stop();
}

TEST(ServerLifecycle, RestartOnAFixedPortRebindsIt) {
  std::uint16_t port = 0;
  {
    server probe{options{}};
    probe.start();
    port = probe.port();
  }
  options o;
  o.port = port;
  server s{o};
  s.start();
  EXPECT_EQ(s.port(), port);
  s.stop();
  s.start();
  EXPECT_EQ(s.port(), port);
  expect_serves(s);
}

TEST(ServerLifecycle, FailedStartLeavesTheServerStartable) {
  server holder{options{}};
  holder.start();
  options o;
  o.port = holder.port();
  server s{o};
  EXPECT_THROW(s.start(), std::system_error);  // the port is taken
  EXPECT_FALSE(s.running());
  holder.stop();
  s.start();
  EXPECT_TRUE(s.running());
  expect_serves(s);
}

TEST(ServerLifecycle, StopTwiceAndStopBeforeStartAreNoOps) {
  server never_started{options{}};
  never_started.stop();
  EXPECT_FALSE(never_started.running());

  server s{options{}};
  s.start();
  s.stop();
  s.stop();
  EXPECT_FALSE(s.running());
  s.start();
  expect_serves(s);
}

TEST(ServerLifecycle, NoThreadOutlivesStopOrDestruction) {
  const std::size_t before = thread_count();
  {
    server s{options{}};
    for (int run = 0; run < 3; ++run) {
      s.start();
      expect_serves(s);
      EXPECT_EQ(thread_count(), before + 1) << "run " << run;
      s.stop();
      EXPECT_EQ(thread_count_settling_at(before), before) << "run " << run;
    }
    s.start();
  }  // destroyed while running
  EXPECT_EQ(thread_count_settling_at(before), before);
  {
    server s{options{}};
    s.start();
    s.stop();
  }  // destroyed after stop
  EXPECT_EQ(thread_count_settling_at(before), before);
}

}  // namespace
}  // namespace gearspec::mock
