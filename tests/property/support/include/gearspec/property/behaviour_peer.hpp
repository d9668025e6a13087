// A one-connection TCP peer on 127.0.0.1 that plays a scripted server
// behaviour against a real client (the C API under test): it waits until the
// client has sent the expected number of request packets, writes the
// scripted chunks, then closes or stays silent until the client hangs up.
// Every wait is bounded, and the listening socket is reused across cases so
// a property can run thousands of them quickly.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace gearspec::property {

/// What the peer does with the next connection.
struct peer_plan {
  std::size_t expect_requests = 0;  ///< wait for this many complete request packets
  std::vector<std::string> writes;  ///< then write these, one send() each
  bool close_after = true;          ///< then close (true) or wait for the client to close
};

class behaviour_peer {
 public:
  /// Listens on 127.0.0.1, port chosen by the kernel. Throws std::runtime_error.
  behaviour_peer();
  ~behaviour_peer();
  behaviour_peer(const behaviour_peer&) = delete;
  behaviour_peer& operator=(const behaviour_peer&) = delete;

  std::uint16_t port() const noexcept { return port_; }

  /// Serve the next accepted connection with `plan` (on a helper thread).
  void serve(peer_plan plan);
  /// Wait for that connection to end (bounded by the peer's own limits) and
  /// return every byte the client sent on it.
  std::string finish();
  /// When the last scripted write of that connection completed (valid after
  /// finish()): a client whose deadline passed before it was right to time out.
  std::chrono::steady_clock::time_point writes_done() const noexcept { return writes_done_; }

 private:
  void run(peer_plan plan);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::string received_;
  std::chrono::steady_clock::time_point writes_done_{};
};

}  // namespace gearspec::property
