// What crossed the wire during a case, as the mock server journaled it, and
// what it means: the client's submits, matched FIFO per connection to the
// server's replies. Independent of gearmock's types so grading is testable
// with hand-made traffic.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::conformance {

/// One journaled event on a connection, in order.
struct wire_event {
  enum class kind : std::uint8_t { from_client, to_client, note };
  kind what = kind::note;
  double seconds = 0;  ///< since the first event of the case
  std::string bytes;   ///< from_client / to_client
  std::string text;    ///< note: close, reset, scenario mismatch, ...
};

struct wire_connection {
  std::uint64_t id = 0;  ///< accept order, 1-based
  std::vector<wire_event> events;
};

struct observed_wire {
  std::vector<wire_connection> connections;
  std::vector<std::string> server_notes;  ///< scenario mismatches and server errors
};

/// The server's answer to one client request, when it arrived whole.
struct server_reply {
  proto::command cmd = proto::command::job_created;
  bool response_magic = true;  ///< "\0RES" (false: "\0REQ" in a reply)
  std::string handle;          ///< JOB_CREATED
  std::string code, text;      ///< ERROR
};

/// A SUBMIT_* packet the client sent.
struct sent_submit {
  std::uint64_t connection = 0;
  proto::packet packet;
  std::optional<server_reply> reply;  ///< FIFO-matched JOB_CREATED or ERROR, if it arrived whole
  /// When the server's bytes became undecodable while this submit waited:
  /// where and why ("byte 0: bad magic ...").
  std::string reply_problem;
  bool created() const { return reply && reply->cmd == proto::command::job_created; }
  const std::string& function() const { return packet.args.at(0); }
  const std::string& unique() const { return packet.args.at(1); }
};

/// A GET_STATUS or GET_STATUS_UNIQUE packet the client sent.
struct sent_status {
  std::uint64_t connection = 0;
  proto::packet packet;
};

struct wire_analysis {
  std::vector<sent_submit> submits;          ///< in send order (connections in accept order)
  std::vector<sent_status> status_requests;  ///< in send order
  /// Bytes from the client that are not well-formed request packets:
  /// "connection 1, byte 30: ...".
  std::vector<std::string> client_stream_problems;
  /// Connections on which the client sent OPTION_REQ that no OPTION_RES
  /// (or ERROR) answered.
  std::vector<std::uint64_t> unanswered_options;
};

/// Decodes one direction of one connection as its chunks arrive.
class decoded_stream {
 public:
  explicit decoded_stream(const proto::decoder_limits& limits = {}) : dec_(limits) {}
  /// Feed a chunk; call `on_packet` for each complete packet. Once the bytes
  /// stop being decodable, problem() says where and why, and nothing more is decoded.
  template <class F>
  void feed(const std::string& chunk, F&& on_packet) {
    std::string_view in(chunk);
    while (!in.empty() && problem_.empty()) {
      std::error_code ec;
      const auto used = dec_.put(in, ec);
      if (ec) {
        problem_ = "byte " + std::to_string(offset_ + used) + ": " + ec.message();
        return;
      }
      in.remove_prefix(used);
      offset_ += used;
      if (dec_.ready()) {
        on_packet(proto::packet(dec_.packet()));
        dec_.next();
      }
    }
  }
  const std::string& problem() const { return problem_; }
  /// Bytes of an unfinished packet.
  std::size_t pending() const { return dec_.buffered(); }
  std::size_t offset() const { return offset_; }

 private:
  proto::decoder dec_;
  std::string problem_;
  std::size_t offset_ = 0;
};

/// Decode both directions of every connection and match replies FIFO to
/// the requests that expect one (submits, OPTION_REQ, ECHO_REQ, GET_STATUS*).
wire_analysis analyse(const observed_wire& wire);

/// The log a person reads: per connection, each event with its time, size,
/// decoded packets and (for short chunks) the escaped bytes.
std::string render_wire_log(const observed_wire& wire);

}  // namespace gearspec::conformance
