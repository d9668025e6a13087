// NUL search for short fields (private header of the codec).
#pragma once

#include <cstddef>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gearspec::proto::detail {

// Offset of the first NUL in [p, p + n), or n. Never reads outside the range.
// Arguments are short (function names, uniques, handles), where a call to
// memchr costs more than the search: 16-byte SSE2 steps, memchr for the tail.
inline std::size_t find_nul(const char* p, std::size_t n) noexcept {
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero)));
    if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
  }
#endif
  const void* hit = i < n ? std::memchr(p + i, '\0', n - i) : nullptr;
  return hit == nullptr ? n : static_cast<std::size_t>(static_cast<const char*>(hit) - p);
}

}  // namespace gearspec::proto::detail
