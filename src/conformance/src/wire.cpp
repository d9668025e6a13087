#include "gearspec/conformance/wire.hpp"

#include <cstdio>
#include <deque>

namespace gearspec::conformance {
namespace {

proto::decoder_limits stream_limits() {
  proto::decoder_limits l;
  l.accept_text = false;  // neither side of a client conversation speaks admin text here
  return l;
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%8.3fs", s);
  return buf;
}

}  // namespace

wire_analysis analyse(const observed_wire& wire) {
  wire_analysis out;
  for (const auto& conn : wire.connections) {
    decoded_stream from_client(stream_limits()), to_client(stream_limits());
    // Indices into out.submits (or npos for a non-submit request) awaiting replies.
    std::deque<std::size_t> waiting;
    constexpr auto not_submit = static_cast<std::size_t>(-1);
    int options_waiting = 0;
    for (const auto& ev : conn.events) {
      if (ev.what == wire_event::kind::from_client) {
        from_client.feed(ev.bytes, [&](proto::packet p) {
          if (p.mag != proto::magic_of(proto::peer::client)) {
            out.client_stream_problems.push_back("connection " + std::to_string(conn.id) + ": " +
                                                 proto::to_string(p) + " sent with the response magic");
          }
          // A client's requests that wait for one reply, FIFO per connection (a
          // worker's GRAB_JOB* is answered by packets a client never matches).
          if (!proto::sent_by(p.cmd, proto::peer::client) || !proto::expects_reply(p.cmd)) return;
          if (p.cmd == proto::command::option_req) ++options_waiting;
          if (proto::is_submit(p.cmd)) {
            waiting.push_back(out.submits.size());
            out.submits.push_back(sent_submit{conn.id, std::move(p), std::nullopt, {}});
          } else {
            if (p.cmd == proto::command::get_status || p.cmd == proto::command::get_status_unique)
              out.status_requests.push_back(sent_status{conn.id, p});
            waiting.push_back(not_submit);
          }
        });
      } else if (ev.what == wire_event::kind::to_client) {
        to_client.feed(ev.bytes, [&](proto::packet p) {
          if (!proto::answers_requests_of(p.cmd, proto::peer::client) || waiting.empty()) return;
          const auto slot = waiting.front();
          waiting.pop_front();
          if ((p.cmd == proto::command::option_res || p.cmd == proto::command::error) && options_waiting > 0)
            --options_waiting;
          if (slot == not_submit) return;
          server_reply r;
          r.cmd = p.cmd;
          r.response_magic = p.mag == proto::magic_of(proto::peer::server);
          if (p.cmd == proto::command::job_created) {
            r.handle = p.args.empty() ? std::string() : p.args[0];
          } else if (p.cmd == proto::command::error) {
            r.code = p.args.size() > 0 ? p.args[0] : std::string();
            r.text = p.args.size() > 1 ? p.args[1] : std::string();
          } else {
            return;  // an answer of the wrong kind leaves the submit unanswered
          }
          out.submits[slot].reply = std::move(r);
        });
      }
    }
    if (options_waiting > 0) out.unanswered_options.push_back(conn.id);
    if (!to_client.problem().empty())
      for (const auto slot : waiting)
        if (slot != not_submit) out.submits[slot].reply_problem = "server bytes, " + to_client.problem();
    const auto where = "connection " + std::to_string(conn.id) + ", ";
    if (!from_client.problem().empty()) out.client_stream_problems.push_back(where + from_client.problem());
    if (from_client.problem().empty() && from_client.pending() > 0)
      out.client_stream_problems.push_back(
          where + std::to_string(from_client.pending()) +
          " byte(s) of an incomplete packet at the end of the stream (byte " +
          std::to_string(from_client.offset() - from_client.pending()) + ")");
  }
  return out;
}

std::string render_wire_log(const observed_wire& wire) {
  constexpr std::size_t show_bytes = 160;
  std::string log;
  if (wire.connections.empty()) log += "(no connection reached the server)\n";
  for (const auto& conn : wire.connections) {
    log += "connection " + std::to_string(conn.id) + "\n";
    decoded_stream from_client(stream_limits()), to_client(stream_limits());
    for (const auto& ev : conn.events) {
      log += "  " + format_seconds(ev.seconds) + "  ";
      if (ev.what == wire_event::kind::note) {
        log += "-- " + ev.text + "\n";
        continue;
      }
      const bool up = ev.what == wire_event::kind::from_client;
      log += std::string(up ? "client -> server " : "server -> client ") + std::to_string(ev.bytes.size()) +
             " byte(s)";
      if (ev.bytes.size() <= show_bytes) {
        log += ": " + proto::escape_bytes(ev.bytes);
      } else {
        log += ": " + proto::escape_bytes(ev.bytes.substr(0, show_bytes)) + "...";
      }
      log += "\n";
      auto& s = up ? from_client : to_client;
      const bool had_problem = !s.problem().empty();
      s.feed(ev.bytes, [&](const proto::packet& p) {
        auto text = proto::to_string(p);
        if (text.size() > 400)
          text = text.substr(0, 400) + "... (" + std::to_string(p.data.size()) + " data bytes)";
        log += std::string("              ") + (up ? "  >> " : "  << ") + text + "\n";
      });
      if (!had_problem && !s.problem().empty())
        log += std::string("              ") + (up ? "  >> " : "  << ") + "undecodable from " + s.problem() +
               "\n";
    }
  }
  for (const auto& n : wire.server_notes) log += "server: " + n + "\n";
  return log;
}

}  // namespace gearspec::conformance
