// Protocol errors as std::error_code values (category "gearspec.protocol").
#pragma once

#include <string>
#include <system_error>

namespace gearspec::proto {

/// Every way the codec can refuse bytes or a packet. Values start at 1 so that
/// a default-constructed error_code means success.
enum class errc {
  /// The first four bytes of a binary header are neither "\0REQ" nor "\0RES".
  bad_magic = 1,
  /// A binary header carries command 0 (TEXT) or a number >= 43.
  invalid_command,
  /// The declared body length exceeds the decoder's max_body_size, or an
  /// encoded body would reach 2^32-1 bytes.
  body_too_large,
  /// A NUL-terminated argument is longer than max_argument_size.
  argument_too_large,
  /// A required NUL terminator is missing inside the declared body: the
  /// packet has fewer arguments than its command requires.
  missing_terminator,
  /// The last, unterminated argument contains a NUL: the packet has more
  /// arguments than its command allows.
  too_many_arguments,
  /// An admin text line exceeds max_text_line bytes without a newline.
  text_line_too_long,
  /// An admin text line has more than 5 tokens (gearmand closes on these).
  too_many_tokens,
  /// The encoder was given an argument containing NUL where a terminator is
  /// needed (every argument but the unterminated last one of a no-data command).
  nul_in_argument,
  /// The encoder was given a number of arguments other than the command's argc.
  wrong_argument_count,
  /// The encoder was given DATA for a command that has no data part.
  data_not_allowed,
  /// The encoder was asked to encode TEXT (0), MAX (43) or a number outside
  /// the command table: none of them may appear in a binary header.
  unencodable_command,
  /// An admin reply does not have the shape its request calls for.
  malformed_admin_reply,
  /// A numeric text field is not a decimal number in range.
  invalid_number,
};

const std::error_category& protocol_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), protocol_category()}; }

}  // namespace gearspec::proto

template <>
struct std::is_error_code_enum<gearspec::proto::errc> : std::true_type {};
