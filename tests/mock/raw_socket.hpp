// A blocking loopback TCP client for wire-level tests: every wait is bounded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gearspec::test {

class raw_socket {
 public:
  /// Connects to 127.0.0.1:port; throws std::runtime_error on failure.
  explicit raw_socket(std::uint16_t port);
  ~raw_socket();
  raw_socket(raw_socket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  void send(std::string_view bytes);
  /// One recv(): the bytes of one arrival ("" on EOF or timeout).
  std::string read_some(int timeout_ms = 2000);
  /// Exactly n bytes, or fewer if the peer closes / the time runs out.
  std::string read_exact(std::size_t n, int timeout_ms = 2000);
  /// Everything until EOF (bounded by timeout and max bytes).
  std::string read_until_eof(int timeout_ms = 2000, std::size_t max = 1u << 24);
  /// Reads until `bytes` ends with `terminator`.
  std::string read_until(std::string_view terminator, int timeout_ms = 2000);
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

}  // namespace gearspec::test
