// gearman_return_t (the C header's plain enum) against the one list of return
// codes (gearspec/protocol/return_code_list.hpp): every C enumerator must have
// the list's name and value, so the conversion below is a checked identity.
#pragma once

#include "gearspec/protocol/return_code.hpp"
#include "libgearman/gearman.h"

namespace gearspec::compat {

#define GEARSPEC_CHECK_C_RETURN_CODE(name, upper, value)                                            \
  static_assert(GEARMAN_##upper == (value), "gearman.h: GEARMAN_" #upper " differs from the list"); \
  static_assert(static_cast<int>(proto::return_code::name) == GEARMAN_##upper,                      \
                "return_code::" #name " differs from GEARMAN_" #upper);
GEARSPEC_RETURN_CODES(GEARSPEC_CHECK_C_RETURN_CODE)
#undef GEARSPEC_CHECK_C_RETURN_CODE
static_assert(GEARMAN_MAX_RETURN == proto::return_code_count, "gearman.h has a code the list lacks");
static_assert(sizeof(gearman_return_t) == sizeof(int), "gearman_return_t is int-sized, as in libgearman");

inline gearman_return_t to_c(proto::return_code rc) noexcept { return static_cast<gearman_return_t>(rc); }

}  // namespace gearspec::compat
