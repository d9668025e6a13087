// Unique assignment for submitted jobs (SEMANTICS.md section 3).
//
//   caller's unique         unique sent
//   1..64 bytes             the same bytes (byte-exact, never cut)
//   empty                   a fresh RFC 4122 version-4 UUID (36 lowercase chars)
//   "#"                     decimal MurmurHash3_x86_32 of the workload, seed 0xdeadbeef * size
//   "-"                     "-" (gearmand coalesces by workload)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gearspec/protocol/limits.hpp"

namespace gearspec::client {

using proto::max_unique_size;
using proto::uuid_size;

/// Which rule of the table produced a unique.
enum class unique_rule : std::uint8_t {
  caller,          ///< the caller's bytes, unchanged
  generated_uuid,  ///< the caller gave none: a random (v4) UUID
  workload_hash,   ///< "#": MurmurHash3 of the workload
  dash,            ///< "-": passed through
};

/// A unique of at most 64 bytes stored inline (no allocation per task).
class unique_value {
 public:
  std::string_view view() const noexcept { return {bytes_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }
  /// NUL-terminated copy (for the C API's gearman_task_unique).
  const char* c_str() const noexcept { return bytes_.data(); }
  /// Precondition: value.size() <= max_unique_size.
  void assign(std::string_view value) noexcept;

 private:
  std::array<char, max_unique_size + 1> bytes_{};
  std::uint8_t size_ = 0;
};

/// MurmurHash3_x86_32 (Austin Appleby's public-domain algorithm).
std::uint32_t murmur3_x86_32(const void* data, std::size_t size, std::uint32_t seed) noexcept;

/// The '#' rule: MurmurHash3_x86_32(workload, seed 0xdeadbeef * size mod 2^32),
/// as libgearman computes it.
std::uint32_t workload_hash(std::string_view workload) noexcept;

/// Write a fresh random RFC 4122 version-4 UUID (libuuid uuid_generate_random)
/// as 36 lowercase characters into `out` (not terminated).
void generate_uuid(char (&out)[uuid_size]) noexcept;

/// Apply the table above. Precondition: caller.size() <= max_unique_size
/// (callers check the limit first and reject longer values).
unique_rule assign_unique(std::string_view caller, std::string_view workload, unique_value& out) noexcept;

}  // namespace gearspec::client
