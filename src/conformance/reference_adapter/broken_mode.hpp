// Deliberately broken behaviours of the reference adapter, for testing the
// runner itself: each one is the real client with one precise mutation, so
// the cases it must fail on can be named in advance.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace gearspec::reference_adapter {

enum class broken_mode {
  none,
  trailing_nul,      ///< a NUL appended to every workload before encoding (body one byte longer)
  success_on_error,  ///< every failed job reported as success (with a handle no server sent)
  never_answer,      ///< requests containing a low-priority job are never answered
  crash,             ///< SIGSEGV on a request containing an empty workload
  drop_unique,       ///< the caller's unique is dropped (the client generates one instead)
};

/// "trailing-nul" -> broken_mode::trailing_nul; nullopt for an unknown name.
std::optional<broken_mode> parse_broken_mode(const std::string& name);
const std::vector<std::string>& broken_mode_names();

}  // namespace gearspec::reference_adapter
