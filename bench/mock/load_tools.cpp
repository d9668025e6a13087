#include "load_tools.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/util/decimal.hpp"

namespace gearspec::bench {

namespace {

using proto::command;
using proto::magic;
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

const std::string& workload() {
  static const std::string w(100, 'w');
  return w;
}

void append_submit(std::string& out, const char* prefix, std::uint64_t n) {
  char unique[32];
  const int len = std::snprintf(unique, sizeof unique, "%s%llu", prefix, static_cast<unsigned long long>(n));
  proto::encode_to(out, magic::request, command::submit_job_bg,
                   {"bench", std::string_view{unique, static_cast<std::size_t>(len)}}, workload());
}

/// Reads JOB_CREATED replies; throws on anything else.
struct reply_reader {
  proto::decoder dec;
  /// Returns how many JOB_CREATED the bytes completed.
  std::size_t feed(std::string_view in) {
    std::size_t n = 0;
    while (!in.empty()) {
      std::error_code ec;
      in.remove_prefix(dec.put(in, ec));
      if (ec) throw std::runtime_error("bad reply: " + ec.message());
      if (!dec.ready()) continue;
      if (dec.packet().cmd != command::job_created) throw std::runtime_error("reply is not JOB_CREATED");
      dec.next();
      ++n;
    }
    return n;
  }
};

double ticks_per_second() { return static_cast<double>(::sysconf(_SC_CLK_TCK)); }

std::uint64_t next_unique = 0;  // loaders only (one thread); the probe has its own prefix

}  // namespace

// ---- server process -------------------------------------------------------

server_process::server_process(std::string label, std::vector<std::string> argv, bool port_from_stdout)
    : label_(std::move(label)) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  if (!port_from_stdout) {
    port_ = free_port();
    argv.push_back("-p");
    argv.push_back(std::to_string(port_));
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    // The bench's own output stays readable (gearmock reports SIGTERM on stderr).
    if (const int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (port_from_stdout) {
    std::string line;
    char c;
    pollfd p{fds[0], POLLIN, 0};
    while ((line.empty() || line.back() != '\n') && ::poll(&p, 1, 5000) > 0 && ::read(fds[0], &c, 1) == 1)
      line += c;
    const auto colon = line.rfind(':');
    if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos)
      throw std::runtime_error(label_ + ": unexpected first line '" + line + "'");
    const auto port = gearspec::util::decimal(line.substr(colon + 1, line.size() - colon - 2), 65535);
    if (!port) throw std::runtime_error(label_ + ": no port in its first line '" + line + "'");
    port_ = static_cast<std::uint16_t>(*port);
  }
  ::close(fds[0]);
  for (int i = 0; i < 500; ++i) {
    int fd = connect_to(port_);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error(label_ + " did not listen");
}

server_process::~server_process() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::uint64_t server_process::memory(const char* field) const {
  std::ifstream f{"/proc/" + std::to_string(pid_) + "/status"};
  for (std::string word; f >> word;)  // "VmRSS:\t  1234 kB"
    if (word == field && f >> word) return gearspec::util::decimal(word).value_or(0) * 1024;
  return 0;
}

double server_process::cpu_seconds() const {
  std::ifstream f{"/proc/" + std::to_string(pid_) + "/stat"};
  std::string all{std::istreambuf_iterator<char>{f}, {}};
  const auto close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in{all.substr(close + 2)};
  std::string field;
  std::uint64_t utime = 0, stime = 0;
  for (int i = 3; in >> field && i <= 15; ++i) {  // fields 14 and 15: utime, stime (all threads)
    if (i == 14) utime = gearspec::util::decimal(field).value_or(0);
    if (i == 15) stime = gearspec::util::decimal(field).value_or(0);
  }
  return static_cast<double>(utime + stime) / ticks_per_second();
}

double own_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

double machine_busy_seconds() {
  std::ifstream f{"/proc/stat"};
  std::string cpu;
  std::uint64_t v[8] = {};
  f >> cpu >> v[0] >> v[1] >> v[2] >> v[3] >> v[4] >> v[5] >> v[6] >> v[7];
  // user nice system idle iowait irq softirq steal: all but idle and iowait
  return static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / ticks_per_second();
}

std::string load_average() {
  std::ifstream f{"/proc/loadavg"};
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---- load generator ---------------------------------------------------------

double submit_window(std::uint16_t port, int conns, std::size_t total) {
  std::vector<int> fds(static_cast<std::size_t>(conns));
  std::vector<std::string> out(fds.size());
  std::vector<std::size_t> sent(fds.size(), 0), expected(fds.size(), 0), got(fds.size(), 0);
  std::vector<reply_reader> readers(fds.size());
  for (std::size_t i = 0; i < fds.size(); ++i) {
    fds[i] = connect_to(port);
    if (fds[i] < 0) throw std::runtime_error("connect failed");
    ::fcntl(fds[i], F_SETFL, O_NONBLOCK);
    expected[i] = total / fds.size() + (i < total % fds.size() ? 1 : 0);
    out[i].reserve(expected[i] * 132);
    for (std::size_t j = 0; j < expected[i]; ++j) append_submit(out[i], "u", next_unique++);
  }
  std::vector<pollfd> p(fds.size());
  static char buf[1 << 16];
  std::size_t finished = 0;
  const auto start = clock_type::now();
  const auto deadline = start + std::chrono::seconds(120);
  while (finished < fds.size()) {
    if (clock_type::now() > deadline) throw std::runtime_error("window timed out");
    for (std::size_t i = 0; i < fds.size(); ++i)
      p[i] = {got[i] == expected[i] ? -1 : fds[i],
              static_cast<short>(POLLIN | (sent[i] < out[i].size() ? POLLOUT : 0)), 0};
    if (::poll(p.data(), p.size(), 1000) <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (p[i].revents & POLLOUT) {
        const auto n = ::send(fds[i], out[i].data() + sent[i],
                              std::min<std::size_t>(out[i].size() - sent[i], 256 * 1024), MSG_NOSIGNAL);
        if (n > 0) sent[i] += static_cast<std::size_t>(n);
      }
      if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        const auto n = ::recv(fds[i], buf, sizeof buf, 0);
        if (n <= 0) throw std::runtime_error("server closed a connection");
        got[i] += readers[i].feed(std::string_view{buf, static_cast<std::size_t>(n)});
        if (got[i] == expected[i]) ++finished;
      }
    }
  }
  const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  for (int fd : fds) ::close(fd);
  return static_cast<double>(total) / secs;
}

// ---- latency probe -----------------------------------------------------------

latency_probe::latency_probe(std::uint16_t port) : thread_([this, port] { run(port); }) {}

latency_probe::~latency_probe() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void latency_probe::run(std::uint16_t port) {
  const int fd = connect_to(port);
  if (fd < 0) {
    error_ = "probe: connect failed";
    return;
  }
  reply_reader reader;
  char buf[256];
  std::string packet;
  for (std::uint64_t n = 0; !stop_; ++n) {
    packet.clear();
    append_submit(packet, "p", n);
    const auto sent_at = clock_type::now();
    if (::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(packet.size())) {
      error_ = "probe: send failed";
      break;
    }
    std::size_t got = 0;
    bool cut_short = false;  // stopped while still waiting: the wait so far is a lower bound
    while (got == 0) {
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);
      const auto waited = clock_type::now() - sent_at;
      if (ready <= 0) {
        if (waited > std::chrono::seconds(120)) {
          error_ = "probe: no JOB_CREATED within 120 s";
          ::close(fd);
          return;
        }
        if (stop_ && waited > std::chrono::seconds(1)) {
          cut_short = true;
          break;
        }
        continue;
      }
      const auto r = ::recv(fd, buf, sizeof buf, 0);
      if (r <= 0) {
        error_ = "probe: connection closed";
        ::close(fd);
        return;
      }
      got = reader.feed(std::string_view{buf, static_cast<std::size_t>(r)});
    }
    samples_ms_.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - sent_at).count());
    if (cut_short) {
      unanswered_ = true;
      break;
    }
    ++answered_;
    std::this_thread::sleep_until(sent_at + std::chrono::milliseconds(1));
  }
  ::close(fd);
}

latency_probe::result latency_probe::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (!error_.empty()) throw std::runtime_error(error_);
  result r;
  r.submits = answered_;
  r.unanswered = unanswered_;
  if (samples_ms_.empty()) return r;
  auto& s = samples_ms_;  // the thread is done with it
  std::sort(s.begin(), s.end());
  r.worst_ms = s.back();
  r.median_ms = s[s.size() / 2];
  r.p99_ms = s[std::min(s.size() - 1, s.size() * 99 / 100)];
  return r;
}

}  // namespace gearspec::bench
