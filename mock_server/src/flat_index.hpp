// An open-addressing hash index from a 32-bit hash to a 32-bit slot number,
// with linear probing and backward-shift deletion: 8 bytes per entry, no
// allocation per insert. Keys live elsewhere (in the job records); the caller
// supplies the equality test.
//
// sharded_index splits one index into 256 flat_index tables chosen by the
// top 8 hash bits. Each grows on its own, so a growth step rehashes 1/256 of
// the entries (a few microseconds at millions of jobs, never a long stall)
// and old and new tables coexist only for that shard.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace gearspec::mock::detail {

class flat_index {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  /// The slot whose key equals (per `same(slot)`) among those with hash `h`.
  template <class Same>
  std::uint32_t find(std::uint32_t h, Same same) const {
    if (entries_.empty()) return npos;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const auto& e = entries_[i];
      if (e.slot == npos) return npos;
      if (e.hash == h && same(e.slot)) return e.slot;
    }
  }

  /// Add (h -> slot); the caller made sure the key is not present.
  void insert(std::uint32_t h, std::uint32_t slot) {
    if ((size_ + 1) * 5 > entries_.size() * 4) grow();  // load <= 4/5: ~2 cache lines per miss
    place(h, slot);
    ++size_;
  }

  /// Remove the entry (h -> slot) if present.
  void erase(std::uint32_t h, std::uint32_t slot) {
    if (entries_.empty()) return;
    std::size_t i = h & mask_;
    for (; entries_[i].slot != slot; i = (i + 1) & mask_)
      if (entries_[i].slot == npos) return;
    // Backward shift: pull later entries of the probe run into the hole.
    for (std::size_t j = (i + 1) & mask_;; j = (j + 1) & mask_) {
      if (entries_[j].slot == npos) break;
      const std::size_t home = entries_[j].hash & mask_;
      const bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (between) continue;  // it may stay: its home lies after the hole
      entries_[i] = entries_[j];
      i = j;
    }
    entries_[i].slot = npos;
    --size_;
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return entries_.size(); }

 private:
  struct entry {
    std::uint32_t hash = 0;
    std::uint32_t slot = npos;
  };

  void place(std::uint32_t h, std::uint32_t slot) {
    std::size_t i = h & mask_;
    while (entries_[i].slot != npos) i = (i + 1) & mask_;
    entries_[i] = {h, slot};
  }

  void grow() {
    std::vector<entry> old;
    old.swap(entries_);
    entries_.assign(old.empty() ? 16 : old.size() * 2, entry{});
    mask_ = entries_.size() - 1;
    for (const auto& e : old)
      if (e.slot != npos) place(e.hash, e.slot);
  }

  std::vector<entry> entries_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

class sharded_index {
 public:
  template <class Same>
  std::uint32_t find(std::uint32_t h, Same same) const {
    return shards_[h >> 24].find(h, same);
  }
  void insert(std::uint32_t h, std::uint32_t slot) { shards_[h >> 24].insert(h, slot); }
  void erase(std::uint32_t h, std::uint32_t slot) { shards_[h >> 24].erase(h, slot); }

  /// Entries allocated over all shards (memory = 8 bytes each).
  std::size_t capacity() const noexcept {
    std::size_t n = 0;
    for (const auto& s : shards_) n += s.capacity();
    return n;
  }

 private:
  std::array<flat_index, 256> shards_;
};

}  // namespace gearspec::mock::detail
