// C-like escapes for byte strings in scenario files ("\0RES\x00\x00\x00\x08").
// The inverse of proto::escape_bytes.
#pragma once

#include <string>
#include <string_view>

namespace gearspec::mock::detail {

/// Decode \0 \n \r \t \\ \" \' \xNN. False (with a message) on a bad escape.
bool unescape(std::string_view text, std::string& out, std::string& error);

}  // namespace gearspec::mock::detail
