// A growable byte buffer on malloc/realloc, for the session's output.
//
// Why not std::string: a 100k-job batch is ~13 MB. std::string grows by
// allocate-copy-free, which on this kind of machine costs more in page faults
// than encoding the jobs; realloc of a large (mmapped) block moves pages
// instead of copying them, and nothing is zero-filled before it is written.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace gearspec::client::detail {

class byte_buffer {
 public:
  byte_buffer() = default;
  ~byte_buffer() { std::free(data_); }
  byte_buffer(const byte_buffer&) = delete;
  byte_buffer& operator=(const byte_buffer&) = delete;

  const char* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }

  /// Grow by `n` bytes and return where they start (uninitialised; the
  /// caller writes them). Throws std::bad_alloc.
  char* extend(std::size_t n) {
    if (n > capacity_ - size_) reserve_for(n);
    char* start = data_ + size_;
    size_ += n;
    return start;
  }
  /// Drop everything from `new_size` on (new_size <= size()).
  void truncate(std::size_t new_size) noexcept { size_ = new_size; }
  /// Remove [pos, pos + n).
  void erase(std::size_t pos, std::size_t n) noexcept {
    std::memmove(data_ + pos, data_ + pos + n, size_ - pos - n);
    size_ -= n;
  }
  /// Empty; the capacity is kept for the next batch.
  void clear() noexcept { size_ = 0; }

 private:
  void reserve_for(std::size_t n) {
    std::size_t capacity = capacity_ < 4096 ? 4096 : capacity_ * 2;
    while (capacity - size_ < n) capacity *= 2;
    void* grown = std::realloc(data_, capacity);
    if (grown == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(grown);
    capacity_ = capacity;
  }

  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace gearspec::client::detail
