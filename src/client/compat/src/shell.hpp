// The C API's objects (gearman_client_st, gearman_worker_st) are shells
// laid out as libgearman's: the caller may own the memory (stack) or ask the
// library to allocate it; the implementation hangs off `_impl`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "boundary.hpp"
#include "c_return_code.hpp"

namespace gearspec::compat {

/// Attach `impl` to the caller's shell, or to a new one when `shell` is null.
template <class Shell, class Impl>
Shell* install_shell(Shell* shell, std::unique_ptr<Impl> impl) {
  Shell* out = shell;
  if (out == nullptr) {
    out = new Shell;
    out->options.is_allocated = true;
  } else {
    out->options.is_allocated = false;
  }
  out->options.is_initialized = true;
  out->_impl = impl.release();
  return out;
}

/// Detach and delete the implementation; free the shell if the library made it.
template <class Impl, class Shell>
void release_shell(Shell* shell) {
  delete static_cast<Impl*>(shell->_impl);
  shell->_impl = nullptr;
  shell->options.is_initialized = false;
  if (shell->options.is_allocated) delete shell;
}

/// The last call's code and text, behind a C++ object `Cpp` (client or
/// worker) whose error() describes its own failures.
template <class Cpp>
struct c_object {
  c_object() = default;
  explicit c_object(Cpp c) : cpp(std::move(c)) {}

  Cpp cpp;
  gearman_return_t last = GEARMAN_SUCCESS;
  std::string error;

  // Never throws: it also records the failure of a call that ran out of memory.
  gearman_return_t result(gearman_return_t rc, std::string_view text) noexcept {
    last = rc;
    try {
      error.assign(rc == GEARMAN_SUCCESS ? std::string_view{} : text);
    } catch (...) {
      error.clear();  // the code is what counts; the text is best effort
    }
    return rc;
  }
  gearman_return_t result_from_cpp(proto::return_code rc) noexcept { return result(to_c(rc), cpp.error()); }
  // c_boundary's hook: an exception ended the call.
  void failed(gearman_return_t rc, const char* what) noexcept { result(rc, what); }
};

/// A C buffer as bytes: NULL is empty whatever the size says.
inline std::string_view bytes_of(const void* data, size_t size) noexcept {
  return data == nullptr ? std::string_view{} : std::string_view{static_cast<const char*>(data), size};
}

/// gearman_{client,worker}_add_server: INVALID_ARGUMENT without an object;
/// a null host is "localhost".
template <class Impl>
gearman_return_t add_server(Impl* x, const char* host, in_port_t port) {
  if (x == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(x, nullptr,
                    [&] { return x->result_from_cpp(x->cpp.add_server(host ? host : "", port)); });
}

/// gearman_{client,worker}_add_servers: INVALID_ARGUMENT without an object or a list.
template <class Impl>
gearman_return_t add_servers(Impl* x, const char* servers) {
  if (x == nullptr || servers == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(x, nullptr, [&] { return x->result_from_cpp(x->cpp.add_servers(servers)); });
}

}  // namespace gearspec::compat
