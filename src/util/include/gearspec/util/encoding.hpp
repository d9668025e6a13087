// Hex and base64 for journals, scenario files and the adapter protocol.
// Malformed text is std::errc::illegal_byte_sequence.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace gearspec::util {

/// Lower-case hex, two digits per byte, no separators.
std::string to_hex(std::string_view bytes);
/// Accepts upper/lower case and ignores spaces, tabs, newlines and ':' separators.
std::error_code from_hex(std::string_view text, std::string& out);

std::string base64_encode(std::string_view bytes);
/// Standard alphabet with '=' padding; padding may be omitted; whitespace ignored.
std::error_code base64_decode(std::string_view text, std::string& out);

/// True when `bytes` is valid UTF-8 (no overlong forms, surrogates or code
/// points above U+10FFFF): what a JSON string can carry.
bool is_valid_utf8(std::string_view bytes) noexcept;

}  // namespace gearspec::util
