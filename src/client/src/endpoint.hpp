// What the client and the worker share behind their pimpl: the servers, the
// connection, the timeout and the outcome of the last call. Internal to
// src/client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io_loop.hpp"

namespace gearspec::client::detail {

struct endpoint {
  io_state io;
  std::vector<server_address> servers;
  int timeout_ms = -1;
  std::string error;
  return_code last = return_code::success;

  /// Record a call's outcome: `text` becomes error() unless `rc` is SUCCESS.
  return_code set_result(return_code rc, std::string_view text);

  /// Append one server (empty host = localhost, port 0 = 4730);
  /// INVALID_ARGUMENT (nothing added) for a host containing NUL.
  return_code add_server(std::string_view host, std::uint16_t port);
  /// A comma-separated list, all or nothing.
  return_code add_servers(std::string_view list);
  void remove_servers() noexcept;
  /// A negative timeout waits forever (-1).
  void set_timeout(int milliseconds) noexcept { timeout_ms = milliseconds < 0 ? -1 : milliseconds; }

  /// Keep the open connection, or connect to the first server that accepts
  /// (in the order added; a timeout ends the search). `fresh` tells whether a
  /// new connection was opened; `why` describes a failure.
  return_code connect_first(const deadline& until, std::string& why, bool& fresh);
};

}  // namespace gearspec::client::detail
