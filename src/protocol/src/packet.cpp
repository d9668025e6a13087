#include "gearspec/protocol/packet.hpp"

namespace gearspec::proto {

packet::packet(const packet_view& v) : mag(v.mag), cmd(v.cmd), data(v.data) {
  args.reserve(v.argc);
  for (std::size_t i = 0; i < v.argc; ++i) args.emplace_back(v.args[i]);
}

namespace {

template <typename Args>
std::string describe(magic m, command cmd, const Args& args, std::size_t argc, std::string_view data) {
  std::string out = m == magic::request ? "REQ " : "RES ";
  out += name(cmd);
  out += " [";
  for (std::size_t i = 0; i < argc; ++i) {
    if (i) out += ", ";
    out += escape_bytes(args[i]);
  }
  out += ']';
  const bool known = static_cast<std::uint32_t>(cmd) < command_count;
  if ((known && info(cmd).has_data) || !data.empty()) {
    out += " data=";
    if (data.size() > 64)
      out += escape_bytes(data.substr(0, 64)) + "...(" + std::to_string(data.size()) + " bytes)";
    else
      out += escape_bytes(data);
  }
  return out;
}

}  // namespace

std::string to_string(const packet& p) { return describe(p.mag, p.cmd, p.args, p.args.size(), p.data); }
std::string to_string(const packet_view& p) { return describe(p.mag, p.cmd, p.args, p.argc, p.data); }

}  // namespace gearspec::proto
