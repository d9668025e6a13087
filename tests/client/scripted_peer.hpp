// A small, bounded TCP peer on 127.0.0.1 for the client's loopback tests: it
// plays the server side of one scripted exchange, or answers every request
// like a minimal queue (for the differential recorder). Every wait is bounded.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gearspec::test {

/// One write of the peer: `bytes` after a pause of `delay_ms`.
struct peer_write {
  std::string bytes;
  int delay_ms = 0;
};

/// What the peer does on each accepted connection.
struct peer_script {
  /// Wait until this many complete request packets were received, then write.
  std::size_t expect_packets = 1;
  std::vector<peer_write> writes;
  /// After the writes: close at once (true) or keep the connection open and
  /// silent until the client closes or the peer is destroyed.
  bool close_after = true;
};

class scripted_peer {
 public:
  /// Replies computed per request packet (raw bytes of the request in, bytes to
  /// write out); used by the recorder mode.
  using responder = std::function<std::string(const std::string& request_packet)>;

  explicit scripted_peer(peer_script script);
  explicit scripted_peer(responder respond);
  ~scripted_peer();
  scripted_peer(const scripted_peer&) = delete;
  scripted_peer& operator=(const scripted_peer&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  /// Every byte received, per accepted connection.
  std::vector<std::string> received() const;
  std::size_t connections() const;

  /// A port on which nothing listens (bound then closed).
  static std::uint16_t closed_port();

 private:
  void start();
  void run();
  void serve(int fd);

  peer_script script_;
  responder respond_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> received_;
  std::thread thread_;
};

/// A JOB_CREATED reply for `handle`.
std::string job_created(std::string_view handle);
/// An ERROR reply.
std::string error_reply(std::string_view code, std::string_view text);

}  // namespace gearspec::test
