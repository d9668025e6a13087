// One table of (value, name) pairs per enum serves both directions: the name
// a report or a case file writes, and the value a name read back stands for.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gearspec::conformance {

template <typename E>
struct named {
  E value;
  std::string_view name;
};

/// The name of `value`; "?" for a value the table lacks.
template <typename E, std::size_t N>
constexpr std::string_view name_in(const named<E> (&table)[N], E value) noexcept {
  for (const auto& n : table)
    if (n.value == value) return n.name;
  return "?";
}

/// The value called `name`; nullopt for a name the table lacks.
template <typename E, std::size_t N>
constexpr std::optional<E> value_in(const named<E> (&table)[N], std::string_view name) noexcept {
  for (const auto& n : table)
    if (n.name == name) return n.value;
  return std::nullopt;
}

/// The names in table order, for an error message: "a, b or c".
template <typename E, std::size_t N>
std::string names_in(const named<E> (&table)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i)
    out += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(table[i].name);
  return out;
}

}  // namespace gearspec::conformance
