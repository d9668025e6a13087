#include "gearspec/property/server_behaviour.hpp"

#include <algorithm>
#include <cctype>

#include "gearspec/client/task.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/packet.hpp"
#include "gearspec/test/generators.hpp"

namespace gearspec::property {
namespace {

using proto::command;
using proto::magic;
using proto::return_code;

std::string reply_packet(const scripted_reply& r) {
  if (r.is_error) return proto::encode(magic::response, command::error, {r.code, r.text});
  return proto::encode(magic::response, command::job_created, {r.handle});
}

rc::Gen<std::string> unrelated_packets() {
  const auto unknown_handle = rc::gen::just(std::string{"H:nobody-waits:7"});
  return rc::gen::weightedOneOf<std::string>({
      {8, rc::gen::just(std::string{})},
      {1, rc::gen::just(proto::encode(magic::response, command::noop, {}))},
      {1, rc::gen::map(unknown_handle,
                       [](const std::string& h) {
                         return proto::encode(magic::response, command::work_status, {h, "1", "2"});
                       })},
      {1, rc::gen::map(test::gen::bytes(64),
                       [](const std::string& data) {
                         return proto::encode(magic::response, command::work_complete, {"H:nobody-waits:7"},
                                              data);
                       })},
      {1, rc::gen::just(proto::encode(magic::response, command::work_fail, {"H:nobody-waits:8"}))},
  });
}

rc::Gen<scripted_reply> reply() {
  const auto created =
      rc::gen::build<scripted_reply>(rc::gen::set(&scripted_reply::is_error, rc::gen::just(false)),
                                     rc::gen::set(&scripted_reply::handle, test::gen::job_handle()),
                                     rc::gen::set(&scripted_reply::unrelated_before, unrelated_packets()));
  const auto error =
      rc::gen::build<scripted_reply>(rc::gen::set(&scripted_reply::is_error, rc::gen::just(true)),
                                     rc::gen::set(&scripted_reply::code, error_code()),
                                     rc::gen::set(&scripted_reply::text, test::gen::nul_free_bytes(100)),
                                     rc::gen::set(&scripted_reply::unrelated_before, unrelated_packets()));
  return rc::gen::weightedOneOf<scripted_reply>({{7, created}, {3, error}});
}

rc::Gen<std::string> garbage_for(garbage_class g) {
  switch (g) {
    case garbage_class::request_magic:
      return rc::gen::map(test::gen::job_handle(), [](const std::string& h) {
        return proto::encode(magic::request, command::job_created, {h});
      });
    case garbage_class::foreign_magic:
      return rc::gen::map(rc::gen::suchThat(rc::gen::container<std::string>(3, test::gen::byte()),
                                            [](const std::string& m) { return m != "REQ" && m != "RES"; }),
                          [](const std::string& m) {
                            std::string out;
                            proto::append_raw_header(out, std::string(1, '\0') + m, 8, 0);
                            return out;
                          });
    case garbage_class::unknown_command:
      return rc::gen::map(rc::gen::oneOf(rc::gen::just<std::uint32_t>(0), rc::gen::just<std::uint32_t>(43),
                                         rc::gen::inRange<std::uint32_t>(44, 0xFFFFFFFFu)),
                          [](std::uint32_t cmd) {
                            std::string out;
                            proto::append_raw_header(out, proto::response_magic, cmd, 0);
                            return out;
                          });
    case garbage_class::text_line:
      return rc::gen::map(test::gen::nul_free_bytes(40), [](const std::string& s) {
        std::string line = "x" + s;
        line.erase(std::remove(line.begin(), line.end(), '\n'), line.end());
        return line + "\n";
      });
    case garbage_class::oversize:
      return rc::gen::map(rc::gen::inRange<std::uint32_t>((64u << 20) + 1, 0xFFFFFFFFu),
                          [](std::uint32_t size) {
                            std::string out;
                            proto::append_raw_header(out, proto::response_magic,
                                                     static_cast<std::uint32_t>(command::job_created), size);
                            return out;
                          });
    case garbage_class::missing_nul:
      return rc::gen::map(test::gen::nul_free_bytes(40), [](const std::string& code) {
        std::string out;
        proto::append_raw_header(out, proto::response_magic, static_cast<std::uint32_t>(command::error),
                                 static_cast<std::uint32_t>(code.size()));
        return out + code;
      });
    case garbage_class::request_only:
      return rc::gen::map(test::gen::nul_free_bytes(20), [](const std::string& f) {
        return proto::encode(magic::response, command::submit_job_bg, {f, "u"}, "w");
      });
  }
  return rc::gen::just(std::string{});
}

}  // namespace

const char* to_string(stream_end e) noexcept {
  switch (e) {
    case stream_end::silence:
      return "silence";
    case stream_end::close:
      return "close";
    case stream_end::garbage:
      return "garbage";
  }
  return "?";
}

const char* to_string(garbage_class g) noexcept {
  switch (g) {
    case garbage_class::request_magic:
      return "request magic";
    case garbage_class::foreign_magic:
      return "foreign magic";
    case garbage_class::unknown_command:
      return "unknown command";
    case garbage_class::text_line:
      return "text line";
    case garbage_class::oversize:
      return "oversize size field";
    case garbage_class::missing_nul:
      return "ERROR without terminator";
    case garbage_class::request_only:
      return "request-only command";
  }
  return "?";
}

std::string server_behaviour::reply_stream() const {
  std::string out;
  for (const auto& r : replies) out += r.unrelated_before + reply_packet(r);
  return out;
}

std::string server_behaviour::delivered() const {
  std::string stream = reply_stream();
  switch (end) {
    case stream_end::silence:
      return stream;
    case stream_end::close:
      return stream.substr(0, std::min(close_at, stream.size()));
    case stream_end::garbage:
      return stream + garbage_bytes;
  }
  return stream;
}

std::vector<std::string> server_behaviour::writes() const {
  const std::string all = delivered();
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    if (cut <= from || cut >= all.size()) continue;
    out.push_back(all.substr(from, cut - from));
    from = cut;
  }
  if (from < all.size()) out.push_back(all.substr(from));
  return out;
}

void showValue(const server_behaviour& b, std::ostream& os) {
  os << "server_behaviour{\n";
  for (std::size_t i = 0; i < b.replies.size(); ++i) {
    const auto& r = b.replies[i];
    os << "  reply " << i << ": ";
    if (!r.unrelated_before.empty()) os << "(after " << r.unrelated_before.size() << " unrelated bytes) ";
    if (r.is_error)
      os << "ERROR code=" << proto::escape_bytes(r.code) << " text=" << proto::escape_bytes(r.text) << "\n";
    else
      os << "JOB_CREATED handle=" << proto::escape_bytes(r.handle) << " (" << r.handle.size() << " bytes)\n";
  }
  os << "  then " << to_string(b.end);
  if (b.end == stream_end::close)
    os << " after " << b.close_at << " of " << b.reply_stream().size() << " bytes";
  if (b.end == stream_end::garbage)
    os << " (" << to_string(b.garbage) << ": " << proto::escape_bytes(b.garbage_bytes) << ")";
  os << "\n  writes at cuts [";
  for (std::size_t c : b.cuts) os << c << " ";
  os << "] of " << b.delivered().size() << " bytes\n}";
}

proto::return_code expected_code(garbage_class g) noexcept {
  switch (g) {
    case garbage_class::request_magic:
    case garbage_class::foreign_magic:
      return return_code::invalid_magic;
    case garbage_class::unknown_command:
      return return_code::invalid_command;
    case garbage_class::text_line:
    case garbage_class::oversize:
    case garbage_class::missing_nul:
      return return_code::invalid_packet;
    case garbage_class::request_only:
      return return_code::unexpected_packet;
  }
  return return_code::unknown_state;
}

expected_outcome expected_for(const server_behaviour& b, std::size_t batch) {
  expected_outcome out;
  out.task_results.assign(batch, return_code::unknown_state);
  out.handles.assign(batch, std::string{});
  const std::size_t delivered = b.end == stream_end::close ? b.close_at : static_cast<std::size_t>(-1);
  std::size_t offset = 0;
  std::size_t answered = 0;
  for (const auto& r : b.replies) {
    offset += r.unrelated_before.size() + reply_packet(r).size();
    if (offset > delivered || answered == batch) break;
    auto& result = out.task_results[answered];
    if (r.is_error) {
      result = proto::map_server_error_code(r.code);
      if (result == return_code::success) result = return_code::server_error;  // no JOB_CREATED, no success
    } else if (r.handle.empty() || r.handle.size() > client::max_job_handle_length) {
      result = return_code::invalid_packet;  // never truncated, never empty
    } else {
      result = return_code::success;
      out.handles[answered] = r.handle;
    }
    ++answered;
  }
  out.answered = answered;
  if (answered < batch) {
    out.connection_failed = true;
    const return_code rest = b.end == stream_end::close     ? return_code::lost_connection
                             : b.end == stream_end::garbage ? expected_code(b.garbage)
                                                            : return_code::timeout;
    for (std::size_t i = answered; i < batch; ++i) out.task_results[i] = rest;
  }
  for (return_code rc : out.task_results) {
    if (rc != return_code::success) {
      out.run_result = rc;  // FIFO: the first failing task failed first
      break;
    }
  }
  return out;
}

rc::Gen<std::string> error_code() {
  std::vector<std::string> known;
  for (int v = 0; v < static_cast<int>(return_code::max_return); ++v)
    known.emplace_back(proto::return_code_name(v));
  const auto known_any_case = rc::gen::mapcat(rc::gen::elementOf(known), [](const std::string& name) {
    return rc::gen::map(rc::gen::container<std::vector<bool>>(name.size(), rc::gen::arbitrary<bool>()),
                        [name](const std::vector<bool>& lower) {
                          std::string s = name;
                          for (std::size_t i = 0; i < s.size(); ++i)
                            if (lower[i])
                              s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
                          return s;
                        });
  });
  return rc::gen::weightedOneOf<std::string>({
      {6, known_any_case},
      {1, rc::gen::element<std::string>("SUCCESS", "success", "QUEUE_ERROR", "JOB_NOT_FOUND")},
      {2, rc::gen::element<std::string>("ERR_UNKNOWN_COMMAND", "ERR_JOB_EXISTS", "GEARMAN_QUEUE_ERROR", "")},
      {2, test::gen::nul_free_bytes(80)},
  });
}

rc::Gen<server_behaviour> server_behaviour_gen(std::size_t batch, bool allow_silence) {
  const auto replied = rc::gen::weightedOneOf<std::size_t>({
      {3, rc::gen::just(batch)},
      {1, rc::gen::inRange<std::size_t>(0, batch + 1)},
  });
  std::vector<stream_end> ends{stream_end::close, stream_end::garbage};
  if (allow_silence) ends.push_back(stream_end::silence);
  const auto core = rc::gen::apply(
      [](std::vector<scripted_reply> replies, stream_end end, garbage_class g) {
        server_behaviour b;
        b.replies = std::move(replies);
        b.end = end;
        b.garbage = g;
        return b;
      },
      rc::gen::mapcat(
          replied, [](std::size_t n) { return rc::gen::container<std::vector<scripted_reply>>(n, reply()); }),
      rc::gen::elementOf(ends),
      rc::gen::element(garbage_class::request_magic, garbage_class::foreign_magic,
                       garbage_class::unknown_command, garbage_class::text_line, garbage_class::oversize,
                       garbage_class::missing_nul, garbage_class::request_only));
  const auto with_end = rc::gen::mapcat(core, [](server_behaviour b) {
    const std::size_t length = b.reply_stream().size();
    return rc::gen::apply(
        [b](std::size_t close_at, std::string garbage) {
          server_behaviour out = b;
          if (out.end == stream_end::close) out.close_at = close_at;
          if (out.end == stream_end::garbage) out.garbage_bytes = std::move(garbage);
          return out;
        },
        rc::gen::weightedOneOf<std::size_t>(
            {{1, rc::gen::just(length)}, {3, rc::gen::inRange<std::size_t>(0, length + 1)}}),
        garbage_for(b.garbage));
  });
  return rc::gen::mapcat(with_end, [](server_behaviour b) {
    return rc::gen::map(test::gen::cuts(b.delivered().size()), [b](std::vector<std::size_t> cuts) {
      server_behaviour out = b;
      out.cuts = std::move(cuts);
      return out;
    });
  });
}

}  // namespace gearspec::property
