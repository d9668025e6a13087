// Cuts a byte stream into fuzzer-chosen chunk sizes, the way a socket might
// deliver it. Shared by every target that feeds bytes in pieces.
//   mode 0: one byte at a time
//   mode 1: fixed chunks of (param >> 8) + 1 bytes
//   mode 2: pseudo-random sizes 1..64 (xorshift32 seeded by param)
//   mode 3: one split at param % total, then the rest
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace gearspec::fuzz {

class chunker {
 public:
  chunker(std::uint8_t mode, std::uint16_t param, std::size_t total) noexcept
      : mode_(mode & 3),
        param_(param),
        left_(total),
        state_(param | 1u),
        cut_(mode_ == 3 && total != 0 ? param % total : 0) {}

  /// Next chunk size; 0 once the stream is used up.
  std::size_t next() noexcept {
    std::size_t step = left_;
    switch (mode_) {
      case 0:
        step = 1;
        break;
      case 1:
        step = (param_ >> 8) + 1u;
        break;
      case 2:
        state_ ^= state_ << 13, state_ ^= state_ >> 17, state_ ^= state_ << 5;
        step = 1 + state_ % 64;
        break;
      default:
        if (cut_ > 0) step = std::exchange(cut_, 0);
        break;
    }
    step = std::min(step, left_);
    left_ -= step;
    return step;
  }

 private:
  std::uint8_t mode_;
  std::uint16_t param_;
  std::size_t left_;
  std::uint32_t state_;
  std::size_t cut_;
};

}  // namespace gearspec::fuzz
