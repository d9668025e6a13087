// The C API's objects (gearman_client_st, gearman_worker_st) are shells
// laid out as libgearman's: the caller may own the memory (stack) or ask the
// library to allocate it; the implementation hangs off `_impl`.
#pragma once

#include <memory>

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

}  // namespace gearspec::compat
