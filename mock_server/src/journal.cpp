#include "journal.hpp"

#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "gearspec/util/encoding.hpp"

namespace gearspec::mock {

const char* to_string(journal_entry::kind k) noexcept {
  // In the order of the enumerators.
  static const char* const names[] = {"accepted", "received", "sent",     "closed",
                                      "reset",    "error",    "mismatch", "note"};
  static_assert(std::size(names) == static_cast<std::size_t>(journal_entry::kind::note) + 1);
  const auto i = static_cast<std::size_t>(k);
  return i < std::size(names) ? names[i] : "unknown";
}

namespace detail {

namespace {
/// escape_bytes without its surrounding quotes: JSON adds its own.
std::string escaped(std::string_view bytes) {
  auto q = proto::escape_bytes(bytes);
  return q.size() >= 2 && q.front() == '"' && q.back() == '"' ? q.substr(1, q.size() - 2) : q;
}

/// JSON strings must be UTF-8: arguments go in escaped form, data in base64 too.
nlohmann::json packet_json(const proto::packet_view& p) {
  nlohmann::json j;
  j["magic"] = p.mag == proto::magic::request ? "REQ" : "RES";
  j["command"] = std::string{proto::name(p.cmd)};
  auto& args = j["args"] = nlohmann::json::array();
  for (std::size_t i = 0; i < p.argc; ++i) args.push_back(escaped(p.args[i]));
  if (proto::info(p.cmd).has_data) {
    j["data"] = escaped(p.data);
    j["data_base64"] = util::base64_encode(p.data);
  }
  return j;
}

/// Decode what `bytes` completes on a stream; partial and undecodable bytes
/// are reported as such.
void decode_into(nlohmann::json& line, proto::decoder& dec, std::string_view bytes) {
  auto messages = nlohmann::json::array();
  while (!bytes.empty() && !dec.failed()) {
    std::error_code ec;
    const auto used = dec.put(bytes, ec);
    if (ec) {
      line["undecodable"] = {{"error", ec.message()}, {"hex", util::to_hex(bytes)}};
      bytes = {};
      break;
    }
    bytes.remove_prefix(used);
    if (!dec.ready()) continue;
    if (dec.kind() == proto::message_kind::text)
      messages.push_back({{"text", escaped(dec.text())}});
    else
      messages.push_back(packet_json(dec.packet()));
    dec.next();
  }
  if (!bytes.empty())
    line["undecodable"] = {{"error", "stream already undecodable"}, {"hex", util::to_hex(bytes)}};
  if (!messages.empty()) line["packets"] = std::move(messages);
  if (dec.buffered()) line["partial_bytes_pending"] = dec.buffered();
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(us % 1'000'000));
  return buf;
}
}  // namespace

journal::journal(const std::string& path, bool in_memory, proto::decoder_limits limits)
    : in_memory_(in_memory), limits_(limits) {
  if (!path.empty()) {
    file_.open(path, std::ios::out | std::ios::trunc | std::ios::binary);
    if (!file_) throw std::runtime_error("cannot open journal file '" + path + "' for writing");
  }
}

std::string journal::to_json(const journal_entry& e) {
  nlohmann::json j;
  j["time"] = iso_time(e.timestamp);
  j["connection"] = e.connection;
  j["event"] = to_string(e.what);
  if (!e.text.empty()) j["text"] = escaped(e.text);
  if (e.what == journal_entry::kind::received || e.what == journal_entry::kind::sent) {
    j["length"] = e.bytes.size();
    j["hex"] = util::to_hex(e.bytes);
    auto& s =
        streams_.try_emplace(e.connection, stream_state{proto::decoder{limits_}, proto::decoder{limits_}})
            .first->second;
    decode_into(j, e.what == journal_entry::kind::received ? s.in : s.out, e.bytes);
  }
  if (e.what == journal_entry::kind::closed || e.what == journal_entry::kind::reset) {
    auto it = streams_.find(e.connection);
    if (it != streams_.end()) {
      if (it->second.in.buffered()) j["unfinished_from_peer_bytes"] = it->second.in.buffered();
      if (it->second.out.buffered()) j["unfinished_to_peer_bytes"] = it->second.out.buffered();
      streams_.erase(it);
    }
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void journal::record(std::uint64_t connection, journal_entry::kind what, std::string bytes,
                     std::string text) {
  journal_entry e{connection, what, std::chrono::system_clock::now(), std::move(bytes), std::move(text)};
  std::lock_guard<std::mutex> lock{mutex_};
  if (file_.is_open()) file_ << to_json(e) << '\n';
  if (what == journal_entry::kind::mismatch)
    mismatches_.push_back("conn " + std::to_string(connection) + ": " + e.text);
  if (in_memory_) entries_.push_back(std::move(e));
}

void journal::flush() {
  std::lock_guard<std::mutex> lock{mutex_};
  if (file_.is_open()) file_.flush();
}

std::vector<journal_entry> journal::snapshot() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return entries_;
}

std::vector<std::string> journal::mismatches() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return mismatches_;
}

}  // namespace detail
}  // namespace gearspec::mock
