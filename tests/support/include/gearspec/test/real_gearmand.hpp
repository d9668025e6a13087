// Starts the real gearmand (Debian package gearman-job-server) on a free
// loopback port for integration and differential tests, and stops it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gearspec::test {

/// Path of the real server, or "" when it is not installed.
std::string gearmand_path();

/// A TCP port on 127.0.0.1 that was free a moment ago (bind port 0, read, close).
std::uint16_t free_loopback_port();

/// True once a TCP connect to 127.0.0.1:port succeeds (polled, bounded by timeout_ms).
bool wait_for_listener(std::uint16_t port, int timeout_ms);

/// A running gearmand. The destructor sends SIGTERM, waits (bounded), then SIGKILL.
class real_gearmand {
 public:
  /// Starts `gearmand -L 127.0.0.1 -p <free port> --log-file none` plus
  /// `extra_args` (and `--threads=1` unless they set the thread count); throws std::runtime_error if it is
  /// not installed or does not listen within 10 s.
  explicit real_gearmand(std::vector<std::string> extra_args = {});
  ~real_gearmand();
  real_gearmand(const real_gearmand&) = delete;
  real_gearmand& operator=(const real_gearmand&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const noexcept { return pid_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace gearspec::test

/// In a GoogleTest body: skip with a clear message when gearmand is absent.
#define GEARSPEC_REQUIRE_GEARMAND()                                                       \
  do {                                                                                    \
    if (::gearspec::test::gearmand_path().empty())                                        \
      GTEST_SKIP() << "real gearmand not installed (Debian package gearman-job-server); " \
                      "scripts/install-deps installs it";                                 \
  } while (0)
