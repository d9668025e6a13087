// What the client and worker sessions share, sans I/O: the bounds on what a
// server may send, the decoder of its stream, the output queued for it,
// whether the connection broke, and the first failure recorded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gearspec/client/detail/output_buffer.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/return_code.hpp"

namespace gearspec::client {

using proto::return_code;

/// Bounds on what a session accepts from a server.
struct session_limits {
  /// Largest declared body of a reply (a result, an echo, a workload); larger
  /// is INVALID_PACKET before any allocation.
  std::uint32_t max_body_size = 64u << 20;
  /// Largest NUL-terminated argument of a reply (a handle, an ERROR code).
  std::uint32_t max_argument_size = 8192;
};

namespace detail {

class server_link {
 public:
  server_link(const server_link&) = delete;
  server_link& operator=(const server_link&) = delete;

  /// Bytes to write next (valid until the next non-const call).
  std::string_view output() const noexcept { return out_.pending(); }
  /// Bytes received from the server, any chunking: binary packets only (a
  /// server never sends admin text on these connections). After a fatal
  /// error the session is broken() and further input is ignored.
  void receive(std::string_view bytes);
  /// The peer closed (or a read/write failed): LOST_CONNECTION (or `rc`) for
  /// whatever was outstanding; output dropped; broken() until a new
  /// connection. Never throws: it is also how the I/O layer ends a connection
  /// that an exception (out of memory) left in an unknown state.
  void connection_closed(std::string_view why, return_code rc = return_code::lost_connection) noexcept {
    fail_connection(rc, why);
  }
  /// A fatal protocol error or timeout was recorded: close the connection.
  bool broken() const noexcept { return broken_; }
  const session_limits& limits() const noexcept { return limits_; }

 protected:
  explicit server_link(session_limits limits) noexcept;
  ~server_link() = default;

  /// Each complete packet of the stream, in order, while not broken.
  virtual void handle_packet(const proto::packet_view& p) = 0;
  /// A fault after which the stream makes no sense: sets broken_.
  virtual void fail_connection(return_code rc, std::string_view text) noexcept = 0;
  /// False, after fail_connection(), for a packet no server may send: one
  /// with the request magic, or a request-only command.
  bool from_server(const proto::packet_view& p);
  /// Keep the first failure (code and text) until clear_failure().
  void record(return_code rc, std::string_view text) noexcept;
  void clear_failure() noexcept;

  session_limits limits_;
  proto::decoder decoder_;
  output_buffer out_;
  bool broken_ = false;
  return_code failure_ = return_code::success;
  std::string failure_text_;
};

/// Store a failure's text; when even that cannot be stored the code still
/// is, and the text is left empty.
void store_text(std::string& to, std::string_view text) noexcept;

}  // namespace detail
}  // namespace gearspec::client
