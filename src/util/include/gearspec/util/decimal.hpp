// Strict decimal text to unsigned integers: the one number reader of gearspec
// (protocol fields, handles, ports, scenario and case files).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace gearspec::util {

/// Read `text` as an unsigned decimal: one or more ASCII digits and nothing
/// else (no sign, no spaces; leading zeros are fine). Like std::from_chars it
/// tells a non-number (std::errc::invalid_argument: empty text or any other
/// byte) from a number above `max` (std::errc::result_out_of_range); `out` is
/// written only on success.
constexpr std::errc parse_decimal(std::string_view text, std::uint64_t& out,
                                  std::uint64_t max = UINT64_MAX) noexcept {
  if (text.empty()) return std::errc::invalid_argument;
  std::uint64_t value = 0;
  bool too_big = false;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::errc::invalid_argument;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (too_big || digit > max || value > (max - digit) / 10) {
      too_big = true;  // keep scanning: "99...9x" is not a number at all
      continue;
    }
    value = value * 10 + digit;
  }
  if (too_big) return std::errc::result_out_of_range;
  out = value;
  return std::errc{};
}

/// parse_decimal() for callers that need no reason.
constexpr std::optional<std::uint64_t> decimal(std::string_view text,
                                               std::uint64_t max = UINT64_MAX) noexcept {
  std::uint64_t value = 0;
  if (parse_decimal(text, value, max) != std::errc{}) return std::nullopt;
  return value;
}

}  // namespace gearspec::util
