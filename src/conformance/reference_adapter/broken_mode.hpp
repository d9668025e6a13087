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
  never_answer,      ///< requests of several jobs, one of them at low priority, are never answered
  crash,             ///< SIGSEGV on a request containing an empty workload
  drop_unique,       ///< the caller's unique is dropped (the client generates one instead)
  no_handle,         ///< success reported without the handle, though handle_readback is listed
  hide_handles,      ///< handle_readback not listed and no handle reported (cases on handles: UNIMPLEMENTED)
  blind_retry,       ///< every submit sent twice on the connection; the first one's outcome reported
  truncate_reject,   ///< an over-limit function or unique cut to the limit, sent, and the job reported
                     ///< rejected
  always_error,      ///< sent correctly, then every job reported as an error
  strip_whitespace,  ///< leading and trailing whitespace stripped from the caller's unique
  coerce_numeric,  ///< a function, unique or workload that reads as a number re-written as that number ("007"
                   ///< -> "7")
  falsy_unique,    ///< a unique a dynamic language treats as false ("0") is dropped
  reencode_utf8,   ///< function, unique and handle bytes that are not UTF-8 replaced by U+FFFD
  protocol_1,      ///< speaks adapter protocol 1 (no "protocol" in hello, text fields only)
  worker_busy_poll,         ///< work: a new connection and grab every 10 ms instead of sleeping until NOOP
  worker_swap_status,       ///< work: WORK_STATUS with numerator and denominator swapped
  worker_complete_all,      ///< work: WORK_COMPLETE (no data) where the function fails or raises an exception
  worker_ignore_errors,     ///< work: success reported whatever the worker returned
  status_ignore_flags,      ///< a status reported known and running whatever the server's flags say
  status_atoi,              ///< a malformed STATUS_RES read as atoi would: success, unreadable fields 0
  status_trailing_nul,      ///< a NUL appended to the handle or unique of a status request
  status_success_on_error,  ///< every failed status request reported as success (known, zeros)
};

/// "trailing-nul" -> broken_mode::trailing_nul; nullopt for an unknown name.
std::optional<broken_mode> parse_broken_mode(const std::string& name);
const std::vector<std::string>& broken_mode_names();

}  // namespace gearspec::reference_adapter
