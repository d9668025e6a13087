#include "gearspec/client/detail/server_link.hpp"

#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::client::detail {
namespace {

proto::decoder_limits decoder_limits_for(const session_limits& limits) noexcept {
  proto::decoder_limits d;
  d.max_body_size = limits.max_body_size;
  d.max_argument_size = limits.max_argument_size;
  d.accept_text = false;
  return d;
}

return_code decode_error_code(const std::error_code& ec) noexcept {
  if (ec == proto::errc::bad_magic) return return_code::invalid_magic;
  if (ec == proto::errc::invalid_command) return return_code::invalid_command;
  return return_code::invalid_packet;
}

}  // namespace

server_link::server_link(session_limits limits) noexcept
    : limits_(limits), decoder_(decoder_limits_for(limits)) {}

void server_link::receive(std::string_view bytes) {
  while (!bytes.empty() && !broken_) {
    if (decoder_.at_boundary() && bytes.front() != '\0') {
      fail_connection(return_code::invalid_packet, "server sent a text line (first byte " +
                                                       proto::escape_bytes(bytes.substr(0, 1)) +
                                                       ") where a binary packet was expected");
      return;
    }
    std::error_code ec;
    const std::size_t used = decoder_.put(bytes, ec);
    if (ec) {
      fail_connection(decode_error_code(ec), "malformed reply from server: " + ec.message());
      return;
    }
    bytes.remove_prefix(used);
    if (decoder_.ready()) {
      handle_packet(decoder_.packet());
      decoder_.next();
    }
  }
}

bool server_link::from_server(const proto::packet_view& p) {
  switch (proto::check_arrival(proto::peer::server, p.mag, p.cmd)) {
    case proto::arrival::wrong_magic:
      fail_connection(return_code::invalid_magic,
                      "packet with request magic \\0REQ from server: " + std::string{proto::name(p.cmd)});
      return false;
    case proto::arrival::wrong_command:
      fail_connection(return_code::unexpected_packet,
                      "server sent a request-only command: " + std::string{proto::name(p.cmd)});
      return false;
    case proto::arrival::expected:
      break;
  }
  return true;
}

void server_link::record(return_code rc, std::string_view text) noexcept {
  if (failure_ != return_code::success) return;
  failure_ = rc;
  store_text(failure_text_, text);
}

void server_link::clear_failure() noexcept {
  failure_ = return_code::success;
  failure_text_.clear();
}

void store_text(std::string& to, std::string_view text) noexcept {
  try {
    to.assign(text.data(), text.size());
  } catch (...) {
    to.clear();
  }
}

}  // namespace gearspec::client::detail
