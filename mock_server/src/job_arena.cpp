#include "job_arena.hpp"

#include <cstdlib>
#include <cstring>

namespace gearspec::mock::detail {

job_arena::~job_arena() {
  for (char* c : chunks_) std::free(c);
}

job_arena::ref job_arena::new_chunk(std::size_t bytes) noexcept {
  std::uint32_t number;
  if (!free_numbers_.empty()) {
    number = free_numbers_.back();
  } else {
    if (chunks_.size() >= max_chunks) return npos;
    number = static_cast<std::uint32_t>(chunks_.size());
  }
  // malloc aligns to at least 16 bytes; 8-byte units need no more.
  char* mem = static_cast<char*>(std::malloc(bytes));
  if (mem == nullptr) return npos;
  if (number == chunks_.size()) {
    try {
      // release() must not allocate: room for every chunk number up front.
      if (free_numbers_.capacity() <= chunks_.size()) free_numbers_.reserve(2 * chunks_.size() + 16);
      chunks_.push_back(mem);
    } catch (...) {
      std::free(mem);
      return npos;
    }
  } else {
    free_numbers_.pop_back();
    chunks_[number] = mem;
  }
  reserved_ += bytes;
  return number << offset_bits;
}

job_arena::ref job_arena::allocate(std::size_t bytes) noexcept {
  if (bytes > small_limit) return new_chunk(bytes);
  const std::size_t units = units_for(bytes == 0 ? 1 : bytes);
  if (ref head = free_[units]; head != npos) {
    std::memcpy(&free_[units], get(head), sizeof(ref));  // the free block holds the next one
    return head;
  }
  if (carve_left_ < units) {
    // The tail of the old chunk goes to the free list of its size.
    if (carve_left_ > 0) release(carve_, carve_left_ * unit);
    const ref c = new_chunk(chunk_units * unit);
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
