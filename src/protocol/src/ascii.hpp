// Small ASCII helpers shared by the codec's .cpp files (private header).
#pragma once

#include <string_view>

namespace gearspec::proto::detail {

constexpr char to_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_upper(a[i]) != to_upper(b[i])) return false;
  return true;
}

}  // namespace gearspec::proto::detail
