// A Gearman byte stream cut into the units a structure-aware mutator moves
// around: whole binary packets and admin text lines as the codec's decoder
// frames them, plus one opaque tail for whatever the decoder cannot frame.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/protocol/header.hpp"

namespace gearspec::fuzz {

namespace proto = gearspec::proto;

/// Cut `bytes` into frames. A packet whose body is malformed for its command
/// (missing NUL, extra argument) is still one frame: its size field frames it.
/// Bytes after a header the decoder refuses (bad magic, unknown command, huge
/// size) and a trailing partial message form the last frame. Joining the
/// frames gives `bytes` back exactly.
std::vector<std::string> split_stream(std::string_view bytes);

/// Concatenate frames.
std::string join_frames(const std::vector<std::string>& frames);

/// The header of a binary frame: 12 bytes starting with NUL (any magic, any
/// command, any size).
std::optional<proto::raw_header> read_header(std::string_view frame);

/// Overwrite the size field of a binary frame with `body_length`.
void set_body_length(std::string& frame, std::uint32_t body_length);

/// Overwrite the command field of a binary frame.
void set_command(std::string& frame, std::uint32_t command);

}  // namespace gearspec::fuzz
