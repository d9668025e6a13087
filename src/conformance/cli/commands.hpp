// The gearspec subcommands (each returns the process exit status).
#pragma once

#include <string>
#include <vector>

namespace gearspec::cli {

/// Exit statuses: 0 conforming, 1 failures (or stale known failures), 2 harness error.
inline constexpr int exit_conforming = 0;
inline constexpr int exit_failures = 1;
inline constexpr int exit_harness_error = 2;

/// The adapter command line for --client: "reference" is the built-in
/// reference adapter (found next to this executable); anything else is a
/// command line run without a shell.
std::vector<std::string> resolve_client(const std::string& client);

}  // namespace gearspec::cli
