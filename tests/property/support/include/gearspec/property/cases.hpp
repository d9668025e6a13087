// How many cases each property runs. The normal (g++) run keeps the issue's
// floor of 1,000 cases per property; the sanitizer build runs the socket-
// and process-heavy properties with fewer, because every case there costs
// several times more. RC_PARAMS=max_success=N overrides both.
#pragma once

namespace gearspec::property {

#ifdef GEARSPEC_PROPERTY_SANITIZED
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif

/// `normal` cases in the normal build, `sanitized` under ASan/UBSan.
constexpr int cases(int normal, int sanitized) noexcept { return sanitized_build ? sanitized : normal; }

/// The floor every property meets in the normal run.
inline constexpr int standard_cases = cases(1000, 300);

}  // namespace gearspec::property
