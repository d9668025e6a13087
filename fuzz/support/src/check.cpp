#include "gearspec/fuzz/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace gearspec::fuzz {

void invariant_failed(const char* file, int line, const char* what) noexcept {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line, what);
  std::fflush(stderr);
  std::abort();
}

}  // namespace gearspec::fuzz
