// 1,000 concurrent connections each submitting 100 background jobs: every
// JOB_CREATED arrives, every job is in `status`, nothing is lost.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <set>

#include "gearspec/mock/server.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/loopback_client.hpp"

namespace gearspec::mock {
namespace {

using proto::command;
using proto::magic;

TEST(Load, ThousandConnectionsTimesHundredBackgroundJobsLoseNothing) {
  constexpr int connections = 1000, jobs_per_connection = 100;
  options o;
  o.journal_in_memory = false;
  server s{o};
  s.start();

  std::vector<test::loopback_client> socks;
  socks.reserve(connections);
  for (int i = 0; i < connections; ++i) socks.emplace_back(s.port());
  for (int i = 0; i < connections; ++i) {
    std::string batch;
    for (int j = 0; j < jobs_per_connection; ++j)
      proto::encode_to(batch, magic::request, command::submit_job_bg,
                       {"load", "c" + std::to_string(i) + "-j" + std::to_string(j)}, std::string(100, 'p'));
    socks[i].send(batch);
  }

  // Read every reply with one poll loop (bounded by a deadline).
  std::vector<proto::decoder> decoders(connections);
  std::vector<int> replies(connections, 0);
  std::set<std::string> handles;
  int done = 0, errors = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::vector<pollfd> fds(connections);
  for (int i = 0; i < connections; ++i) fds[i] = {socks[i].fd(), POLLIN, 0};
  char buf[65536];
  while (done < connections && std::chrono::steady_clock::now() < deadline) {
    if (::poll(fds.data(), fds.size(), 1000) <= 0) continue;
    for (int i = 0; i < connections; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      const auto n = ::recv(fds[i].fd, buf, sizeof buf, 0);
      if (n <= 0) {
        fds[i].fd = -1;
        ++errors;
        continue;
      }
      std::string_view in{buf, static_cast<std::size_t>(n)};
      while (!in.empty()) {
        std::error_code ec;
        in.remove_prefix(decoders[i].put(in, ec));
        ASSERT_FALSE(ec) << ec.message();
        if (!decoders[i].ready()) continue;
        const auto& p = decoders[i].packet();
        if (p.cmd == command::job_created)
          handles.emplace(p.arg(0));
        else
          ++errors;
        decoders[i].next();
        if (++replies[i] == jobs_per_connection) {
          ++done;
          fds[i].fd = -1;
        }
      }
    }
  }
  EXPECT_EQ(done, connections);
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(handles.size(), static_cast<std::size_t>(connections * jobs_per_connection));
  EXPECT_EQ(s.job_count(), static_cast<std::size_t>(connections * jobs_per_connection));

  test::loopback_client admin{s.port()};
  admin.send("status\n");
  EXPECT_EQ(admin.read_until(".\n", 5000), "load\t100000\t0\t0\n.\n");
}

}  // namespace
}  // namespace gearspec::mock
