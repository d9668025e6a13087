// Handle number -> job reference. Numbers are handed out in sequence, so the
// live ones sit in a sliding window [base, base + size) stored as a plain
// deque of 4-byte references: no hashing, no rehash, and a new number lands
// next to the previous one in memory. Finished jobs leave holes that are
// dropped once they reach the front. A job that stays while many later ones
// finish would pin the window open, so when holes outnumber live entries (by
// more than 1024) the oldest live entries move to a small hash map (each
// number moves at most once): the window costs at most ~8 bytes per live job.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>

#include "job_arena.hpp"

namespace gearspec::mock::detail {

class number_map {
 public:
  // The numbers map to the arena's references, "none" included.
  using ref = job_arena::ref;
  static constexpr ref npos = job_arena::npos;

  /// The next number to add; numbers start at 1.
  std::uint64_t next() const noexcept { return base_ + window_.size(); }

  /// Map next() to `r` and advance next().
  void push(ref r) {
    window_.push_back(r);
    ++live_in_window_;
  }

  ref find(std::uint64_t number) const {
    if (number >= base_) {
      const std::uint64_t i = number - base_;
      return i < window_.size() ? window_[static_cast<std::size_t>(i)] : npos;
    }
    const auto it = moved_.find(number);
    return it == moved_.end() ? npos : it->second;
  }

  /// Forget a number (it must be mapped).
  void erase(std::uint64_t number) {
    if (number < base_) {
      moved_.erase(number);
      return;
    }
    window_[static_cast<std::size_t>(number - base_)] = npos;
    --live_in_window_;
    trim();
  }

  std::size_t window() const noexcept { return window_.size(); }
  std::size_t moved() const noexcept { return moved_.size(); }

  /// Calls f(number, ref) for every mapped number, in increasing order of
  /// number within the window (moved entries first, unordered).
  template <class F>
  void for_each(F f) const {
    for (const auto& [n, r] : moved_) f(n, r);
    for (std::size_t i = 0; i < window_.size(); ++i)
      if (window_[i] != npos) f(base_ + i, window_[i]);
  }

 private:
  void trim() {
    while (!window_.empty()) {
      if (window_.front() != npos) {
        if (window_.size() <= 2 * live_in_window_ + 1024) return;
        moved_.emplace(base_, window_.front());
        --live_in_window_;
      }
      window_.pop_front();
      ++base_;
    }
  }

  std::deque<ref> window_;
  std::uint64_t base_ = 1;  // number of window_.front()
  std::size_t live_in_window_ = 0;
  std::unordered_map<std::uint64_t, ref> moved_;
};

}  // namespace gearspec::mock::detail
