#include "endpoint.hpp"
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

// "host[:port][,host[:port]...]" (gearman_client_add_servers syntax; "[v6addr]:port"
// accepted), all or nothing: false on a malformed entry.
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

}  // namespace

namespace detail {

return_code endpoint::set_result(return_code rc, std::string_view text) {
  last = rc;
  error.assign(rc == return_code::success ? std::string_view{} : text);
  return rc;
}

return_code endpoint::add_server(std::string_view host, std::uint16_t port) {
  if (host.find('\0') != std::string_view::npos) {
    return set_result(return_code::invalid_argument, "host name contains a NUL byte");
  }
  servers.push_back(server_address{std::string{host}, port == 0 ? default_port : port});
  return set_result(return_code::success, {});
}

return_code endpoint::add_servers(std::string_view list) {
  if (parse_server_list(list, servers)) return set_result(return_code::success, {});
  return set_result(return_code::invalid_argument, "malformed server list");
}

void endpoint::remove_servers() noexcept {
  servers.clear();
  io.socket.close();
}

return_code endpoint::connect_first(const deadline& until, std::string& why, bool& fresh) {
  fresh = false;
  if (io.socket.is_open()) return return_code::success;
  return_code rc = return_code::could_not_connect;
  for (const server_address& address : servers) {
    rc = io.socket.open(address, until, why, io.sys_errno);
    if (rc == return_code::success || rc == return_code::timeout) break;
  }
  fresh = rc == return_code::success;
  return rc;
}

}  // namespace detail
}  // namespace gearspec::client
