// Incremental, zero-copy decoder of a Gearman byte stream (binary packets
// and admin text lines mixed, as gearmand accepts them).
//
//   decoder dec;
//   while (!in.empty()) {
//     std::error_code ec;
//     in.remove_prefix(dec.put(in, ec));
//     if (ec) { /* stream is unusable: report and close */ }
//     if (dec.ready()) { use(dec.message()); dec.next(); }
//   }
//
// put() consumes at most one message. A message lying whole inside the input
// is returned as views into the input (no copy); one split across calls is
// assembled in an internal buffer that is reused and never grows beyond the
// configured limits, whatever a size field says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::proto {

struct decoder_limits {
  /// Largest accepted declared body length; larger sizes fail with
  /// errc::body_too_large before anything is allocated.
  std::uint32_t max_body_size = 64u << 20;
  /// Largest NUL-terminated argument (gearmand's practical bound is its
  /// 8192-byte receive buffer). The unterminated last argument of a no-data
  /// command is bounded by this too.
  std::uint32_t max_argument_size = 8192;
  /// Largest admin text line, "\n" included.
  std::uint32_t max_text_line = 8192;
  /// When false, a first byte other than 0 is errc::bad_magic instead of the
  /// start of a text line (a client never expects text from a server).
  bool accept_text = true;
};

/// What the decoder found.
enum class message_kind : std::uint8_t { none, packet, text };

class decoder {
 public:
  explicit decoder(decoder_limits limits = {}) noexcept : limits_(limits) {}

  /// Consume bytes until one message is complete or the input is used up.
  /// Returns the number of bytes consumed. On error `ec` is set, the decoder
  /// enters the failed state (sticky until reset(); later calls repeat the
  /// error and consume nothing) and the return value counts the bytes read
  /// before the fault was detected. Calling put() releases the previous message.
  std::size_t put(std::string_view input, std::error_code& ec);

  /// A complete message is available.
  bool ready() const noexcept { return kind_ != message_kind::none; }
  message_kind kind() const noexcept { return kind_; }

  /// The decoded packet; valid until next() or the next put(), and only as
  /// long as the input given to put() when the packet was whole in it.
  const packet_view& packet() const noexcept { return view_; }
  /// The text line without "\n" and one preceding "\r".
  std::string_view text() const noexcept { return text_; }

  /// Release the current message.
  void next() noexcept { kind_ = message_kind::none; }

  /// Bytes of a partial message held inside the decoder.
  /// A message completed from the internal buffer is not "partial": once
  /// ready(), this is 0 even though the buffer still backs the views.
  std::size_t buffered() const noexcept { return state_ == state::start ? 0 : buffer_.size(); }
  /// True when no partial message is pending (a clean place to stop).
  bool at_boundary() const noexcept { return state_ == state::start && !ready(); }
  bool failed() const noexcept { return state_ == state::failed; }

  /// Forget all state (and the failure) and start at a message boundary.
  void reset() noexcept;

  const decoder_limits& limits() const noexcept { return limits_; }

 private:
  enum class state : std::uint8_t { start, header, body, text, failed };

  std::size_t fail(std::error_code& ec, errc e, std::size_t at) noexcept;
  errc check_header(const char* h) noexcept;  // errc{} when the header is good
  errc split_body(std::string_view raw) noexcept;
  std::size_t put_text(std::string_view input, std::error_code& ec);

  decoder_limits limits_;
  state state_ = state::start;
  message_kind kind_ = message_kind::none;
  std::uint32_t body_length_ = 0;
  std::string buffer_;  // partial message, header included
  packet_view view_{};
  std::string_view text_;
  errc error_{};
};

/// Split a complete body according to cmd's table row into `out`
/// (args/argc/data). Used by the decoder and by anything holding a body.
std::error_code split_arguments(command cmd, std::string_view body, packet_view& out,
                                std::uint32_t max_argument_size = 0xFFFFFFFFu) noexcept;

/// Decode a whole buffer that must hold complete binary packets only.
/// Returns the packets; stops at the first error (reported in ec) or at a
/// trailing partial packet (reported as `rest` > 0).
std::vector<packet> decode_all(std::string_view bytes, std::error_code& ec, std::size_t* rest = nullptr,
                               decoder_limits limits = {});

}  // namespace gearspec::proto
