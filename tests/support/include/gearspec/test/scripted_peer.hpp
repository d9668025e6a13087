// The one scripted server of the test suites: a bounded TCP peer on
// 127.0.0.1 that plays the server side against a real client. Per connection
// it waits for a number of complete request packets, writes the scripted
// chunks (one send() each), then closes or stays silent until the client hangs
// up; or it answers every request packet through a responder. The listening
// socket lives as long as the peer, so a property can run thousands of cases
// on it, changing the script between them with serve(). Every wait is bounded.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
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
  using clock = std::chrono::steady_clock;
  /// Replies computed per request packet (raw bytes of the request in, bytes to
  /// write out).
  using responder = std::function<std::string(const std::string& request_packet)>;

  /// Listens on 127.0.0.1 (port chosen by the kernel) and serves every
  /// connection with `script`. Throws std::runtime_error.
  explicit scripted_peer(peer_script script = {});
  explicit scripted_peer(responder respond);
  ~scripted_peer();
  scripted_peer(const scripted_peer&) = delete;
  scripted_peer& operator=(const scripted_peer&) = delete;

  std::uint16_t port() const noexcept { return port_; }

  /// Serve the connections accepted from now on with `script`.
  void serve(peer_script script);
  /// Wait (bounded) for the first connection accepted since serve() to end and
  /// return every byte the client sent on it; "" when none came.
  std::string finish();
  /// When the scripted writes of the last finished connection were done (or
  /// given up because the client closed first); clock::time_point::max() when
  /// that connection never got that far.
  clock::time_point writes_done() const;

  /// Every byte received, per accepted connection.
  std::vector<std::string> received() const;
  std::size_t connections() const;

  /// A port on which nothing listens (bound then closed).
  static std::uint16_t closed_port();

 private:
  void start();
  void run();
  void serve_connection(int fd, const peer_script& script);

  peer_script script_;
  responder respond_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> received_;
  std::size_t finished_ = 0;    // connections served to the end
  std::size_t serve_mark_ = 0;  // connections accepted before the last serve()
  clock::time_point writes_done_ = clock::time_point::max();
  std::thread thread_;
};

/// A JOB_CREATED reply for `handle`.
std::string job_created(std::string_view handle);
/// An ERROR reply.
std::string error_reply(std::string_view code, std::string_view text);

}  // namespace gearspec::test
