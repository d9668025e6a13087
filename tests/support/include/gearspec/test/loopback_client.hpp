// The one TCP client of the test suites: a blocking connection to
// 127.0.0.1:port for wire-level tests against gearmock and the real gearmand.
// Every wait is bounded.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace gearspec::test {

class loopback_client {
 public:
  /// Connects to 127.0.0.1:port; throws std::runtime_error on failure.
  explicit loopback_client(std::uint16_t port);
  ~loopback_client();
  loopback_client(loopback_client&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  loopback_client(const loopback_client&) = delete;
  loopback_client& operator=(const loopback_client&) = delete;

  /// Throws std::runtime_error when the peer no longer takes bytes.
  void send(std::string_view bytes);
  /// One recv(): the bytes of one arrival ("" on EOF or timeout).
  std::string read_some(int timeout_ms = 2000);
  /// Exactly n bytes, or fewer if the peer closes / the time runs out.
  std::string read_exact(std::size_t n, int timeout_ms = 2000);
  /// Everything until EOF (bounded by timeout and max bytes).
  std::string read_until_eof(int timeout_ms = 2000, std::size_t max = 1u << 24);
  /// Reads until the bytes end with `terminator` (never past it).
  std::string read_until(std::string_view terminator, int timeout_ms = 2000);
  /// Reads until `complete(bytes so far)` holds, the peer closes or the time runs out.
  std::string read_until(const std::function<bool(std::string_view)>& complete, int timeout_ms);
  /// True if nothing arrives within timeout_ms (the peer is silent, still open).
  bool silent_for(int timeout_ms);

  /// How the last read ended.
  bool saw_eof() const noexcept { return eof_; }
  bool saw_reset() const noexcept { return reset_; }
  void shutdown_write();
  /// Close with RST.
  void abort();
  int fd() const noexcept { return fd_; }

 private:
  std::string read_up_to(std::size_t max, int timeout_ms);

  int fd_ = -1;
  bool eof_ = false;
  bool reset_ = false;
};

struct exchange_result {
  std::string bytes;       ///< everything received
  bool closed = false;     ///< the peer closed the connection
  bool timed_out = false;  ///< neither complete nor closed within the timeout
};

/// One request/response exchange on a fresh connection: send `request`, then
/// read until `complete(received)` is true, the peer closes, or `timeout_ms`
/// passes. Throws std::runtime_error when the connection cannot be made.
exchange_result loopback_exchange(std::uint16_t port, std::string_view request,
                                  const std::function<bool(std::string_view)>& complete,
                                  int timeout_ms = 5000);

}  // namespace gearspec::test
