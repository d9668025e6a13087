// Define libFuzzer's custom mutator and crossover hooks for a target whose
// input is option bytes followed by a Gearman packet stream:
//
//   GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(4)   // at namespace scope, once
//
// The argument is the number of option bytes, or any expression of `data`
// and `size` (the input) that gives it, for targets whose first byte says
// how long their option section is.
//
// Expands to nothing in the replay executables (GEARSPEC_FUZZ_ENGINE unset),
// which never mutate. Set GEARSPEC_FUZZ_PLAIN_MUTATOR=1 in the environment to
// disable the structural mutations for a run (used to measure their value).
#pragma once

#if defined(GEARSPEC_FUZZ_ENGINE)
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "gearspec/fuzz/packet_mutator.hpp"

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace gearspec::fuzz::detail {
inline bool plain_mutator_requested() {
  static const bool plain = [] {
    const char* v = std::getenv("GEARSPEC_FUZZ_PLAIN_MUTATOR");
    return v != nullptr && v[0] == '1';
  }();
  return plain;
}
}  // namespace gearspec::fuzz::detail

#define GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(prefix_bytes)                                                    \
  extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size, \
                                                 unsigned int seed) {                                        \
    if (::gearspec::fuzz::detail::plain_mutator_requested()) return LLVMFuzzerMutate(data, size, max_size);  \
    ::gearspec::fuzz::packet_mutator m{seed, LLVMFuzzerMutate};                                              \
    const std::size_t prefix = (prefix_bytes);                                                               \
    return m.mutate(data, size, max_size, prefix < size ? prefix : size);                                    \
  }                                                                                                          \
  extern "C" std::size_t LLVMFuzzerCustomCrossOver(                                                          \
      const std::uint8_t* a, std::size_t a_size, const std::uint8_t* b, std::size_t b_size,                  \
      std::uint8_t* out, std::size_t max_out, unsigned int seed) {                                           \
    if (::gearspec::fuzz::detail::plain_mutator_requested()) return 0;                                       \
    ::gearspec::fuzz::packet_mutator m{seed, LLVMFuzzerMutate};                                              \
    const auto prefix_of = [](const std::uint8_t* data, std::size_t size) {                                  \
      (void)data;                                                                                            \
      return std::min<std::size_t>((prefix_bytes), size);                                                    \
    };                                                                                                       \
    const std::size_t a_prefix = prefix_of(a, a_size), b_prefix = prefix_of(b, b_size);                      \
    return m.cross_over(a, a_size, a_prefix, b, b_size, b_prefix, out, max_out);                             \
  }
#else
#define GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(prefix_bytes)
#endif
