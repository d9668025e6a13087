// The 12-byte binary header field by field (WIRE.md 1.1): the one place that
// reads and writes its big-endian numbers. Header-only so a hot loop (the
// decoder, the header baseline fuzz target) pays no call.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "gearspec/protocol/packet.hpp"

namespace gearspec::proto {

/// Big-endian 32-bit number at `p` (4 bytes).
constexpr std::uint32_t load_be32(const char* p) noexcept {
  const auto byte = [p](int i) { return std::uint32_t{static_cast<unsigned char>(p[i])}; };
  return (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
}

/// Write `v` big-endian into 4 bytes at `p`.
constexpr void store_be32(char* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
}

/// The three fields of a binary header as sent: any magic bytes, any command
/// number, any size. Validation is the decoder's.
struct raw_header {
  std::string_view magic4;
  std::uint32_t command = 0;
  std::uint32_t body_length = 0;
};

/// Read the first 12 bytes of `bytes`; nullopt when there are fewer.
constexpr std::optional<raw_header> read_raw_header(std::string_view bytes) noexcept {
  if (bytes.size() < header_size) return std::nullopt;
  return raw_header{bytes.substr(0, 4), load_be32(bytes.data() + 4), load_be32(bytes.data() + 8)};
}

/// Offsets of the two numeric fields, for writers that patch a header in place.
inline constexpr std::size_t command_offset = 4;
inline constexpr std::size_t body_length_offset = 8;

}  // namespace gearspec::proto
