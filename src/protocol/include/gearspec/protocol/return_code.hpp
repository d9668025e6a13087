// gearman_return_t values and names (WIRE.md section 5), generated from the
// one list in return_code_list.hpp; maps ERROR packet codes to return codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "gearspec/protocol/return_code_list.hpp"

namespace gearspec::proto {

/// Numeric values identical to libgearman 1.1.20's gearman_return_t
/// (generated from return_code_list.hpp).
enum class return_code : int {
#define GEARSPEC_RETURN_CODE_ENUMERATOR(name, upper, value) name = value,
  GEARSPEC_RETURN_CODES(GEARSPEC_RETURN_CODE_ENUMERATOR)
#undef GEARSPEC_RETURN_CODE_ENUMERATOR
      max_return,  ///< end marker: one past the last code
};

/// How many codes there are (MAX_RETURN's value).
inline constexpr int return_code_count = static_cast<int>(return_code::max_return);

/// Name without the "GEARMAN_" prefix ("QUEUE_ERROR"); "MAX_RETURN" when out of range.
std::string_view return_code_name(int value) noexcept;
inline std::string_view return_code_name(return_code rc) noexcept {
  return return_code_name(static_cast<int>(rc));
}

/// Full identifier as gearman_strerror prints it ("GEARMAN_QUEUE_ERROR").
const char* return_code_identifier(int value) noexcept;

/// Case-insensitive lookup of an ERROR packet code among the prefix-less
/// names SUCCESS..JOB_NOT_FOUND, as libgearman does. nullopt when unknown.
std::optional<return_code> return_code_from_name(std::string_view code) noexcept;

/// The code a client reports for an ERROR packet: the looked-up value, or
/// SERVER_ERROR for a name it does not know (WIRE.md 7.3).
inline return_code map_server_error_code(std::string_view code) noexcept {
  return return_code_from_name(code).value_or(return_code::server_error);
}

}  // namespace gearspec::proto
