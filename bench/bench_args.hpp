// Numbers on the bench programs' command lines: read strictly (the one
// decimal reader of gearspec), and a bad one ends the program with a message
// that names the flag, the text and the range, instead of an exception.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "gearspec/util/decimal.hpp"

namespace gearspec::bench {

inline std::uint64_t flag_number(std::string_view flag, const char* text, std::uint64_t min = 1,
                                 std::uint64_t max = UINT32_MAX) {
  const auto value = util::decimal(text, max);
  if (value && *value >= min) return *value;
  std::fprintf(stderr, "%.*s: expected a decimal number from %llu to %llu, got '%s'\n",
               static_cast<int>(flag.size()), flag.data(), static_cast<unsigned long long>(min),
               static_cast<unsigned long long>(max), text);
  std::exit(2);
}

}  // namespace gearspec::bench
