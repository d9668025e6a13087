// Memory for job records, addressed by 32-bit references so that every index
// entry and queue link is 4 bytes instead of an 8-byte pointer.
//
// Small blocks (up to small_limit bytes) are carved from 128 KiB chunks in
// 8-byte units, with no per-block header, and freed blocks go to a free list
// per size; a larger block gets a chunk of its own, returned to the system
// when freed. A reference is (chunk number << 14) | unit offset, so the arena
// addresses at most 2^18 chunks; allocate() reports exhaustion with npos.
// Small chunks come 16 at a time from 2 MiB-aligned slabs. From the fifth
// slab (8 MiB) on, slabs are backed by transparent huge pages and faulted in
// at once: filling millions of jobs then costs one page fault per 2 MiB
// instead of one per 4 KiB, and far fewer TLB misses; smaller stores grow page
// by page so their RSS stays tight. Slabs are kept for reuse until the arena
// goes, never returned (like gearmand's own job pools).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gearspec::mock::detail {

class job_arena {
 public:
  using ref = std::uint32_t;
  static constexpr ref npos = 0xFFFFFFFFu;
  static constexpr std::size_t unit = 8;
  static constexpr unsigned offset_bits = 14;
  static constexpr std::size_t chunk_units = std::size_t{1} << offset_bits;  // 128 KiB chunks
  static constexpr std::size_t max_chunks = std::size_t{1} << (32 - offset_bits);
  static constexpr std::size_t small_limit = 2048;

  job_arena() noexcept { free_.fill(npos); }
  job_arena(const job_arena&) = delete;
  job_arena& operator=(const job_arena&) = delete;
  ~job_arena();

  /// A block of at least `bytes` bytes, 8-byte aligned, or npos when the
  /// reference space (or the system) is exhausted.
  ref allocate(std::size_t bytes) noexcept;
  /// Give back a block; `bytes` is the size it was allocated with.
  void release(ref r, std::size_t bytes) noexcept;

  void* get(ref r) const noexcept {
    return chunks_[r >> offset_bits] + std::size_t{r & (chunk_units - 1)} * unit;
  }

  /// Bytes taken from the system (chunks, small and large).
  std::size_t reserved_bytes() const noexcept { return reserved_; }

 private:
  static std::size_t units_for(std::size_t bytes) noexcept { return (bytes + unit - 1) / unit; }
  ref new_chunk(std::size_t bytes, bool large) noexcept;
  char* small_chunk() noexcept;

  static constexpr std::size_t chunk_bytes = chunk_units * unit;
  static constexpr std::size_t slab_bytes = std::size_t{2} << 20;

  std::vector<char*> chunks_;                // by chunk number; null = number free for reuse
  std::vector<std::uint32_t> free_numbers_;  // chunk numbers of released large blocks
  std::vector<bool> large_;                  // by chunk number: a malloc'd large block
  std::vector<void*> slabs_;
  char* slab_next_ = nullptr;                       // next unused small chunk in the newest slab
  std::size_t slab_left_ = 0;                       // bytes left there
  std::array<ref, small_limit / unit + 1> free_{};  // free-list heads by size in units
  ref carve_ = npos;                                // next free unit in the current small chunk
  std::size_t carve_left_ = 0;                      // units left there
  std::size_t reserved_ = 0;
};

}  // namespace gearspec::mock::detail
