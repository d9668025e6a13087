#include "job_arena.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace gearspec::mock::detail {

namespace {
/// `bytes` of zeroed memory aligned to `bytes` (a power of two), or null.
/// `big`: back it with huge pages, faulted in at once. Small stores don't:
/// the first touch of a huge-page region makes all 2 MiB resident.
void* map_aligned(std::size_t bytes, bool big) noexcept {
  const std::size_t len = 2 * bytes;
  void* raw = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const auto aligned = (start + bytes - 1) & ~(std::uintptr_t{bytes} - 1);
  const std::size_t head = aligned - start;
  if (head) ::munmap(raw, head);
  if (len - head - bytes) ::munmap(reinterpret_cast<void*>(aligned + bytes), len - head - bytes);
  if (!big) return reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // a hint; fine if refused
#endif
#ifdef MADV_POPULATE_WRITE
  // One call faults the whole slab in: far cheaper than a fault per 4 KiB page.
  ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_POPULATE_WRITE);
#endif
  return reinterpret_cast<void*>(aligned);
}
}  // namespace

job_arena::~job_arena() {
  for (std::size_t i = 0; i < chunks_.size(); ++i)
    if (large_[i]) std::free(chunks_[i]);
  for (void* s : slabs_) ::munmap(s, slab_bytes);
}

char* job_arena::small_chunk() noexcept {
  if (slab_left_ == 0) {
    // Small stores grow page by page; from 8 MiB on, whole huge-page slabs at once.
    void* slab = map_aligned(slab_bytes, slabs_.size() >= 4);
    if (slab == nullptr) return nullptr;
    try {
      slabs_.push_back(slab);
    } catch (...) {
      ::munmap(slab, slab_bytes);
      return nullptr;
    }
    reserved_ += slab_bytes;
    slab_next_ = static_cast<char*>(slab);
    slab_left_ = slab_bytes;
  }
  char* c = slab_next_;
  slab_next_ += chunk_bytes;
  slab_left_ -= chunk_bytes;
  return c;
}

job_arena::ref job_arena::new_chunk(std::size_t bytes, bool large) noexcept {
  const bool fresh = free_numbers_.empty();  // a new chunk number, not a released one
  if (fresh && chunks_.size() >= max_chunks) return npos;
  const auto number = fresh ? static_cast<std::uint32_t>(chunks_.size()) : free_numbers_.back();
  if (fresh && chunks_.size() == chunks_.capacity()) {
    try {
      // release() must not allocate: room for every chunk number up front.
      const std::size_t room = 2 * chunks_.size() + 16;
      free_numbers_.reserve(room);
      chunks_.reserve(room);
      large_.reserve(room);
    } catch (...) {
      return npos;
    }
  }
  // malloc aligns to at least 16 bytes, slabs to 2 MiB; 8-byte units need no more.
  char* mem = large ? static_cast<char*>(std::malloc(bytes)) : small_chunk();
  if (mem == nullptr) return npos;
  if (fresh) {
    chunks_.push_back(mem);
    large_.push_back(large);
  } else {
    free_numbers_.pop_back();
    chunks_[number] = mem;
    large_[number] = large;
  }
  if (large) reserved_ += bytes;
  return number << offset_bits;
}

job_arena::ref job_arena::allocate(std::size_t bytes) noexcept {
  if (bytes > small_limit) return new_chunk(bytes, true);
  const std::size_t units = units_for(bytes == 0 ? 1 : bytes);
  if (ref head = free_[units]; head != npos) {
    std::memcpy(&free_[units], get(head), sizeof(ref));  // the free block holds the next one
    return head;
  }
  if (carve_left_ < units) {
    // The tail of the old chunk goes to the free list of its size.
    if (carve_left_ > 0) release(carve_, carve_left_ * unit);
    const ref c = new_chunk(chunk_bytes, false);
    if (c == npos) return npos;
    carve_ = c;
    carve_left_ = chunk_units;
  }
  const ref r = carve_;
  carve_ += static_cast<ref>(units);
  carve_left_ -= units;
  return r;
}

void job_arena::release(ref r, std::size_t bytes) noexcept {
  if (bytes > small_limit) {
    const auto number = r >> offset_bits;
    reserved_ -= bytes;
    std::free(chunks_[number]);
    chunks_[number] = nullptr;
    free_numbers_.push_back(number);
    return;
  }
  const std::size_t units = units_for(bytes == 0 ? 1 : bytes);
  std::memcpy(get(r), &free_[units], sizeof(ref));
  free_[units] = r;
}

}  // namespace gearspec::mock::detail
