#include <charconv>

#include "gearspec/client/client.hpp"

namespace gearspec::client {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool parse_entry(std::string_view item, server_address& out) {
  out = server_address{};
  std::string_view host = item;
  std::string_view port;
  if (!item.empty() && item.front() == '[') {  // [v6]:port
    const auto close = item.find(']');
    if (close == std::string_view::npos) return false;
    host = item.substr(1, close - 1);
    const std::string_view rest = item.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
  } else if (const auto colon = item.rfind(':'); colon != std::string_view::npos) {
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
    if (port.empty()) return false;
  }
  if (host.find('\0') != std::string_view::npos) return false;
  out.host.assign(host.data(), host.size());
  if (!port.empty() && !parse_port(port, out.port)) return false;
  if (out.port == 0) out.port = default_port;
  return true;
}

}  // namespace

bool parse_server_list(std::string_view list, std::vector<server_address>& out) {
  std::vector<server_address> parsed;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) return false;
    server_address address;
    if (!parse_entry(item, address)) return false;
    parsed.push_back(std::move(address));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
    if (list.empty()) return false;  // trailing comma
  }
  if (parsed.empty()) return false;
  out.insert(out.end(), parsed.begin(), parsed.end());
  return true;
}

}  // namespace gearspec::client
