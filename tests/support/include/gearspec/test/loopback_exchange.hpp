// One request/response exchange with a server on 127.0.0.1, bounded in time:
// for tests that talk raw bytes to the real gearmand or to gearmock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace gearspec::test {

struct exchange_result {
  std::string bytes;       ///< everything received
  bool closed = false;     ///< the peer closed the connection
  bool timed_out = false;  ///< neither complete nor closed within the timeout
};

/// Connect to 127.0.0.1:port, send `request`, then read until
/// `complete(received)` is true, the peer closes, or `timeout_ms` passes.
/// Throws std::runtime_error when the connection cannot be made.
exchange_result loopback_exchange(std::uint16_t port, std::string_view request,
                                  const std::function<bool(std::string_view)>& complete,
                                  int timeout_ms = 5000);

}  // namespace gearspec::test
