// C-like escapes for byte strings in scenario files and test output
// ("\0RES\x00\x00\x00\x08"): the inverse of proto::escape_bytes.
#pragma once

#include <string>
#include <string_view>

namespace gearspec::util {

/// Decode \0 \n \r \t \\ \" \' \xNN into `out` (replaced). False, with what
/// is wrong and at which offset in `error`, on a bad escape.
bool unescape(std::string_view text, std::string& out, std::string& error);

}  // namespace gearspec::util
