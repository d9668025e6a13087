// Invariant checks inside fuzz targets. A failed check prints what was
// expected and aborts, so libFuzzer records the input as a crash and the
// replay executables (and ctest) fail on it with any compiler.
#pragma once

namespace gearspec::fuzz {

/// Print "<file>:<line>: invariant failed: <what>" to stderr and abort().
[[noreturn]] void invariant_failed(const char* file, int line, const char* what) noexcept;

}  // namespace gearspec::fuzz

/// Harness code (option parsing, logs, comparisons) carries no coverage
/// instrumentation: its branches say nothing about the code under test and
/// its comparison callbacks would cost a large share of each run.
#if defined(__clang__)
#define GEARSPEC_FUZZ_HARNESS __attribute__((no_sanitize("coverage")))
#else
#define GEARSPEC_FUZZ_HARNESS
#endif

/// Abort the fuzz run when `cond` is false. Always on, also in release builds:
/// the invariant is the point of the target, not a debug aid.
#define GEARSPEC_FUZZ_CHECK(cond)                                               \
  do {                                                                          \
    if (!(cond)) ::gearspec::fuzz::invariant_failed(__FILE__, __LINE__, #cond); \
  } while (false)
