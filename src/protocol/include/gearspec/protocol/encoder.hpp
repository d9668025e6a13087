// Encoder: packet -> bytes, exact layout of WIRE.md section 1.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>

#include "gearspec/protocol/packet.hpp"

namespace gearspec::proto {

/// Largest body the encoder produces: libgearman refuses >= UINT32_MAX.
inline constexpr std::uint64_t max_encodable_body = 0xFFFFFFFEull;

/// Body length that `args` + `data` would take for `cmd` (no validation).
std::uint64_t body_size(command cmd, const std::string_view* args, std::size_t argc,
                        std::string_view data) noexcept;

/// Check that (cmd, args, data) can be encoded: argc matches the table, no
/// NUL in a terminated argument, data only where the command has data, body
/// below 2^32-1. Returns the first violation.
std::error_code validate(command cmd, const std::string_view* args, std::size_t argc,
                         std::string_view data) noexcept;

/// Write one packet into `out`, which must have room for
/// header_size + body_size(cmd, args, argc, data) bytes. Validates first; on
/// error nothing is written. For callers that manage their own buffer (the
/// client's output buffer grows with realloc, so a 100k-job batch is not
/// copied at every doubling).
std::error_code encode_into(char* out, magic m, command cmd, const std::string_view* args, std::size_t argc,
                            std::string_view data = {}) noexcept;

/// Append one packet to `out`. On error `out` is left unchanged.
std::error_code encode_to(std::string& out, magic m, command cmd, const std::string_view* args,
                          std::size_t argc, std::string_view data = {});

inline std::error_code encode_to(std::string& out, magic m, command cmd,
                                 std::initializer_list<std::string_view> args, std::string_view data = {}) {
  return encode_to(out, m, cmd, args.begin(), args.size(), data);
}

std::error_code encode_to(std::string& out, const packet& p);

/// Encode one packet; throws std::system_error when it cannot be encoded.
/// Convenient in tests and scenario building where bad input is a bug.
std::string encode(const packet& p);
std::string encode(magic m, command cmd, std::initializer_list<std::string_view> args,
                   std::string_view data = {});

/// Write the 12-byte header (magic, command, body length; big-endian).
void write_header(char* out12, magic m, std::uint32_t cmd_number, std::uint32_t body_length) noexcept;

/// Append raw header bytes with arbitrary fields: for fault injection
/// (oversize size fields, unknown command numbers, wrong magic).
void append_raw_header(std::string& out, std::string_view magic4, std::uint32_t cmd_number,
                       std::uint32_t body_length);

}  // namespace gearspec::proto
