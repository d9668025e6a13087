#include "gearspec/util/host_port.hpp"

#include "gearspec/util/decimal.hpp"

namespace gearspec::util {

std::optional<host_port> split_host_port(std::string_view text) noexcept {
  host_port out;
  std::string_view port;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = text.substr(1, close - 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      has_port = true;
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    out.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    has_port = true;
  } else {
    out.host = text;
  }
  if (has_port) {
    const auto number = decimal(port, UINT16_MAX);
    if (!number) return std::nullopt;
    out.port = static_cast<std::uint16_t>(*number);
  }
  return out;
}

}  // namespace gearspec::util
