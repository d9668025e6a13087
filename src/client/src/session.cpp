#include "gearspec/client/session.hpp"

#include <cstring>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/error.hpp"
#include "gearspec/util/decimal.hpp"

namespace gearspec::client {
namespace {

using proto::command;

// Queued, waiting for its reply or running: the session points at it.
bool held(const task& t) noexcept { return t.phase() != task_phase::idle && !t.finished(); }

bool contains_nul(std::string_view s) noexcept {
  return !s.empty() && std::memchr(s.data(), '\0', s.size()) != nullptr;
}

/// A numeric field of STATUS_RES or WORK_STATUS: a decimal uint32.
std::optional<std::uint64_t> status_field(std::string_view text) noexcept {
  return util::decimal(text, UINT32_MAX);
}

// One numeric field of STATUS_RES / STATUS_RES_UNIQUE, read strictly: flags
// are exactly "0" or "1", numbers decimal uint32. Returns "" or why not.
std::string read_status_field(const proto::packet_view& p, std::size_t index, const char* field, bool flag,
                              std::uint32_t& out) {
  const std::string_view text = p.arg(index);
  std::uint64_t value = 0;
  const std::errc ec = util::parse_decimal(text, value, flag ? 1 : UINT32_MAX);
  if (ec == std::errc{} && (!flag || text.size() == 1)) {
    out = static_cast<std::uint32_t>(value);
    return {};
  }
  std::string why{proto::name(p.cmd)};
  why += " field ";
  why += field;
  why += " is ";
  why += proto::escape_bytes(text);
  if (flag) {
    why += ": expected 0 or 1";
  } else if (ec == std::errc::result_out_of_range) {
    why += ": above " + std::to_string(UINT32_MAX);
  } else {
    why += ": not a decimal number";
  }
  return why;
}

}  // namespace

session::session(session_limits limits) : server_link(limits) {}

// ---- adding work -----------------------------------------------------------

return_code session::submit(task& t, const job_request& request, std::string* why) {
  const auto reject = [why](return_code rc, const char* reason) {
    if (why != nullptr) *why = reason;
    return rc;
  };
  if (held(t)) return reject(return_code::invalid_argument, "task is already queued or running");
  // SEMANTICS.md 2, in order: function, unique, body size.
  if (request.function.empty()) return reject(return_code::invalid_argument, "invalid function (empty)");
  if (namespace_.size() + request.function.size() > max_function_size)
    return reject(return_code::invalid_argument, "function name longer than 512 bytes (namespace included)");
  if (contains_nul(request.function))
    return reject(return_code::invalid_argument, "function name contains a NUL byte");
  if (request.unique.size() > max_unique_size)
    return reject(return_code::invalid_argument, "unique longer than 64 bytes");
  if (contains_nul(request.unique))
    return reject(return_code::invalid_argument, "unique contains a NUL byte");

  unique_value unique;
  assign_unique(request.unique, request.workload, unique);

  std::string_view function = request.function;
  if (!namespace_.empty()) {
    scratch_.assign(namespace_);
    scratch_.append(request.function.data(), request.function.size());
    function = scratch_;
  }
  const std::string_view args[2] = {function, unique.view()};
  const command cmd = proto::submit_command(request.prio, request.background);
  if (proto::body_size(cmd, args, 2, request.workload) > proto::max_encodable_body)
    return reject(return_code::argument_too_large, "encoded body would reach 2^32-1 bytes");
  const return_code rc = enqueue(t, task_kind::submit, cmd, args, 2, request.workload);
  if (rc == return_code::success) t.unique_ = unique;
  return rc;
}

return_code session::get_status(task& t, std::string_view handle) {
  if (held(t) || handle.empty() || handle.size() > max_job_handle_length || contains_nul(handle))
    return return_code::invalid_argument;
  const return_code rc = enqueue(t, task_kind::get_status, command::get_status, &handle, 1, {});
  if (rc == return_code::success) {
    std::memcpy(t.handle_.data(), handle.data(), handle.size());
    t.handle_[handle.size()] = '\0';
    t.handle_size_ = static_cast<std::uint8_t>(handle.size());
  }
  return rc;
}

return_code session::get_status_unique(task& t, std::string_view unique) {
  if (held(t) || unique.empty() || unique.size() > max_unique_size || contains_nul(unique))
    return return_code::invalid_argument;
  const return_code rc = enqueue(t, task_kind::get_status_unique, command::get_status_unique, &unique, 1, {});
  if (rc == return_code::success) t.unique_.assign(unique);
  return rc;
}

return_code session::echo(task& t, std::string_view data) {
  if (held(t)) return return_code::invalid_argument;
  if (data.size() > limits_.max_body_size) return return_code::argument_too_large;
  std::string expected{data};  // copied first: nothing may throw once the task is queued
  const return_code rc = enqueue(t, task_kind::echo, command::echo_req, nullptr, 0, data);
  if (rc == return_code::success) t.data_.swap(expected);
  return rc;
}

return_code session::enqueue(task& t, task_kind kind, command cmd, const std::string_view* args,
                             std::size_t argc, std::string_view data) {
  const std::uint64_t begin = out_.end();
  if (auto ec = out_.append(proto::magic::request, cmd, args, argc, data))
    return ec == proto::errc::body_too_large ? return_code::argument_too_large
                                             : return_code::invalid_argument;
  // Out of memory here must leave no bytes without a queue entry (their reply
  // would be matched to the next task) and no task marked queued.
  try {
    queue_.push_back(entry{&t, begin, out_.end()});
  } catch (...) {
    out_.truncate(begin);
    throw;
  }
  t.kind_ = kind;
  t.phase_ = task_phase::queued;
  t.command_ = cmd;
  t.result_ = return_code::unknown_state;
  t.known_ = false;
  t.running_ = false;
  t.handle_size_ = 0;
  t.handle_[0] = '\0';
  t.numerator_ = 0;
  t.denominator_ = 0;
  t.client_count_ = 0;
  t.error_text_.clear();
  t.server_code_.clear();
  t.data_.clear();
  t.partial_data_.clear();
  return return_code::success;
}

void session::detach(task& t) noexcept {
  if (!held(t)) return;
  const std::uint64_t written = out_.written();
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    entry& e = queue_[i];
    if (e.owner != &t) continue;
    if (i >= sent_ && e.begin >= written) {
      // Not started: drop its bytes so the server never sees it.
      const std::uint64_t length = e.end - e.begin;
      out_.erase(e.begin, static_cast<std::size_t>(length));
      for (std::size_t j = i + 1; j < queue_.size(); ++j) {
        queue_[j].begin -= length;
        queue_[j].end -= length;
      }
      queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      e.owner = nullptr;  // keeps its FIFO slot; the reply is discarded
    }
    break;
  }
  for (auto it = running_.begin(); it != running_.end();) {
    it = it->second == &t ? running_.erase(it) : std::next(it);
  }
  t.phase_ = task_phase::idle;
}

// ---- connection events ---------------------------------------------------------

void session::connection_opened() noexcept {
  decoder_.reset();
  broken_ = false;
  for (std::size_t i = sent_; i < queue_.size(); ++i) {
    if (task* t = queue_[i].owner) {
      t->result_ = return_code::unknown_state;
      t->error_text_.clear();
    }
  }
}

void session::connect_failed(return_code rc, std::string_view why) {
  for (std::size_t i = sent_; i < queue_.size(); ++i) {
    if (task* t = queue_[i].owner) {
      t->result_ = rc;  // stays queued with its bytes: it can be run again
      t->error_text_.assign(why.data(), why.size());
    }
  }
  record(rc, why);
}

void session::timed_out(std::string_view why) { fail_connection(return_code::timeout, why); }

// ---- bytes ---------------------------------------------------------------------

void session::wrote(std::size_t n) noexcept {
  out_.consume(n);
  while (sent_ < queue_.size() && queue_[sent_].end <= out_.written()) {
    if (task* t = queue_[sent_].owner) t->phase_ = task_phase::waiting;
    ++sent_;
  }
}

// ---- replies ---------------------------------------------------------------------

void session::handle_packet(const proto::packet_view& p) {
  ++counters_.packets_received;
  if (!from_server(p)) return;
  // A reply to any client request takes the oldest slot, even OPTION_RES and
  // STATUS_RES_UNIQUE, which answer requests this client never sends.
  if (proto::answers_requests_of(p.cmd, proto::peer::client)) {
    handle_reply(p);
  } else if (proto::is_relayed(p.cmd)) {
    handle_work_packet(p);
  } else {
    ++counters_.packets_ignored;  // NOOP, NO_JOB, JOB_ASSIGN* (worker packets)
  }
}

void session::handle_reply(const proto::packet_view& p) {
  if (sent_ == 0) {  // nothing waits for a reply: unrelated
    ++counters_.packets_ignored;
    return;
  }
  task* t = queue_.front().owner;
  if (t == nullptr) {  // its task was detached: the reply only frees the slot
    matched();
    return;
  }
  if (!proto::answers(p.cmd, t->command_)) {
    fail_connection(return_code::unexpected_packet, "reply does not answer the oldest request (" +
                                                        std::string{proto::name(t->command_)} +
                                                        "): " + std::string{proto::name(p.cmd)});
    return;
  }
  // A status reply names what it answers: another handle (of any length) or
  // unique means the stream no longer pairs replies with requests.
  const bool by_handle = p.cmd == command::status_res;
  const std::string_view asked = by_handle ? t->handle() : t->unique();
  if ((by_handle || p.cmd == command::status_res_unique) && p.arg(0) != asked) {
    fail_connection(return_code::unexpected_packet,
                    std::string{proto::name(p.cmd)} + (by_handle ? " for handle " : " for unique ") +
                        proto::escape_bytes(p.arg(0)) + " while waiting for " + proto::escape_bytes(asked));
    return;
  }
  // Whatever allocates happens while the task still holds its FIFO slot: an
  // exception then leaves it where a connection failure finds it.
  if (p.cmd == command::error) {
    return_code rc = proto::map_server_error_code(p.arg(0));
    if (rc == return_code::success) rc = return_code::server_error;  // never success without JOB_CREATED
    t->server_code_.assign(p.arg(0).data(), p.arg(0).size());
    matched();
    fail_task(*t, rc, p.arg(1));
    return;
  }
  switch (t->kind_) {
    case task_kind::submit: {
      const std::string_view handle = p.arg(0);
      if (handle.empty() || handle.size() > max_job_handle_length) {
        const std::string why = "JOB_CREATED carries a job handle of " + std::to_string(handle.size()) +
                                " bytes (1.." + std::to_string(max_job_handle_length) + " allowed)";
        matched();
        fail_task(*t, return_code::invalid_packet, why);
        return;
      }
      const bool background = proto::is_background_submit(t->command_);
      if (!background) running_.emplace(std::string{handle}, t);
      matched();
      std::memcpy(t->handle_.data(), handle.data(), handle.size());
      t->handle_[handle.size()] = '\0';
      t->handle_size_ = static_cast<std::uint8_t>(handle.size());
      t->known_ = true;
      if (background) {
        finish(*t, return_code::success);
      } else {
        t->phase_ = task_phase::running;
      }
      return;
    }
    case task_kind::get_status:
    case task_kind::get_status_unique:
      handle_status(*t, p);  // builds its error text (allocates) before the slot is freed
      matched();
      return;
    case task_kind::echo: {
      matched();
      if (p.data != t->data_) {
        fail_task(*t, return_code::echo_data_corruption, "ECHO_RES differs from the data sent");
        return;
      }
      finish(*t, return_code::success);
      return;
    }
  }
}

void session::handle_status(task& t, const proto::packet_view& p) {
  struct field {
    const char* name;
    bool flag;
  };
  static constexpr field fields[] = {{"KNOWN", true},
                                     {"RUNNING", true},
                                     {"NUMERATOR", false},
                                     {"DENOMINATOR", false},
                                     {"CLIENT_COUNT", false}};
  const std::size_t count = p.cmd == command::status_res_unique ? 5 : 4;
  std::uint32_t values[5] = {};
  for (std::size_t i = 0; i < count; ++i) {
    const std::string why = read_status_field(p, i + 1, fields[i].name, fields[i].flag, values[i]);
    if (!why.empty()) {
      fail_task(t, return_code::invalid_packet, why);
      return;
    }
  }
  t.known_ = values[0] != 0;
  t.running_ = values[1] != 0;
  t.numerator_ = values[2];
  t.denominator_ = values[3];
  t.client_count_ = values[4];
  finish(t, return_code::success);
}

void session::handle_work_packet(const proto::packet_view& p) {
  auto range = running_.equal_range(std::string{p.arg(0)});
  if (range.first == range.second) {
    ++counters_.packets_ignored;  // WORK_* for a handle nobody here waits on
    return;
  }
  for (auto it = range.first; it != range.second; ++it) {
    task& t = *it->second;
    switch (p.cmd) {
      case command::work_status: {
        const auto numerator = status_field(p.arg(1)), denominator = status_field(p.arg(2));
        if (numerator && denominator) {
          t.numerator_ = static_cast<std::uint32_t>(*numerator);
          t.denominator_ = static_cast<std::uint32_t>(*denominator);
        }
        t.running_ = true;
        break;
      }
      case command::work_data:
        t.running_ = true;
        t.partial_data_.append(p.data.data(), p.data.size());
        break;
      case command::work_warning:
        t.running_ = true;
        break;
      case command::work_complete:
        t.data_.assign(p.data.data(), p.data.size());
        finish(t, return_code::success);
        break;
      case command::work_exception:
        t.data_.assign(p.data.data(), p.data.size());
        fail_task(t, return_code::work_exception, p.data);
        break;
      default:  // work_fail
        fail_task(t, return_code::work_fail, "worker reported WORK_FAIL");
        break;
    }
  }
  if (proto::ends_job(p.cmd)) running_.erase(range.first, range.second);
}

// ---- outcomes ----------------------------------------------------------------------

void session::finish(task& t, return_code rc) noexcept {
  t.result_ = rc;
  t.phase_ = task_phase::finished;
  if (rc != return_code::success) record(rc, t.error_text_);
}

void session::fail_task(task& t, return_code rc, std::string_view text) noexcept {
  detail::store_text(t.error_text_, text);
  finish(t, rc);
}

void session::fail_connection(return_code rc, std::string_view text) noexcept {
  broken_ = true;
  // The fault becomes the call's outcome only through the tasks it fails (finish()
  // records it): garbage after the last reply, with every task answered, leaves
  // run_tasks at SUCCESS however TCP happened to chunk the bytes.
  for (entry& e : queue_) {
    if (e.owner != nullptr) fail_task(*e.owner, rc, text);
  }
  queue_.clear();
  sent_ = 0;
  for (auto& [handle, t] : running_) {
    // A WORK_COMPLETE cut short by an exception may have finished some of a
    // coalesced group already: their outcome stands.
    if (!t->finished()) fail_task(*t, rc, text);
  }
  running_.clear();
  out_.drop();
}

void session::matched() noexcept {
  ++counters_.replies_matched;
  queue_.pop_front();
  --sent_;
}

}  // namespace gearspec::client
