// Sizes and constants of the Gearman protocol (WIRE.md section 10), for the
// layers above the framing: the decoder only enforces its configurable
// decoder_limits, because gearmand answers an oversize unique with an ERROR
// packet and keeps the stream, so these are per-field rules, not framing rules.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gearspec::proto {

/// GEARMAN_DEFAULT_TCP_PORT.
inline constexpr std::uint16_t default_port = 4730;

/// GEARMAN_MAX_UNIQUE_SIZE: a client refuses a longer unique and cuts a
/// 64-byte one to 63; gearmand answers ERROR ARGUMENT_TOO_LARGE above 64.
inline constexpr std::size_t max_unique_size = 64;

/// GEARMAN_MAX_UUID_SIZE: length of a generated unique.
inline constexpr std::size_t uuid_size = 36;

/// GEARMAN_FUNCTION_MAX_SIZE: enforced by libgearman only; gearmand accepts
/// longer and empty function names.
inline constexpr std::size_t max_function_size = 512;

/// GEARMAN_JOB_HANDLE_SIZE is a 64-byte buffer, so a handle holds at most 63
/// characters; libgearman keeps the first 63 of a longer one.
inline constexpr std::size_t job_handle_buffer_size = 64;
inline constexpr std::size_t max_job_handle_length = job_handle_buffer_size - 1;

/// GEARMAN_MAX_IDENTIFIER: longest SET_CLIENT_ID value libgearman sends.
inline constexpr std::size_t max_client_id_size = 254;

/// GEARMAN_OPTION_SIZE: an option name must be shorter than this.
inline constexpr std::size_t option_buffer_size = 64;

/// GEARMAN_RECV_BUFFER_SIZE (gearmand's too): the practical bound of one
/// NUL-terminated argument or one admin text line.
inline constexpr std::size_t receive_buffer_size = 8192;

/// GEARMAN_MAXIMUM_INTEGER_DISPLAY_LENGTH: digits of a numeric text field.
inline constexpr std::size_t max_integer_digits = 20;

}  // namespace gearspec::proto
