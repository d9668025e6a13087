#include "gearspec/protocol/command.hpp"

#include "gearspec/util/ascii.hpp"

namespace gearspec::proto {

std::optional<command> command_from_name(std::string_view text) noexcept {
  for (const auto& row : commands())
    if (util::iequals(row.name, text)) return row.cmd;
  return std::nullopt;
}

std::string_view name(priority p) noexcept {
  switch (p) {
    case priority::high:
      return "high";
    case priority::low:
      return "low";
    case priority::normal:
      break;
  }
  return "normal";
}

}  // namespace gearspec::proto
