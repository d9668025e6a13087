// C-like escapes for byte strings in scenario files, journals and test output
// ("\0RES\x00\x00\x00\x08"), both ways.
#pragma once

#include <string>
#include <string_view>

namespace gearspec::util {

/// Quote bytes as a C-like string literal with \0, \n, \xNN escapes.
std::string escape_bytes(std::string_view bytes);

/// Decode \0 \n \r \t \\ \" \' \xNN into `out` (replaced). False, with what
/// is wrong and at which offset in `error`, on a bad escape.
bool unescape(std::string_view text, std::string& out, std::string& error);

}  // namespace gearspec::util
