// A session's output: encoded packets not yet written, on malloc/realloc.
//
// Why not std::string: a 100k-job batch is ~13 MB. std::string grows by
// allocate-copy-free, which on this kind of machine costs more in page faults
// than encoding the jobs; realloc of a large (mmapped) block moves pages
// instead of copying them, and nothing is zero-filled before it is written.
//
// Offsets are absolute (bytes appended since the buffer was made), so a
// session can tell when the last byte of a request has been written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <system_error>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/error.hpp"

namespace gearspec::client::detail {

class output_buffer {
 public:
  output_buffer() = default;
  ~output_buffer() { std::free(data_); }
  output_buffer(const output_buffer&) = delete;
  output_buffer& operator=(const output_buffer&) = delete;

  /// Bytes to write next.
  std::string_view pending() const noexcept { return {data_ + pos_, size_ - pos_}; }
  /// Absolute offset just past the last byte written.
  std::uint64_t written() const noexcept { return base_ + pos_; }
  /// Absolute offset just past the last byte appended.
  std::uint64_t end() const noexcept { return base_ + size_; }

  /// Append one packet (proto::encode_into). On error nothing is appended; a
  /// body above the encodable size is refused before anything is allocated.
  /// Throws std::bad_alloc.
  std::error_code append(proto::magic m, proto::command cmd, const std::string_view* args, std::size_t argc,
                         std::string_view data = {}) {
    const std::uint64_t body = proto::body_size(cmd, args, argc, data);
    if (body > proto::max_encodable_body) return proto::errc::body_too_large;
    const std::size_t old_size = size_;
    const std::size_t n = proto::header_size + static_cast<std::size_t>(body);
    if (n > capacity_ - size_) reserve_for(n);
    size_ += n;
    const std::error_code ec = proto::encode_into(data_ + old_size, m, cmd, args, argc, data);
    if (ec) size_ = old_size;
    return ec;
  }
  /// `n` bytes of pending() were written (more counts as all of them).
  void consume(std::size_t n) noexcept {
    pos_ += n < size_ - pos_ ? n : size_ - pos_;
    if (pos_ == size_) drop();
  }
  /// Forget every byte not yet written; the capacity is kept for the next batch.
  void drop() noexcept {
    base_ += size_;
    size_ = pos_ = 0;
  }
  /// Remove `n` unwritten bytes from absolute offset `begin` on.
  void erase(std::uint64_t begin, std::size_t n) noexcept {
    const auto pos = static_cast<std::size_t>(begin - base_);
    std::memmove(data_ + pos, data_ + pos + n, size_ - pos - n);
    size_ -= n;
  }
  /// Drop what was appended from absolute offset `end` on.
  void truncate(std::uint64_t end) noexcept { size_ = static_cast<std::size_t>(end - base_); }

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
  std::size_t pos_ = 0;  // written: [0, pos_)
  std::size_t capacity_ = 0;
  std::uint64_t base_ = 0;  // absolute offset of data_[0]
};

}  // namespace gearspec::client::detail
