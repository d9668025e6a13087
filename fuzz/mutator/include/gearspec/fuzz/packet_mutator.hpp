// Structure-aware mutation of Gearman packet streams, in the manner of NSS's
// TLS record mutators: drop, duplicate, shuffle, truncate and fragment whole
// packets, fix or break size fields, swap command numbers from the command
// table, rewrite one argument, insert a fresh valid packet. Used by the
// libFuzzer hooks (libfuzzer_hooks.hpp) and by the black-box client fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace gearspec::fuzz {

/// A byte-level mutator with libFuzzer's LLVMFuzzerMutate contract: mutate
/// data[0, size) in place, never beyond max_size, return the new size.
using byte_mutator = std::function<std::size_t(std::uint8_t* data, std::size_t size, std::size_t max_size)>;

/// A small byte-level mutator (bit flip, byte set, insert, erase, interesting
/// 32-bit values) for use outside libFuzzer, e.g. in the black-box mode.
std::size_t simple_byte_mutate(std::uint8_t* data, std::size_t size, std::size_t max_size,
                               std::minstd_rand& rng);

/// The structural operations, one of which is applied per mutation.
enum class stream_operation : std::uint8_t {
  drop,
  duplicate,
  swap,
  shuffle,
  truncate,
  fragment,
  fix_size,
  break_size,
  swap_command,
  swap_magic,
  mutate_argument,
  insert_packet,
  mutate_frame_bytes,
};
inline constexpr std::size_t stream_operation_count = 13;

class packet_mutator {
 public:
  /// `fallback` is libFuzzer's own mutator inside a fuzzer, simple_byte_mutate elsewhere.
  packet_mutator(unsigned seed, byte_mutator fallback);
  packet_mutator(const packet_mutator&) = delete;  // the default fallback refers to this object
  packet_mutator& operator=(const packet_mutator&) = delete;

  /// Apply one structural operation to `frames` (as split_stream gives them),
  /// keeping the joined size within max_size. Returns the operation used.
  stream_operation mutate_frames(std::vector<std::string>& frames, std::size_t max_size);

  /// Mutate the stream in data[prefix, size): the first `prefix` bytes are
  /// option bytes of the fuzz target and get the fallback mutator sometimes.
  /// Half the time the whole input goes to the fallback mutator instead.
  std::size_t mutate(std::uint8_t* data, std::size_t size, std::size_t max_size, std::size_t prefix);

  /// Cross two streams at frame granularity: A's option prefix (a_prefix
  /// bytes), then a prefix of A's frames, then a suffix of B's frames (after
  /// B's b_prefix option bytes), or the two interleaved frame by frame.
  std::size_t cross_over(const std::uint8_t* a, std::size_t a_size, std::size_t a_prefix,
                         const std::uint8_t* b, std::size_t b_size, std::size_t b_prefix, std::uint8_t* out,
                         std::size_t max_out);

  std::minstd_rand& rng() noexcept { return rng_; }

 private:
  std::size_t pick(std::size_t bound) {
    return bound == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng_);
  }
  bool mutate_argument(std::string& frame, std::size_t room);
  std::string fresh_packet(std::size_t room);
  void mutate_bytes(std::string& frame, std::size_t room);

  std::minstd_rand rng_;
  byte_mutator fallback_;
};

}  // namespace gearspec::fuzz
