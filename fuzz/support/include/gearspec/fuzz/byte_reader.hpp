// Reads option bytes from the front of a fuzz input. Every read is defined
// on a short input (missing bytes read as 0), so a target never rejects an
// input for being too short and every prefix of an input is a valid input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gearspec::fuzz {

class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) noexcept
      : rest_(reinterpret_cast<const char*>(data), size) {}
  explicit byte_reader(std::string_view bytes) noexcept : rest_(bytes) {}

  /// One byte, 0 when the input is used up.
  std::uint8_t byte() noexcept {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }

  /// Big-endian 16-bit value from two bytes.
  std::uint16_t u16() noexcept {
    const std::uint16_t hi = byte();
    return static_cast<std::uint16_t>((hi << 8) | byte());
  }

  /// A value in [0, bound) (bound > 0) from one byte; not uniform, does not need to be.
  std::size_t below(std::size_t bound) noexcept { return byte() % bound; }

  /// Up to `n` bytes.
  std::string_view bytes(std::size_t n) noexcept {
    const std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(out.size());
    return out;
  }

  /// A length-prefixed byte string: one length byte, then up to that many bytes.
  std::string_view short_string() noexcept { return bytes(byte()); }

  /// Everything not read yet.
  std::string_view rest() const noexcept { return rest_; }
  bool empty() const noexcept { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace gearspec::fuzz
