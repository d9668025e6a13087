// Define libFuzzer's custom mutator and crossover hooks for a target whose
// input is `prefix` option bytes followed by a Gearman packet stream:
//
//   GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(4)   // at namespace scope, once
//
// Expands to nothing in the replay executables (GEARSPEC_FUZZ_ENGINE unset),
// which never mutate. Set GEARSPEC_FUZZ_PLAIN_MUTATOR=1 in the environment to
// disable the structural mutations for a run (used to measure their value).
#pragma once

#if defined(GEARSPEC_FUZZ_ENGINE)
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

#define GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(prefix_bytes)                                                   \
  extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size, \
                                                 unsigned int seed) {                                        \
    if (::gearspec::fuzz::detail::plain_mutator_requested()) return LLVMFuzzerMutate(data, size, max_size); \
    ::gearspec::fuzz::packet_mutator m{seed, LLVMFuzzerMutate};                                              \
    return m.mutate(data, size, max_size, (prefix_bytes));                                                   \
  }                                                                                                          \
  extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t* a, std::size_t a_size,               \
                                                   const std::uint8_t* b, std::size_t b_size,               \
                                                   std::uint8_t* out, std::size_t max_out, unsigned int seed) { \
    if (::gearspec::fuzz::detail::plain_mutator_requested()) return 0;                                       \
    ::gearspec::fuzz::packet_mutator m{seed, LLVMFuzzerMutate};                                              \
    return m.cross_over(a, a_size, b, b_size, out, max_out, (prefix_bytes));                                 \
  }
#else
#define GEARSPEC_FUZZ_PACKET_STREAM_MUTATOR(prefix_bytes)
#endif
