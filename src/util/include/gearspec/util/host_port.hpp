// "host:port" text, as server lists and listen addresses spell it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gearspec::util {

struct host_port {
  std::string_view host;              ///< without the brackets of "[v6]"
  std::optional<std::uint16_t> port;  ///< absent when the text names none; 0 is a port like any other
};

/// Split "host", "host:port", "[v6]" or "[v6]:port". Without brackets the last
/// ':' separates, so "::1:80" is host "::1", port 80. nullopt when a bracket is
/// unclosed or followed by anything but ":port", or when a port is given but
/// empty or not a decimal in 0..65535. The host may be empty (":80", "[]").
std::optional<host_port> split_host_port(std::string_view text) noexcept;

}  // namespace gearspec::util
