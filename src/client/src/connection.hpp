// The client's socket: one non-blocking TCP connection, opened with a
// deadline. Internal to src/client (the poll loop lives in client.cpp).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/client/client.hpp"

namespace gearspec::client::detail {

using clock = std::chrono::steady_clock;

/// A point in time after which a blocking call gives up; "never" for a
/// negative timeout (libgearman's -1 = wait forever).
class deadline {
 public:
  explicit deadline(int timeout_ms);
  /// Milliseconds left for poll(): -1 when unbounded, else >= 0.
  int remaining_ms() const;
  int timeout_ms() const noexcept { return timeout_ms_; }

 private:
  int timeout_ms_;
  clock::time_point end_;
};

class connection {
 public:
  connection() = default;
  ~connection() { close(); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  bool is_open() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }

  /// Connect to `address` before `until`. Returns SUCCESS, GETADDRINFO,
  /// COULD_NOT_CONNECT or TIMEOUT; `error`/`sys_errno` describe a failure.
  return_code open(const server_address& address, const deadline& until, std::string& error, int& sys_errno);
  void close() noexcept;

  /// Check an idle connection before reuse: when the peer closed it, an error
  /// is pending, or unsolicited bytes arrived (nothing was asked on it, so the
  /// stream can no longer be trusted to be at a packet boundary), close it and
  /// return true; the caller then opens a fresh one.
  bool stale();

 private:
  int fd_ = -1;
};

}  // namespace gearspec::client::detail
