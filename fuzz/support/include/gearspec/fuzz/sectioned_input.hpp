// The input layout of the session targets: byte 0 gives the length L of an
// option section (bytes 1..L), the rest is a byte stream for the session.
// A variable option section keeps task batches and routing tables beside
// the stream, where the structure-aware mutator leaves them alone.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gearspec/fuzz/byte_reader.hpp"

namespace gearspec::fuzz {

/// Bytes taken by byte 0 and the option section (the mutator's prefix).
inline std::size_t option_section_size(const std::uint8_t* data, std::size_t size) noexcept {
  return size == 0 ? 0 : std::min<std::size_t>(1 + data[0], size);
}

struct sectioned_input {
  byte_reader options;
  std::string_view stream;  ///< capped at max_stream bytes
};

inline sectioned_input split_sections(const std::uint8_t* data, std::size_t size,
                                      std::size_t max_stream) noexcept {
  const std::size_t prefix = option_section_size(data, size);
  const std::size_t skip = std::min<std::size_t>(prefix, 1);
  return {
      byte_reader{data + skip, prefix - skip},
      std::string_view{reinterpret_cast<const char*>(data) + prefix, std::min(size - prefix, max_stream)}};
}

}  // namespace gearspec::fuzz
