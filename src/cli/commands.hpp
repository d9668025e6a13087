// The gearspec subcommands (each returns the process exit status).
#pragma once

namespace gearspec::cli {

/// Exit statuses: 0 conforming, 1 failures (or stale known failures), 2 harness error.
inline constexpr int exit_conforming = 0;
inline constexpr int exit_failures = 1;
inline constexpr int exit_harness_error = 2;

}  // namespace gearspec::cli
