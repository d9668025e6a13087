#include "gearspec/test/chunked_decode.hpp"

#include <cstring>
#include <memory>

namespace gearspec::test {

std::string to_string(const decoded_message& m) {
  return m.is_text ? "TEXT " + proto::escape_bytes(m.text) : proto::to_string(m.pkt);
}

decode_result decode_in_chunks(std::string_view stream, const std::vector<std::size_t>& cuts,
                               proto::decoder_limits limits) {
  decode_result result;
  proto::decoder dec{limits};
  std::size_t begin = 0;
  for (std::size_t c = 0; c <= cuts.size() && !result.error && !result.stalled; ++c) {
    const std::size_t end = c < cuts.size() ? cuts[c] : stream.size();
    const std::size_t length = end - begin;
    const auto chunk = std::make_unique<char[]>(length);
    if (length != 0) std::memcpy(chunk.get(), stream.data() + begin, length);
    std::string_view input{chunk.get(), length};
    // put() takes at most one message per call, so the number of calls per
    // chunk is bounded by its length plus one.
    for (std::size_t calls = 0; calls <= length; ++calls) {
      std::error_code ec;
      const std::size_t used = dec.put(input, ec);
      result.consumed += used;
      input.remove_prefix(used);
      if (dec.buffered() > result.max_buffered) result.max_buffered = dec.buffered();
      if (ec) {
        result.error = ec;
        break;
      }
      if (dec.ready()) {
        decoded_message m;
        m.is_text = dec.kind() == proto::message_kind::text;
        if (m.is_text)
          m.text = std::string{dec.text()};
        else
          m.pkt = proto::packet{dec.packet()};
        result.messages.push_back(std::move(m));
        dec.next();
        continue;
      }
      if (input.empty()) break;
      if (used == 0) {
        result.stalled = true;
        break;
      }
    }
    begin = end;
  }
  result.at_boundary = dec.at_boundary();
  return result;
}

decode_result decode_bytewise(std::string_view stream, proto::decoder_limits limits) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  return decode_in_chunks(stream, cuts, limits);
}

decode_result decode_whole(std::string_view stream, proto::decoder_limits limits) {
  return decode_in_chunks(stream, {}, limits);
}

}  // namespace gearspec::test
