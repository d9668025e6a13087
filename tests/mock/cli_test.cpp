// The gearmock command-line contract: first stdout line, exit statuses,
// precise errors, clean shutdown on SIGTERM/SIGINT with journal and pcap flushed.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/loopback_client.hpp"
#include "gearspec/util/decimal.hpp"

namespace {

using gearspec::proto::command;
using gearspec::proto::magic;

struct result {
  int status = -1;
  std::string out, err;
};

/// Runs gearmock with args to completion (bounded), capturing both streams.
result run_gearmock(const std::string& args) {
  const auto out_file = std::filesystem::temp_directory_path() / ("gm-out-" + std::to_string(::getpid()));
  const auto err_file = std::filesystem::temp_directory_path() / ("gm-err-" + std::to_string(::getpid()));
  const std::string cmd = "timeout 10 " + std::string{GEARMOCK_PATH} + " " + args + " >" + out_file.string() +
                          " 2>" + err_file.string();
  const int st = std::system(cmd.c_str());
  result r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream o{out_file}, e{err_file};
  r.out.assign(std::istreambuf_iterator<char>{o}, {});
  r.err.assign(std::istreambuf_iterator<char>{e}, {});
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return r;
}

/// A gearmock child with its stdout on a pipe.
struct child {
  pid_t pid = -1;
  int out = -1;
  explicit child(std::vector<std::string> args) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid = ::fork();
    if (pid == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      std::vector<char*> argv{const_cast<char*>(GEARMOCK_PATH)};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(GEARMOCK_PATH, argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out = fds[0];
  }
  std::string first_line(int timeout_ms = 5000) {
    std::string line;
    char c;
    while (line.empty() || line.back() != '\n') {
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0 || ::read(out, &c, 1) != 1) break;
      line += c;
    }
    return line;
  }
  /// Exit status after `sig`, or -1 if it does not exit within 5 s.
  int stop(int sig) {
    ::kill(pid, sig);
    for (int i = 0; i < 500; ++i) {
      int st = 0;
      if (::waitpid(pid, &st, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  ~child() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (out >= 0) ::close(out);
  }
};

/// The port of "listening on HOST:PORT\n" (0 when the line is not that).
std::uint16_t port_of(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  return static_cast<std::uint16_t>(
      gearspec::util::decimal(line.substr(line.rfind(':') + 1), 65535).value_or(0));
}

TEST(Cli, HelpExitsZeroAndListsTheOptions) {
  const auto r = run_gearmock("--help");
  EXPECT_EQ(r.status, 0);
  for (const char* opt : {"--listen", "--scenario", "--journal", "--pcap", "--max-packet-size",
                          "--max-connections", "--idle-timeout"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

TEST(Cli, BadFlagsExitTwoWithAPreciseMessage) {
  auto r = run_gearmock("--no-such-flag");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos) << r.err;
  r = run_gearmock("--listen 127.0.0.1:99999");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("HOST:PORT"), std::string::npos) << r.err;
  r = run_gearmock("--max-connections 0");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("max-connections"), std::string::npos) << r.err;
}

TEST(Cli, BadScenarioExitsTwoNamingFileAndLine) {
  const auto path = std::filesystem::temp_directory_path() / ("bad-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream f{path};
    f << "name: bad\nsteps:\n  - expect: SUBMIT_JOB_BG\n  - reply: {command: JOB_CREATD, args: [h]}\n";
  }
  const auto r = run_gearmock("--listen 127.0.0.1:0 --scenario " + path.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(path.string() + ":4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("JOB_CREATD"), std::string::npos) << r.err;
  std::filesystem::remove(path);
}

TEST(Cli, FirstLineIsTheAddressAndSigtermFlushesJournalAndPcap) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto journal = (dir / ("cli-" + std::to_string(::getpid()) + ".jsonl")).string();
  const auto pcap = (dir / ("cli-" + std::to_string(::getpid()) + ".pcap")).string();
  child gm{{"--listen", "127.0.0.1:0", "--journal", journal, "--pcap", pcap}};
  const auto line = gm.first_line();
  ASSERT_EQ(line.rfind("listening on 127.0.0.1:", 0), 0u) << line;
  ASSERT_EQ(line.back(), '\n');
  const auto port = port_of(line);
  ASSERT_NE(port, 0);
  {
    gearspec::test::loopback_client c{port};
    c.send(gearspec::proto::encode(magic::request, command::submit_job_bg, {"f", "u"}, "w"));
    EXPECT_EQ(c.read_exact(20).size(), 20u);
  }
  EXPECT_EQ(gm.stop(SIGTERM), 0);
  std::ifstream j{journal};
  std::string text{std::istreambuf_iterator<char>{j}, {}};
  EXPECT_NE(text.find("\"SUBMIT_JOB_BG\""), std::string::npos);
  EXPECT_NE(text.find("\"stopped\""), std::string::npos);
  EXPECT_GT(std::filesystem::file_size(pcap), 24u + 5 * 54u);  // header + handshake, data, close frames
  std::filesystem::remove(journal);
  std::filesystem::remove(pcap);
}

TEST(Cli, SigintStopsCleanly) {
  child gm{{"--listen", "127.0.0.1:0"}};
  ASSERT_EQ(gm.first_line().rfind("listening on ", 0), 0u);
  EXPECT_EQ(gm.stop(SIGINT), 0);
}

TEST(Cli, PortInUseExitsTwo) {
  child first{{"--listen", "127.0.0.1:0"}};
  const auto port = port_of(first.first_line());
  const auto r = run_gearmock("--listen 127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot start"), std::string::npos) << r.err;
}

}  // namespace
