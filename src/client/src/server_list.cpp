#include "gearspec/client/client.hpp"
#include "gearspec/util/host_port.hpp"

namespace gearspec::client {
namespace {

bool parse_entry(std::string_view item, server_address& out) {
  const auto parts = util::split_host_port(item);
  if (!parts || parts->host.find('\0') != std::string_view::npos) return false;
  out.host.assign(parts->host.data(), parts->host.size());
  out.port = parts->port.value_or(0) == 0 ? default_port : *parts->port;
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
