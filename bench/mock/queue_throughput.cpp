// Background submits per second accepted by gearmock (queue mode) versus the
// real gearmand, with one pipelining raw-socket load generator, in the same
// run. Prints medians with min-max, the ratio, bytes per queued job and peak
// RSS of every server.
//
//   gearmock-queue-bench [--quick] [--levels 25000,200000,2000000] [--reps 3]
//
// Each server is started fresh, filled to each queue level with distinct
// uniques and 100-byte workloads, then timed over windows of submits with
// 1, 4 and 16 connections (the queue grows by the windows; the table shows
// the queue size when the windows started).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace {

using gearspec::proto::command;
using gearspec::proto::magic;
using clock_type = std::chrono::steady_clock;

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/// A server process under test.
struct server_process {
  std::string label;
  pid_t pid = -1;
  std::uint16_t port = 0;

  server_process(std::string name, std::vector<std::string> argv, bool reads_port_from_stdout) : label(std::move(name)) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    if (!reads_port_from_stdout) {
      port = free_port();
      argv.push_back("-p");
      argv.push_back(std::to_string(port));
    }
    pid = ::fork();
    if (pid == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    if (reads_port_from_stdout) {
      std::string line;
      char c;
      pollfd p{fds[0], POLLIN, 0};
      while ((line.empty() || line.back() != '\n') && ::poll(&p, 1, 5000) > 0 && ::read(fds[0], &c, 1) == 1) line += c;
      const auto colon = line.rfind(':');
      if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos)
        throw std::runtime_error(label + ": unexpected first line '" + line + "'");
      port = static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
    }
    ::close(fds[0]);
    for (int i = 0; i < 500; ++i) {
      int fd = connect_to(port);
      if (fd >= 0) {
        ::close(fd);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error(label + " did not listen");
  }
  ~server_process() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      for (int i = 0; i < 300; ++i) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  /// VmRSS or VmHWM in bytes.
  std::uint64_t memory(const char* field) const {
    std::ifstream f{"/proc/" + std::to_string(pid) + "/status"};
    std::string line;
    while (std::getline(f, line))
      if (line.rfind(field, 0) == 0) return std::stoull(line.substr(std::strlen(field) + 1)) * 1024;
    return 0;
  }
};

std::uint64_t next_unique = 0;

/// Submit `total` background jobs over `conns` pipelining connections;
/// returns submits per second (timed from first byte sent to last reply).
double submit_window(std::uint16_t port, int conns, std::size_t total) {
  const std::string workload(100, 'w');
  std::vector<int> fds(conns);
  std::vector<std::string> out(conns);
  std::vector<std::size_t> sent(conns, 0), expected(conns, 0), got(conns, 0);
  std::vector<gearspec::proto::decoder> dec(conns);
  for (int i = 0; i < conns; ++i) {
    fds[i] = connect_to(port);
    if (fds[i] < 0) throw std::runtime_error("connect failed");
    ::fcntl(fds[i], F_SETFL, O_NONBLOCK);
    expected[i] = total / conns + (static_cast<std::size_t>(i) < total % conns ? 1 : 0);
    out[i].reserve(expected[i] * 130);
    char unique[32];
    for (std::size_t j = 0; j < expected[i]; ++j) {
      const int n = std::snprintf(unique, sizeof unique, "u%llu", static_cast<unsigned long long>(next_unique++));
      gearspec::proto::encode_to(out[i], magic::request, command::submit_job_bg,
                                 {"bench", std::string_view{unique, static_cast<std::size_t>(n)}}, workload);
    }
  }
  std::vector<pollfd> p(conns);
  char buf[1 << 16];
  int finished = 0;
  const auto start = clock_type::now();
  const auto deadline = start + std::chrono::seconds(120);
  while (finished < conns) {
    if (clock_type::now() > deadline) throw std::runtime_error("window timed out");
    for (int i = 0; i < conns; ++i) {
      p[i] = {got[i] == expected[i] ? -1 : fds[i], static_cast<short>(POLLIN | (sent[i] < out[i].size() ? POLLOUT : 0)), 0};
    }
    if (::poll(p.data(), p.size(), 1000) <= 0) continue;
    for (int i = 0; i < conns; ++i) {
      if (p[i].revents & POLLOUT) {
        const auto n = ::send(fds[i], out[i].data() + sent[i], std::min<std::size_t>(out[i].size() - sent[i], 256 * 1024),
                              MSG_NOSIGNAL);
        if (n > 0) sent[i] += static_cast<std::size_t>(n);
      }
      if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        const auto n = ::recv(fds[i], buf, sizeof buf, 0);
        if (n <= 0) throw std::runtime_error("server closed a connection");
        std::string_view in{buf, static_cast<std::size_t>(n)};
        while (!in.empty()) {
          std::error_code ec;
          in.remove_prefix(dec[i].put(in, ec));
          if (ec) throw std::runtime_error("bad reply: " + ec.message());
          if (!dec[i].ready()) continue;
          if (dec[i].packet().cmd != command::job_created) throw std::runtime_error("reply is not JOB_CREATED");
          dec[i].next();
          if (++got[i] == expected[i]) ++finished;
        }
      }
    }
  }
  const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  for (int fd : fds) ::close(fd);
  return static_cast<double>(total) / secs;
}

struct stats {
  double median, min, max;
};
stats summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

std::vector<std::size_t> parse_list(const std::string& s) {
  std::vector<std::size_t> out;
  std::stringstream in{s};
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoull(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> levels{25'000, 200'000, 2'000'000};
  int reps = 3;
  std::vector<int> conn_counts{1, 4, 16};
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--levels" && i + 1 < argc) levels = parse_list(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--quick] [--levels N,N,...] [--reps R]\n", argv[0]);
      return 2;
    }
  }
  if (quick) levels = {25'000, 200'000}, reps = 1;

  struct config {
    std::string label;
    std::vector<std::string> argv;
    bool stdout_port;
    std::size_t max_level;  // stock gearmand is too slow to fill 2M in a short run
  };
  std::vector<config> configs{{"gearmock", {GEARMOCK_PATH, "--listen", "127.0.0.1:0"}, true, SIZE_MAX}};
  if (::access("/usr/sbin/gearmand", X_OK) == 0) {
    configs.push_back({"gearmand", {"/usr/sbin/gearmand", "-L", "127.0.0.1", "--log-file", "none"}, false, 200'000});
    configs.push_back({"gearmand-tuned",
                       {"/usr/sbin/gearmand", "-L", "127.0.0.1", "--log-file", "none", "--hashtable-buckets=200003",
                        "--threads=1"},
                       false, SIZE_MAX});
  } else {
    std::fprintf(stderr, "note: /usr/sbin/gearmand not installed; measuring gearmock only\n");
  }

  // results[level][conns][label]
  std::map<std::size_t, std::map<int, std::map<std::string, stats>>> results;
  std::map<std::size_t, std::map<std::string, std::size_t>> queued_at;
  std::map<std::string, double> bytes_per_job;
  std::map<std::string, std::uint64_t> peak_rss;
  for (const auto& cfg : configs) {
    server_process srv{cfg.label, cfg.argv, cfg.stdout_port};
    const auto baseline = srv.memory("VmRSS:");
    std::size_t queued = 0;
    for (auto level : levels) {
      if (level > cfg.max_level) continue;
      if (queued < level) {  // fill up to the level (not timed)
        submit_window(srv.port, 16, level - queued);
        queued = level;
      }
      bytes_per_job[cfg.label] = static_cast<double>(srv.memory("VmRSS:") - baseline) / static_cast<double>(queued);
      queued_at[level][cfg.label] = queued;
      const std::size_t window = level >= 2'000'000 ? 100'000 : 25'000;
      for (int conns : conn_counts) {
        std::vector<double> rates;
        for (int r = 0; r < reps; ++r) {
          rates.push_back(submit_window(srv.port, conns, window));
          queued += window;
        }
        results[level][conns][cfg.label] = summarize(rates);
        std::fprintf(stderr, "%-15s level %8zu conns %2d: %10.0f submits/s\n", cfg.label.c_str(), level, conns,
                     results[level][conns][cfg.label].median);
      }
    }
    peak_rss[cfg.label] = srv.memory("VmHWM:");
  }

  std::printf("\nBackground submits/s (median, min-max over %d windows; 100-byte workloads, distinct uniques)\n", reps);
  std::printf("%-9s %-5s", "queued", "conns");
  for (const auto& cfg : configs) std::printf(" | %-34s", cfg.label.c_str());
  std::printf(" | ratios gearmock/x\n");
  for (const auto& [level, by_conns] : results) {
    for (const auto& [conns, by_label] : by_conns) {
      std::printf("%-9zu %-5d", level, conns);
      for (const auto& cfg : configs) {
        auto it = by_label.find(cfg.label);
        if (it == by_label.end()) {
          std::printf(" | %-34s", "(not measured)");
          continue;
        }
        char cell[64];
        std::snprintf(cell, sizeof cell, "%.0f (%.0f-%.0f)", it->second.median, it->second.min, it->second.max);
        std::printf(" | %-34s", cell);
      }
      std::printf(" |");
      const auto mine = by_label.find("gearmock");
      for (const auto& [label, st] : by_label)
        if (label != "gearmock" && mine != by_label.end()) std::printf(" %s %.1fx", label.c_str(), mine->second.median / st.median);
      std::printf("\n");
    }
  }
  std::printf("\nQueue size when the windows of each level started:");
  for (const auto& [level, by_label] : queued_at)
    for (const auto& [label, n] : by_label) std::printf(" %s@%zu=%zu", label.c_str(), level, n);
  std::printf("\n\nMemory (RSS growth / jobs queued, at the last level reached; peak RSS)\n");
  for (const auto& cfg : configs)
    std::printf("%-15s %8.0f B/job   peak RSS %6.1f MiB\n", cfg.label.c_str(), bytes_per_job[cfg.label],
                static_cast<double>(peak_rss[cfg.label]) / (1 << 20));
  return 0;
}
