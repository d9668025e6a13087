// Counts heap allocations (every form of global operator new) while an
// allocation_scope is alive: the proof that a hot path does not allocate,
// or that a size field does not make the codec allocate what it declares.
//
// Linking this replaces the global operator new/delete of the executable
// (malloc/free underneath, so sanitizers still see every block). Tests link
// gearspec::allocation_counter; benchmarks compile src/allocation_counter.cpp.
#pragma once

#include <cstddef>

namespace gearspec::test {

struct allocation_stats {
  std::size_t count = 0;    ///< operator new calls
  std::size_t bytes = 0;    ///< bytes requested in total
  std::size_t largest = 0;  ///< largest single request
};

/// Counts allocations on every thread from construction to destruction.
/// Scopes do not nest: the newest one counts alone.
class allocation_scope {
 public:
  allocation_scope() noexcept;
  ~allocation_scope();
  allocation_scope(const allocation_scope&) = delete;
  allocation_scope& operator=(const allocation_scope&) = delete;

  /// What was allocated since construction.
  allocation_stats stats() const noexcept;
};

}  // namespace gearspec::test
