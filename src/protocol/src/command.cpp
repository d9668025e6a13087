#include "gearspec/protocol/command.hpp"

#include <iterator>

#include "gearspec/util/ascii.hpp"

namespace gearspec::proto {

std::optional<command> command_from_name(std::string_view text) noexcept {
  for (const auto& row : commands())
    if (util::iequals(row.name, text)) return row.cmd;
  return std::nullopt;
}

std::string_view name(priority p) noexcept {
  constexpr std::string_view names[] = {"high", "normal", "low"};
  const auto i = static_cast<std::size_t>(p);
  return i < std::size(names) ? names[i] : "normal";
}

}  // namespace gearspec::proto
