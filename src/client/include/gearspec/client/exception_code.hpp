// The return code that stands for an exception, for the layers that turn
// exceptions into codes (the C API, a run of tasks cut short).
#pragma once

#include <exception>
#include <new>

#include "gearspec/protocol/return_code.hpp"

namespace gearspec::client {

/// Call only inside a catch block. MEMORY_ALLOCATION_FAILURE for std::bad_alloc
/// (what the client's buffers and strings throw), UNKNOWN_STATE for anything
/// else. `what`, when given, receives the exception's text (valid until the
/// catch block ends) or a fixed description.
inline proto::return_code current_exception_code(const char** what = nullptr) noexcept {
  const char* text = "unknown exception";
  proto::return_code rc = proto::return_code::unknown_state;
  try {
    throw;
  } catch (const std::bad_alloc&) {
    text = "out of memory (std::bad_alloc)";
    rc = proto::return_code::memory_allocation_failure;
  } catch (const std::exception& e) {
    text = e.what();
  } catch (...) {
  }
  if (what != nullptr) *what = text;
  return rc;
}

}  // namespace gearspec::client
