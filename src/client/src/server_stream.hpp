// Reading a server's byte stream, shared by the client and worker sessions:
// binary packets only (a server never sends admin text on these
// connections), each handed on whole; a text line or a malformed packet ends
// the stream with its gearman code. Internal to src/client.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/packet.hpp"
#include "gearspec/protocol/return_code.hpp"

namespace gearspec::client::detail {

/// Decoder limits from a session's limits (both have max_body_size and
/// max_argument_size).
template <class Limits>
proto::decoder_limits server_decoder_limits(const Limits& limits) noexcept {
  proto::decoder_limits d;
  d.max_body_size = limits.max_body_size;
  d.max_argument_size = limits.max_argument_size;
  d.accept_text = false;
  return d;
}

inline proto::return_code decode_error_code(const std::error_code& ec) noexcept {
  if (ec == proto::errc::bad_magic) return proto::return_code::invalid_magic;
  if (ec == proto::errc::invalid_command) return proto::return_code::invalid_command;
  return proto::return_code::invalid_packet;
}

/// Feed `bytes` (any chunking) to `dec`: each complete packet goes to
/// on_packet(packet_view) while !stopped(); a text line or a decoding error
/// goes to on_fault(code, text) and ends the call.
template <class Stopped, class OnPacket, class OnFault>
void read_server_stream(proto::decoder& dec, std::string_view bytes, Stopped&& stopped, OnPacket&& on_packet,
                        OnFault&& on_fault) {
  while (!bytes.empty() && !stopped()) {
    if (dec.at_boundary() && bytes.front() != '\0') {
      on_fault(proto::return_code::invalid_packet, "server sent a text line (first byte " +
                                                       proto::escape_bytes(bytes.substr(0, 1)) +
                                                       ") where a binary packet was expected");
      return;
    }
    std::error_code ec;
    const std::size_t used = dec.put(bytes, ec);
    if (ec) {
      on_fault(decode_error_code(ec), "malformed reply from server: " + ec.message());
      return;
    }
    bytes.remove_prefix(used);
    if (dec.ready()) {
      on_packet(dec.packet());
      dec.next();
    }
  }
}

/// False, after on_fault(code, text), for a packet no server may send: one
/// with the request magic, or a request-only command.
template <class OnFault>
bool accept_from_server(const proto::packet_view& p, OnFault&& on_fault) {
  switch (proto::check_arrival(proto::peer::server, p.mag, p.cmd)) {
    case proto::arrival::wrong_magic:
      on_fault(proto::return_code::invalid_magic,
               "packet with request magic \\0REQ from server: " + std::string{proto::name(p.cmd)});
      return false;
    case proto::arrival::wrong_command:
      on_fault(proto::return_code::unexpected_packet,
               "server sent a request-only command: " + std::string{proto::name(p.cmd)});
      return false;
    case proto::arrival::expected:
      break;
  }
  return true;
}

}  // namespace gearspec::client::detail
