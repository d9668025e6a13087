// Scripted server behaviours for the error-return properties, and the oracle
// that says what SEMANTICS.md section 5 requires of the client for each.
//
// A behaviour answers the first `replies.size()` requests of a batch in
// order (JOB_CREATED with any handle, or ERROR with any code), optionally
// with unrelated packets before an answer, and then ends the stream one way:
// silence (the client's timeout must fire), an orderly close after `close_at`
// bytes of the reply stream (any offset, mid-packet included), or a garbage
// message of one fault class. The delivered bytes are written in chunks cut
// at `cuts` (no cut = one coalesced write).
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "gearspec/protocol/return_code.hpp"

namespace gearspec::property {

/// One answer to a request, in FIFO order.
struct scripted_reply {
  bool is_error = false;
  std::string handle;  ///< JOB_CREATED's handle (any length: >63 or empty is a packet error)
  std::string code;    ///< ERROR's code (known names in any case, unknown names, odd bytes)
  std::string text;    ///< ERROR's text
  /// Packets unrelated to any waiting task sent just before the answer
  /// (NOOP, WORK_* for an unknown handle): the client must ignore them.
  std::string unrelated_before;
};

/// How the reply stream ends.
enum class stream_end {
  silence,  ///< nothing more; the connection stays open
  close,    ///< orderly close after `close_at` bytes of the reply stream
  garbage,  ///< a malformed message of `garbage` class after the replies
};

/// Classes of malformed server input (SEMANTICS.md 5 rows).
enum class garbage_class {
  request_magic,    ///< "\0REQ" header on a reply -> INVALID_MAGIC
  foreign_magic,    ///< "\0" + 3 bytes that are neither REQ nor RES -> INVALID_MAGIC
  unknown_command,  ///< command 0 or >= 43 -> INVALID_COMMAND
  text_line,        ///< a text line instead of a binary packet -> INVALID_PACKET
  oversize,         ///< size field above the client's limit -> INVALID_PACKET
  missing_nul,      ///< ERROR without its argument terminator -> INVALID_PACKET
  request_only,     ///< a well-formed request-only command -> UNEXPECTED_PACKET
};

const char* to_string(stream_end e) noexcept;
const char* to_string(garbage_class g) noexcept;

struct server_behaviour {
  std::vector<scripted_reply> replies;
  stream_end end = stream_end::silence;
  std::size_t close_at = 0;  ///< stream_end::close: bytes of the reply stream delivered
  garbage_class garbage = garbage_class::text_line;
  std::string garbage_bytes;      ///< stream_end::garbage: the message sent
  std::vector<std::size_t> cuts;  ///< write boundaries inside delivered()

  /// The well-formed reply packets (with their unrelated prefixes), in order.
  std::string reply_stream() const;
  /// What the server writes before it falls silent or closes.
  std::string delivered() const;
  /// delivered() cut at `cuts`: one string per write.
  std::vector<std::string> writes() const;
};

void showValue(const server_behaviour& b, std::ostream& os);

/// What the client must report for a batch of background submits facing `b`.
struct expected_outcome {
  std::vector<proto::return_code> task_results;  ///< per task, submit order
  std::vector<std::string> handles;              ///< per task: the handle when SUCCESS, else ""
  proto::return_code run_result = proto::return_code::success;  ///< what run_tasks returns
  std::size_t answered = 0;        ///< tasks [0, answered) were answered by a delivered reply
  bool connection_failed = false;  ///< the stream ended in a close, garbage or silence with tasks waiting
};

/// SEMANTICS.md 5 applied to `b` for `batch` background submits.
expected_outcome expected_for(const server_behaviour& b, std::size_t batch);

/// The code a fault class must produce.
proto::return_code expected_code(garbage_class g) noexcept;

/// Behaviours for a batch of `batch` requests; `allow_silence` false when
/// the driver cannot wait for a timeout.
rc::Gen<server_behaviour> server_behaviour_gen(std::size_t batch, bool allow_silence = true);

/// ERROR codes: every known name in random case, unknown names, "SUCCESS"
/// (which must still fail the task), empty and odd bytes.
rc::Gen<std::string> error_code();

}  // namespace gearspec::property
