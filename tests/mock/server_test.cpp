// The embedded server on the wire: journal, pcap, limits, robustness, and
// queue mode against the real gearmand, libgearman and the Perl client.
#include "gearspec/mock/server.hpp"

#include <gtest/gtest.h>
#include <libgearman/gearman.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "gearspec/protocol/admin.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/loopback_client.hpp"
#include "gearspec/test/real_gearmand.hpp"
#include "gearspec/test/shell.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::mock {
namespace {

using proto::command;
using proto::magic;
using test::loopback_client;

std::string req(command c, std::initializer_list<std::string_view> args, std::string_view data = {}) {
  return proto::encode(magic::request, c, args, data);
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("gearmock-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

/// Waits (bounded) until `done()` holds.
template <class F>
bool eventually(F done, int timeout_ms = 3000) {
  for (int waited = 0; waited < timeout_ms; waited += 5) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

bool have(const std::string& program) {
  return test::run_shell("command -v " + program + " >/dev/null 2>&1").status == 0;
}

TEST(Server, StartsOnAFreePortAndStopsDeterministically) {
  server s{options{}};
  s.start();
  EXPECT_NE(s.port(), 0);
  EXPECT_EQ(s.address(), "127.0.0.1:" + std::to_string(s.port()));
  loopback_client c{s.port()};
  c.send(req(command::echo_req, {}, "ping"));
  EXPECT_EQ(c.read_exact(16), proto::encode(magic::response, command::echo_res, {}, "ping"));
  s.stop();
  EXPECT_FALSE(s.running());
  EXPECT_EQ(c.read_until_eof(), "");
  EXPECT_TRUE(c.saw_eof());
  s.stop();  // idempotent
}

TEST(Server, JournalHoldsEveryByteIncludingPartialPacketsAfterAnAbruptClose) {
  options o;
  o.journal_path = temp_path("journal.jsonl");
  server s{o};
  s.start();
  const std::string full = req(command::submit_job_bg, {"f", "u1"}, "payload");
  const std::string partial = req(command::submit_job_bg, {"f", "u2"}, "cut").substr(0, 15);
  std::string sent;
  {
    loopback_client c{s.port()};
    for (std::size_t i = 0; i < full.size(); i += 5) {
      c.send(full.substr(i, 5));
      sent += full.substr(i, 5);
    }
    EXPECT_EQ(c.read_exact(20).size(), 20u);
    c.send(partial);  // a packet cut short by the abort
    sent += partial;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    c.abort();
  }
  ASSERT_TRUE(eventually([&] { return s.connection_count() == 0; }));
  s.stop();
  std::string received;
  bool saw_end = false;
  for (const auto& e : s.journal()) {
    if (e.connection != 1) continue;
    if (e.what == journal_entry::kind::received) received += e.bytes;
    if (e.what == journal_entry::kind::reset || e.what == journal_entry::kind::closed) saw_end = true;
  }
  EXPECT_EQ(received, sent);
  EXPECT_TRUE(saw_end);

  std::ifstream in{o.journal_path};
  std::string line, hex;
  bool decoded_submit = false, reported_partial = false;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    ASSERT_TRUE(j.contains("event") && j.contains("time") && j.contains("connection")) << line;
    if (j["event"] == "received" && j["connection"] == 1) {
      hex += j["hex"].get<std::string>();
      if (j.contains("packets") && j["packets"][0]["command"] == "SUBMIT_JOB_BG") decoded_submit = true;
      if (j.contains("partial_bytes_pending")) reported_partial = true;
    }
  }
  EXPECT_EQ(hex, gearspec::util::to_hex(sent));
  EXPECT_TRUE(decoded_submit);
  EXPECT_TRUE(reported_partial);
  std::filesystem::remove(o.journal_path);
}

TEST(Server, OneReplyWritePerReadBatch) {
  server s{options{}};
  s.start();
  loopback_client c{s.port()};
  std::string batch, expected;
  for (int i = 1; i <= 100; ++i) {
    batch += req(command::submit_job_bg, {"f", "u" + std::to_string(i)}, "w");
    expected += proto::encode(magic::response, command::job_created, {"H:mock:" + std::to_string(i)});
  }
  c.send(batch);  // one write of 100 submits, well under one 64 KiB read
  EXPECT_EQ(c.read_exact(expected.size()), expected);
  s.stop();
  std::size_t reads = 0, writes = 0;
  for (const auto& e : s.journal()) {
    if (e.what == journal_entry::kind::received) ++reads;
    if (e.what == journal_entry::kind::sent) ++writes;
  }
  EXPECT_GE(reads, 1u);
  EXPECT_LE(writes, reads);  // never more writes than read batches
}

TEST(Server, PcapIsDecodedAsGearmanByTshark) {
  if (!have("tshark")) GTEST_SKIP() << "tshark not installed (Debian package tshark); CI installs it";
  options o;
  o.pcap_path = temp_path("trace.pcap");
  server s{o};
  s.start();
  {
    loopback_client c{s.port()};
    c.send(req(command::submit_job_bg, {"reverse", "u1"}, "hello") + req(command::echo_req, {}, "ping"));
    EXPECT_EQ(c.read_exact(20 + 16).size(), 36u);
  }
  ASSERT_TRUE(eventually([&] { return s.connection_count() == 0; }));
  s.stop();
  const auto out = test::run_shell("tshark -r " + o.pcap_path + " -d tcp.port==" + std::to_string(s.port()) +
                                   ",gearman -Y gearman -T fields -e gearman.pkt_type -e gearman.func.name "
                                   "-e gearman.job.handle 2>&1")
                       .output;
  // One segment per write: SUBMIT_JOB_BG + ECHO_REQ, then JOB_CREATED + ECHO_RES.
  EXPECT_NE(out.find("18,16\treverse\t\n"), std::string::npos) << out;
  EXPECT_NE(out.find("8,17\t\tH:mock:1\n"), std::string::npos) << out;
  std::filesystem::remove(o.pcap_path);
}

TEST(Server, MaxConnectionsRefusesExtraConnectionsOnly) {
  options o;
  o.lim.max_connections = 2;
  server s{o};
  s.start();
  loopback_client a{s.port()}, b{s.port()};
  ASSERT_TRUE(eventually([&] { return s.connection_count() == 2; }));
  loopback_client extra{s.port()};
  EXPECT_EQ(extra.read_until_eof(), "");
  EXPECT_TRUE(extra.saw_eof());
  a.send(req(command::echo_req, {}, "a"));
  EXPECT_EQ(a.read_exact(13), proto::encode(magic::response, command::echo_res, {}, "a"));
}

TEST(Server, IdleTimeoutClosesSilentConnections) {
  options o;
  o.lim.idle_timeout = std::chrono::milliseconds(200);
  server s{o};
  s.start();
  loopback_client silent{s.port()};
  EXPECT_EQ(silent.read_until_eof(3000), "");
  EXPECT_TRUE(silent.saw_eof());
  loopback_client fresh{s.port()};
  fresh.send(req(command::echo_req, {}, "x"));
  EXPECT_EQ(fresh.read_exact(13).size(), 13u);
}

TEST(Server, BarrageOfBadClientsDoesNotDisturbAGoodOne) {
  options o;
  o.lim.max_packet_size = 1u << 20;
  o.journal_in_memory = false;
  server s{o};
  s.start();
  std::vector<loopback_client> bad;
  std::string garbage(4096, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 7919 + 13) & 0xFF);
  for (int i = 0; i < 20; ++i) {
    bad.emplace_back(s.port());
    switch (i % 5) {
      case 0:
        bad.back().send(std::string("\0", 1) + garbage);
        break;  // bad magic
      case 1:
        bad.back().send(std::string("\0REQ\0\0\0\x07\xff\xff\xff\xf0", 12));
        break;  // oversize
      case 2:
        bad.back().send(std::string("\0REQ\0\0", 6));
        break;  // slowloris: partial header
      case 3:
        bad.back().send("a b c d e f\n");
        break;  // 6 tokens
      case 4:
        bad.back().send(std::string(20000, 'x'));
        break;  // endless text line
    }
  }
  loopback_client good{s.port()};
  std::string batch;
  for (int i = 0; i < 1000; ++i) batch += req(command::submit_job_bg, {"f", "u" + std::to_string(i)}, "w");
  good.send(batch);
  std::error_code ec;
  std::size_t rest = 0;
  std::size_t expected_bytes = 0;
  for (int i = 1; i <= 1000; ++i)
    expected_bytes +=
        proto::encode(magic::response, command::job_created, {"H:mock:" + std::to_string(i)}).size();
  const auto replies = proto::decode_all(good.read_exact(expected_bytes, 5000), ec, &rest);
  EXPECT_FALSE(ec);
  EXPECT_EQ(replies.size(), 1000u);
  EXPECT_TRUE(std::all_of(replies.begin(), replies.end(),
                          [](const proto::packet& p) { return p.cmd == command::job_created; }));
  // Every bad connection but the slowloris one has been closed by the server.
  int closed = 0;
  for (auto& b : bad) {
    b.read_until_eof(200);
    if (b.saw_eof()) ++closed;
  }
  EXPECT_EQ(closed, 16);
  EXPECT_EQ(s.job_count(), 1000u);
}

/// Admin replies of both servers to the same sequence.
std::vector<std::string> admin_transcript(std::uint16_t port, const std::string& handle_prefix) {
  loopback_client client{port}, worker{port};
  worker.send(req(command::set_client_id, {"w1"}) + req(command::can_do, {"f"}) +
              req(command::echo_req, {}, "x"));
  worker.read_exact(13);
  for (const char* cmd : {"bg", "high", "low"}) {
    const auto c = std::string{cmd} == "bg"     ? command::submit_job_bg
                   : std::string{cmd} == "high" ? command::submit_job_high_bg
                                                : command::submit_job_low_bg;
    client.send(req(c, {"f", std::string{"u-"} + cmd}, "w"));
    client.read_exact(12, 2000);
    client.read_some(500);
  }
  std::vector<std::string> out;
  for (const char* line : {"status", "prioritystatus", "show unique jobs", "show jobs", "version", "verbose",
                           "maxqueue f 5", "maxqueue", "maxqueue nosuch 1 2 3", "show stuff", "bogus words",
                           "", "cancel job H:none:1", "cancel", "shutdown", "STATUS", "workers", "getpid"}) {
    client.send(std::string{line} + "\n");
    const auto v = proto::admin::classify([&] {
                     proto::admin::tokens t;
                     proto::admin::tokenize(line, t);
                     return t;
                   }())
                       .what;
    std::string reply =
        proto::admin::replies_with_listing(v) ? client.read_until(".\n") : client.read_until("\n");
    // Normalise what legitimately differs: handle prefix, pid, file descriptors.
    for (auto pos = reply.find(handle_prefix); pos != std::string::npos; pos = reply.find(handle_prefix))
      reply.replace(pos, handle_prefix.size(), "H:X");
    if (std::string{line} == "getpid" && reply.rfind("OK ", 0) == 0) reply = "OK <pid>\n";
    if (std::string{line} == "workers") {
      std::istringstream in{reply};
      std::vector<std::string> rows;
      for (std::string row; std::getline(in, row);)
        rows.push_back(row.substr(row.find(' ') == std::string::npos ? 0 : row.find(' ')));
      std::sort(rows.begin(), rows.end());
      reply.clear();
      for (auto& r : rows) reply += r + "\n";
    }
    if (std::string{line} == "show unique jobs") {  // gearmand lists in hash-table order
      std::vector<std::string> rows;
      std::istringstream in{reply};
      for (std::string row; std::getline(in, row);) rows.push_back(row);
      std::sort(rows.begin(), rows.end());
      reply.clear();
      for (auto& r : rows) reply += r + "\n";
    }
    out.push_back(std::string{line} + " -> " + reply);
  }
  return out;
}

TEST(Server, AdminRepliesMatchRealGearmand) {
  GEARSPEC_REQUIRE_GEARMAND();
  test::real_gearmand real;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const auto theirs = admin_transcript(real.port(), std::string{"H:"} + host);
  server s{options{}};
  s.start();
  const auto ours = admin_transcript(s.port(), "H:mock");
  ASSERT_EQ(ours.size(), theirs.size());
  for (std::size_t i = 0; i < ours.size(); ++i) EXPECT_EQ(ours[i], theirs[i]);
}

TEST(Server, LibgearmanClientAndWorkerWork) {
  server s{options{}};
  s.start();
  gearman_client_st* client = gearman_client_create(nullptr);
  ASSERT_NE(client, nullptr);
  ASSERT_EQ(gearman_client_add_server(client, "127.0.0.1", s.port()), GEARMAN_SUCCESS);
  gearman_client_set_timeout(client, 5000);
  gearman_job_handle_t handle;
  ASSERT_EQ(gearman_client_do_background(client, "rev", "u-n", "abc", 3, handle), GEARMAN_SUCCESS);
  EXPECT_EQ(std::string{handle}, "H:mock:1");
  ASSERT_EQ(gearman_client_do_high_background(client, "rev", "u-h", "def", 3, handle), GEARMAN_SUCCESS);
  EXPECT_EQ(std::string{handle}, "H:mock:2");
  ASSERT_EQ(gearman_client_do_low_background(client, "rev", "u-l", "ghi", 3, handle), GEARMAN_SUCCESS);
  EXPECT_EQ(std::string{handle}, "H:mock:3");
  ASSERT_EQ(gearman_client_do_background(client, "rev", "u-n", "again", 5, handle), GEARMAN_SUCCESS);
  EXPECT_EQ(std::string{handle}, "H:mock:1");  // coalesced
  bool known = false, running = true;
  unsigned num = 9, den = 9;
  ASSERT_EQ(gearman_client_job_status(client, "H:mock:2", &known, &running, &num, &den), GEARMAN_SUCCESS);
  EXPECT_TRUE(known);
  EXPECT_FALSE(running);

  std::thread worker_thread([port = s.port()] {
    gearman_worker_st* w = gearman_worker_create(nullptr);
    gearman_worker_add_server(w, "127.0.0.1", port);
    gearman_worker_set_timeout(w, 3000);
    auto fn = [](gearman_job_st* job, void*, size_t* size, gearman_return_t* ret) -> void* {
      const auto* in = static_cast<const char*>(gearman_job_workload(job));
      const std::size_t n = gearman_job_workload_size(job);
      char* out = static_cast<char*>(std::malloc(n ? n : 1));
      for (std::size_t i = 0; i < n; ++i) out[i] = in[n - 1 - i];
      *size = n;
      *ret = GEARMAN_SUCCESS;
      return out;
    };
    gearman_worker_add_function(w, "rev", 0, fn, nullptr);
    for (int i = 0; i < 4; ++i)
      if (gearman_worker_work(w) != GEARMAN_SUCCESS) break;
    gearman_worker_free(w);
  });
  size_t result_size = 0;
  gearman_return_t ret;
  void* result = gearman_client_do(client, "rev", "u-fg", "hello", 5, &result_size, &ret);
  EXPECT_EQ(ret, GEARMAN_SUCCESS);
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(std::string(static_cast<char*>(result), result_size), "olleh");
  std::free(result);
  worker_thread.join();
  EXPECT_EQ(s.job_count(), 0u);  // the worker ran the three background jobs and the foreground one
  gearman_client_free(client);
}

TEST(Server, PerlGearmanClientWorks) {
  if (test::run_shell("perl -MGearman::Client -e 1 2>/dev/null").status != 0)
    GTEST_SKIP() << "Perl Gearman::Client not installed (Debian package libgearman-client-perl)";
  server s{options{}};
  s.start();
  const auto out = test::run_shell(
                       "perl -MGearman::Client -e '"
                       "my $c = Gearman::Client->new(job_servers => [\"" +
                       s.address() +
                       "\"]);"
                       "my $h = $c->dispatch_background(\"perlfn\", \"data\", {uniq => \"pu1\"});"
                       "print defined $h ? $h : \"undef\";' 2>&1")
                       .output;
  EXPECT_NE(out.find("H:mock:1"), std::string::npos) << out;
  EXPECT_EQ(s.job_count(), 1u);
}

}  // namespace
}  // namespace gearspec::mock
