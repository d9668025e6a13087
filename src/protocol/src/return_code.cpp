#include "gearspec/protocol/return_code.hpp"

#include <array>

#include "gearspec/util/ascii.hpp"

namespace gearspec::proto {
namespace {

// Full identifiers, indexed by value, then "GEARMAN_MAX_RETURN"; the name is
// the part after "GEARMAN_" (8 characters).
constexpr std::array<const char*, return_code_count + 1> identifiers{
#define GEARSPEC_RETURN_CODE_IDENTIFIER(name, upper, value) "GEARMAN_" #upper,
    GEARSPEC_RETURN_CODES(GEARSPEC_RETURN_CODE_IDENTIFIER)
#undef GEARSPEC_RETURN_CODE_IDENTIFIER
        "GEARMAN_MAX_RETURN"};

// The table is indexed by value: the list must count 0, 1, 2, ... with no gap.
constexpr bool values_are_positions() {
  int position = 0;
#define GEARSPEC_RETURN_CODE_POSITION(name, upper, value) \
  if ((value) != position++) return false;
  GEARSPEC_RETURN_CODES(GEARSPEC_RETURN_CODE_POSITION)
#undef GEARSPEC_RETURN_CODE_POSITION
  return position == return_code_count;
}
static_assert(values_are_positions(), "return_code_list.hpp: values must be 0..N-1 in order");

constexpr std::size_t prefix_length = 8;  // "GEARMAN_"

}  // namespace

const char* return_code_identifier(int value) noexcept {
  if (value < 0 || value >= return_code_count) return identifiers.back();
  return identifiers[static_cast<std::size_t>(value)];
}

std::string_view return_code_name(int value) noexcept {
  return std::string_view{return_code_identifier(value)}.substr(prefix_length);
}

std::optional<return_code> return_code_from_name(std::string_view code) noexcept {
  for (int v = 0; v < return_code_count; ++v)
    if (util::iequals(return_code_name(v), code)) return static_cast<return_code>(v);
  return std::nullopt;
}

}  // namespace gearspec::proto
