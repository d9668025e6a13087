// The exception boundary of the C API: C callers cannot catch, so no C++
// exception may leave an extern "C" function. Every entry point that reaches
// code which can throw runs its body through c_boundary.
#pragma once

#include <type_traits>
#include <utility>

#include "c_return_code.hpp"
#include "gearspec/client/exception_code.hpp"

namespace gearspec::compat {

/// Run `body`; on an exception, record its code (MEMORY_ALLOCATION_FAILURE for
/// std::bad_alloc) and text on `owner` (when not null) and in `*ret_ptr`
/// (when not null), and return the code (for gearman_return_t bodies), a null
/// pointer (for pointer bodies) or nothing (void bodies).
/// `Client` needs `void failed(gearman_return_t, const char*) noexcept`.
template <class Client, class Body>
auto c_boundary(Client* owner, gearman_return_t* ret_ptr, Body&& body) noexcept -> decltype(body()) {
  using result = decltype(body());
  static_assert(
      std::is_void_v<result> || std::is_same_v<result, gearman_return_t> || std::is_pointer_v<result>,
      "the C API returns a code, a pointer or nothing");
  try {
    return std::forward<Body>(body)();
  } catch (...) {
    const char* what = nullptr;
    const gearman_return_t rc = to_c(client::current_exception_code(&what));
    if (owner != nullptr) owner->failed(rc, what);
    if (ret_ptr != nullptr) *ret_ptr = rc;
    if constexpr (std::is_same_v<result, gearman_return_t>) {
      return rc;
    } else if constexpr (std::is_pointer_v<result>) {
      return nullptr;
    }
  }
}

}  // namespace gearspec::compat
