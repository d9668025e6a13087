// Feed a byte stream to a fresh proto::decoder in chosen chunks and collect
// what it emits: the harness of every split-at-every-offset and
// one-byte-at-a-time test (Beast's parsegrind idea).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::test {

/// One message as the decoder emitted it, copied out.
struct decoded_message {
  bool is_text = false;
  proto::packet pkt;  ///< when !is_text
  std::string text;   ///< when is_text: decoder::text()

  friend bool operator==(const decoded_message& a, const decoded_message& b) {
    return a.is_text == b.is_text && a.pkt == b.pkt && a.text == b.text;
  }
  friend bool operator!=(const decoded_message& a, const decoded_message& b) { return !(a == b); }
};

std::string to_string(const decoded_message& m);

struct decode_result {
  std::vector<decoded_message> messages;
  std::error_code error;         ///< first error; decoding stops there
  std::size_t consumed = 0;      ///< bytes put() reported as consumed
  bool at_boundary = false;      ///< decoder::at_boundary() at the end
  std::size_t max_buffered = 0;  ///< largest decoder::buffered() seen
  bool stalled = false;          ///< put() made no progress on non-empty input (a decoder bug)
};

/// Decode `stream` with the chunk boundaries at `cuts` (sorted offsets in
/// (0, size)). Each chunk is copied into its own exactly-sized heap buffer
/// and freed before the next one, so a read past a chunk or a view kept
/// into an old chunk shows up under AddressSanitizer.
decode_result decode_in_chunks(std::string_view stream, const std::vector<std::size_t>& cuts,
                               proto::decoder_limits limits = {});

/// Every chunk one byte long.
decode_result decode_bytewise(std::string_view stream, proto::decoder_limits limits = {});

/// The whole stream as one chunk.
decode_result decode_whole(std::string_view stream, proto::decoder_limits limits = {});

}  // namespace gearspec::test
