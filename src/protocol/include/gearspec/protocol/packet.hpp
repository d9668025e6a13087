// Packets: the owning form (tests, scenarios, journals) and the borrowed view
// the decoder hands out on its hot path.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/protocol/command.hpp"
#include "gearspec/util/escape.hpp"

namespace gearspec::proto {

/// The 4-byte magic of a binary header.
enum class magic : std::uint8_t { request, response };

inline constexpr std::size_t header_size = 12;
inline constexpr std::string_view request_magic{"\0REQ", 4};
inline constexpr std::string_view response_magic{"\0RES", 4};

constexpr std::string_view magic_bytes(magic m) noexcept {
  return m == magic::request ? request_magic : response_magic;
}

/// True when a packet of `cmd` may travel with magic `m` (WIRE.md 1.3, 2):
/// requests with "\0REQ", responses with "\0RES", the relayed WORK_*
/// commands with either; never for TEXT, UNUSED or MAX. The decoder accepts
/// both magics for every command (gearmand answers a misdirected one with an
/// ERROR and keeps the stream), so the session layer checks this.
constexpr bool magic_fits(command cmd, magic m) noexcept {
  if (static_cast<std::uint32_t>(cmd) >= command_count) return false;
  switch (info(cmd).dir) {
    case direction::request:
      return m == magic::request;
    case direction::response:
      return m == magic::response;
    case direction::both:
      return true;
    case direction::none:
      break;
  }
  return false;
}

/// The magic `p` sends with: "\0RES" from the server, "\0REQ" from a client or worker.
constexpr magic magic_of(peer p) noexcept { return p == peer::server ? magic::response : magic::request; }

/// How the receiving end judges a packet from `sender`'s side.
enum class arrival : std::uint8_t {
  expected,       ///< the sender's magic and a command the receiver takes from it
  wrong_magic,    ///< "\0REQ" from the server, "\0RES" from a client or worker
  wrong_command,  ///< the server refuses it (accepted_by_server), or a client gets a request-only command
};

/// One rule for both ends (WIRE.md 1.3, 2): the magic first, then the
/// command. A server refuses every command it does not act on; a client
/// refuses only what a server never sends and ignores the rest (NOOP, UNUSED,
/// a worker's replies).
constexpr arrival check_arrival(peer sender, magic m, command cmd) noexcept {
  if (m != magic_of(sender)) return arrival::wrong_magic;
  const bool refused = sender == peer::server ? static_cast<std::uint32_t>(cmd) < command_count &&
                                                    info(cmd).dir == direction::request
                                              : !accepted_by_server(cmd);
  return refused ? arrival::wrong_command : arrival::expected;
}

/// A packet whose arguments and data are borrowed from a buffer. Valid only
/// as long as the bytes it was decoded from.
struct packet_view {
  magic mag = magic::request;
  command cmd = command::noop;
  std::uint8_t argc = 0;
  std::array<std::string_view, max_arguments> args{};
  std::string_view data;  ///< the opaque DATA part (empty for no-data commands)
  std::string_view raw;   ///< the whole packet, header included

  std::string_view arg(std::size_t i) const noexcept { return i < argc ? args[i] : std::string_view{}; }
};

/// An owning packet.
struct packet {
  magic mag = magic::request;
  command cmd = command::noop;
  std::vector<std::string> args;
  std::string data;

  packet() = default;
  packet(magic m, command c, std::vector<std::string> a = {}, std::string d = {})
      : mag(m), cmd(c), args(std::move(a)), data(std::move(d)) {}
  explicit packet(const packet_view& v);

  friend bool operator==(const packet& a, const packet& b) {
    return a.mag == b.mag && a.cmd == b.cmd && a.args == b.args && a.data == b.data;
  }
  friend bool operator!=(const packet& a, const packet& b) { return !(a == b); }
};

/// Human-readable one-line form: `RES JOB_CREATED ["H:vm:14"] data=""`,
/// non-printable bytes as \xNN. For logs and test failure messages.
std::string to_string(const packet& p);
std::string to_string(const packet_view& p);

using util::escape_bytes;

}  // namespace gearspec::proto
