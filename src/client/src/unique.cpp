#include "gearspec/client/unique.hpp"

#include <uuid/uuid.h>

#include <charconv>
#include <cstring>

namespace gearspec::client {
namespace {

std::uint32_t rotl32(std::uint32_t x, int r) noexcept { return (x << r) | (x >> (32 - r)); }

std::uint32_t load_le32(const unsigned char* p) noexcept {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

// A 4-byte block (or the tail) scrambled into the hash state.
std::uint32_t mix_block(std::uint32_t h, std::uint32_t k) noexcept {
  k *= 0xcc9e2d51u;
  k = rotl32(k, 15);
  k *= 0x1b873593u;
  return h ^ k;
}

std::uint32_t final_mix(std::uint32_t h) noexcept {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

}  // namespace

void unique_value::assign(std::string_view value) noexcept {
  const std::size_t n = value.size() < max_unique_size ? value.size() : max_unique_size;
  if (n != 0) std::memcpy(bytes_.data(), value.data(), n);
  bytes_[n] = '\0';
  size_ = static_cast<std::uint8_t>(n);
}

std::uint32_t murmur3_x86_32(const void* data, std::size_t size, std::uint32_t seed) noexcept {
  const auto* bytes = static_cast<const unsigned char*>(data);
  const std::size_t blocks = size / 4;
  std::uint32_t h = seed;
  for (std::size_t i = 0; i < blocks; ++i) {
    h = rotl32(mix_block(h, load_le32(bytes + 4 * i)), 13);
    h = h * 5 + 0xe6546b64u;
  }
  const unsigned char* tail = bytes + 4 * blocks;
  std::uint32_t k = 0;
  switch (size & 3u) {
    case 3:
      k ^= std::uint32_t{tail[2]} << 16;
      [[fallthrough]];
    case 2:
      k ^= std::uint32_t{tail[1]} << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      h = mix_block(h, k);
      break;
    default:
      break;
  }
  h ^= static_cast<std::uint32_t>(size);
  return final_mix(h);
}

std::uint32_t workload_hash(std::string_view workload) noexcept {
  const auto seed = static_cast<std::uint32_t>(0xdeadbeefu * static_cast<std::uint32_t>(workload.size()));
  return murmur3_x86_32(workload.data(), workload.size(), seed);
}

void generate_uuid(char (&out)[uuid_size]) noexcept {
  uuid_t raw;
  uuid_generate_random(raw);  // version 4 from the system's random source
  char text[uuid_size + 1];
  uuid_unparse_lower(raw, text);
  std::memcpy(out, text, uuid_size);
}

unique_rule assign_unique(std::string_view caller, std::string_view workload, unique_value& out) noexcept {
  if (caller.empty()) {
    char uuid[uuid_size];
    generate_uuid(uuid);
    out.assign({uuid, uuid_size});
    return unique_rule::generated_uuid;
  }
  if (caller == "#") {
    char text[16];
    const char* end = std::to_chars(text, text + sizeof text, workload_hash(workload)).ptr;
    out.assign({text, static_cast<std::size_t>(end - text)});
    return unique_rule::workload_hash;
  }
  out.assign(caller);
  return caller == "-" ? unique_rule::dash : unique_rule::caller;
}

}  // namespace gearspec::client
