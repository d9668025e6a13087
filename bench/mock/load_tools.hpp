// Pieces of the gearmock queue benchmark: a server process under test (with
// its memory and CPU time), a pipelining raw-socket load generator, a
// latency probe, and a meter of the CPU the rest of the machine used.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace gearspec::bench {

/// A server started as a child process on 127.0.0.1, stopped (SIGTERM, then
/// SIGKILL) when destroyed.
class server_process {
 public:
  /// `port_from_stdout`: the server prints "listening on HOST:PORT" first
  /// (gearmock); otherwise a free port is passed as "-p PORT" (gearmand).
  server_process(std::string label, std::vector<std::string> argv, bool port_from_stdout);
  ~server_process();
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  std::uint16_t port() const { return port_; }
  /// A /proc/PID/status field in bytes: "VmRSS:" (now) or "VmHWM:" (peak).
  std::uint64_t memory(const char* field) const;
  /// User + system CPU seconds used so far, all threads.
  double cpu_seconds() const;

 private:
  std::string label_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

/// CPU seconds of this process (all threads).
double own_cpu_seconds();
/// CPU seconds the whole machine spent busy (all cores), from /proc/stat.
double machine_busy_seconds();
/// The three load averages as "a b c".
std::string load_average();

/// Background submits of 100-byte workloads with distinct explicit uniques
/// ("<prefix><n>", n counting across calls), pipelined over `conns`
/// connections. Returns submits per second from the first byte sent to the
/// last JOB_CREATED received. Throws on any error or after 120 s.
double submit_window(std::uint16_t port, int conns, std::size_t total);

/// While alive, a thread on its own connection submits one background job
/// every millisecond and waits for its JOB_CREATED: the worst of these
/// round trips shows how long the server ever kept a client waiting (a
/// stall, a rehash), which pipelined throughput figures hide.
class latency_probe {
 public:
  explicit latency_probe(std::uint16_t port);
  ~latency_probe();

  struct result {
    std::size_t submits = 0;
    double worst_ms = 0, p99_ms = 0, median_ms = 0;
    bool unanswered = false;  ///< the last submit was still waiting at stop(): worst_ms is a lower bound
  };
  /// Stops the thread (idempotent) and summarizes.
  result stop();
  /// Submits answered so far.
  std::size_t submitted() const { return answered_; }

 private:
  void run(std::uint16_t port);
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> answered_{0};
  bool unanswered_ = false;
  std::vector<double> samples_ms_;
  std::string error_;
  std::thread thread_;
};

}  // namespace gearspec::bench
