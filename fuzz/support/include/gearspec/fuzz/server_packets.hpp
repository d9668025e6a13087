// The session targets' independent reading of the server's bytes: decode
// them with the session's own limits (binary only) and hand each packet to
// a function, stopping at the first error or incomplete packet, as the
// session does. The facts a target's invariants rest on come from here,
// never from the session under test.
#pragma once

#include <string_view>
#include <system_error>

#include "gearspec/protocol/decoder.hpp"

namespace gearspec::fuzz {

/// Calls fn(packet_view) for each whole packet; returns how many.
/// `Limits` has max_body_size and max_argument_size.
template <class Limits, class Fn>
std::size_t for_each_server_packet(std::string_view bytes, const Limits& limits, Fn&& fn) {
  proto::decoder_limits l;
  l.max_body_size = limits.max_body_size;
  l.max_argument_size = limits.max_argument_size;
  l.accept_text = false;
  proto::decoder dec{l};
  std::size_t packets = 0;
  while (!bytes.empty()) {
    std::error_code ec;
    const std::size_t n = dec.put(bytes, ec);
    if (ec || !dec.ready()) break;
    ++packets;
    fn(dec.packet());
    bytes.remove_prefix(n);
    dec.next();
  }
  return packets;
}

}  // namespace gearspec::fuzz
