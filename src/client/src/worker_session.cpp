#include "gearspec/client/worker_session.hpp"

#include <algorithm>
#include <iterator>
#include <system_error>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/limits.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::client {
using proto::command;

proto::command grab_command(grab_mode mode) noexcept {
  constexpr command grabs[] = {command::grab_job, command::grab_job_uniq, command::grab_job_all};
  const auto i = static_cast<std::size_t>(mode);
  return i < std::size(grabs) ? grabs[i] : command::grab_job_all;
}

std::string_view name(worker_state s) noexcept {
  constexpr std::string_view names[] = {"idle", "grabbing", "sleeping", "assigned"};
  const auto i = static_cast<std::size_t>(s);
  return i < std::size(names) ? names[i] : "unknown";
}

worker_session::worker_session(worker_limits limits, grab_mode mode) : server_link(limits), mode_(mode) {}

// ---- abilities ---------------------------------------------------------------

void worker_session::queue(command cmd, const std::string_view* args, std::size_t argc,
                           std::string_view data) {
  if (const std::error_code ec = out_.append(proto::magic::request, cmd, args, argc, data))
    throw std::system_error(ec, std::string{"encoding "} + std::string{proto::name(cmd)});
}

void worker_session::announce(const ability& a) {
  if (a.timeout == 0) {
    const std::string_view args[1] = {a.name};
    queue(command::can_do, args, 1);
  } else {
    const std::string seconds = std::to_string(a.timeout);
    const std::string_view args[2] = {a.name, seconds};
    queue(command::can_do_timeout, args, 2);
  }
}

return_code worker_session::can_do(std::string_view function, std::uint32_t timeout) {
  if (function.empty() || function.size() > proto::max_function_size ||
      function.find('\0') != std::string_view::npos)
    return return_code::invalid_argument;
  auto it = std::find_if(abilities_.begin(), abilities_.end(),
                         [&](const ability& a) { return a.name == function; });
  if (it == abilities_.end()) {
    abilities_.push_back(ability{std::string{function}, timeout});
    it = abilities_.end() - 1;
  } else {
    it->timeout = timeout;
  }
  announce(*it);
  return return_code::success;
}

return_code worker_session::cant_do(std::string_view function) {
  auto it = std::find_if(abilities_.begin(), abilities_.end(),
                         [&](const ability& a) { return a.name == function; });
  if (it == abilities_.end()) return return_code::no_registered_function;
  const std::string_view args[1] = {function};
  queue(command::cant_do, args, 1);
  abilities_.erase(it);
  return return_code::success;
}

void worker_session::reset_abilities() {
  queue(command::reset_abilities, nullptr, 0);
  abilities_.clear();
}

bool worker_session::can(std::string_view function) const noexcept {
  return std::any_of(abilities_.begin(), abilities_.end(),
                     [&](const ability& a) { return a.name == function; });
}

// ---- the grab cycle --------------------------------------------------------------

void worker_session::queue_grab() {
  queue(grab_command(mode_), nullptr, 0);
  grab_end_ = out_.end();
  ++counters_.grabs_sent;
  state_ = worker_state::grabbing;
}

return_code worker_session::grab() {
  if (state_ != worker_state::idle) return return_code::invalid_argument;
  if (abilities_.empty()) return return_code::no_registered_functions;
  queue_grab();
  return return_code::success;
}

return_code worker_session::send_work(command cmd, std::string_view data, std::string_view numerator,
                                      std::string_view denominator) {
  if (state_ != worker_state::assigned) return return_code::invalid_argument;
  const std::string_view args[3] = {job_.handle, numerator, denominator};
  const std::size_t argc = proto::info(cmd).argc;
  if (proto::body_size(cmd, args, argc, data) > proto::max_encodable_body)
    return return_code::argument_too_large;
  queue(cmd, args, argc, data);
  if (proto::ends_job(cmd)) state_ = worker_state::idle;
  return return_code::success;
}

return_code worker_session::send_status(std::uint32_t numerator, std::uint32_t denominator) {
  return send_work(command::work_status, {}, std::to_string(numerator), std::to_string(denominator));
}
return_code worker_session::send_data(std::string_view data) { return send_work(command::work_data, data); }
return_code worker_session::send_warning(std::string_view data) {
  return send_work(command::work_warning, data);
}
return_code worker_session::send_complete(std::string_view result) {
  return send_work(command::work_complete, result);
}
return_code worker_session::send_fail() { return send_work(command::work_fail, {}); }
return_code worker_session::send_exception(std::string_view data) {
  return send_work(command::work_exception, data);
}

// ---- connection events ------------------------------------------------------------

void worker_session::connection_opened() {
  decoder_.reset();
  broken_ = false;
  out_.drop();
  state_ = worker_state::idle;
  for (const ability& a : abilities_) announce(a);
}

void worker_session::timed_out(std::string_view why) noexcept {
  // Asleep with PRE_SLEEP written, the server owes nothing but a NOOP: the
  // connection is still in step and a later wait goes on with it.
  if (state_ == worker_state::sleeping && output().empty()) {
    record(return_code::timeout, why);
    return;
  }
  fail_connection(return_code::timeout, why);
}

// ---- packets ---------------------------------------------------------------------------

void worker_session::handle_packet(const proto::packet_view& p) {
  ++counters_.packets_received;
  if (!from_server(p)) return;
  const bool grab_written = out_.written() >= grab_end_;
  switch (p.cmd) {
    case command::error: {
      ++counters_.errors;
      return_code rc = proto::map_server_error_code(p.arg(0));
      if (rc == return_code::success) rc = return_code::server_error;
      server_code_.assign(p.arg(0).data(), p.arg(0).size());
      record(rc, p.arg(1));
      return;
    }
    case command::noop:
      if (state_ == worker_state::sleeping) {
        ++counters_.wakeups;
        queue_grab();
      } else {
        ++counters_.noops_ignored;  // a wake-up for a worker that is not asleep changes nothing
      }
      return;
    case command::no_job:
      if (state_ != worker_state::grabbing || !grab_written) break;
      ++counters_.no_jobs;
      queue(command::pre_sleep, nullptr, 0);
      ++counters_.pre_sleeps_sent;
      state_ = worker_state::sleeping;
      return;
    case command::job_assign:
    case command::job_assign_uniq:
    case command::job_assign_all:
      if (state_ != worker_state::grabbing || !grab_written || !proto::answers(p.cmd, grab_command(mode_)))
        break;
      handle_assign(p);
      return;
    default:
      break;
  }
  fail_connection(return_code::unexpected_packet,
                  std::string{proto::name(p.cmd)} + " while the worker is " + std::string{name(state_)} +
                      (state_ == worker_state::grabbing
                           ? std::string{" ("} + std::string{proto::name(grab_command(mode_))} +
                                 (grab_written ? " sent)" : " not yet sent)")
                           : std::string{}));
}

void worker_session::handle_assign(const proto::packet_view& p) {
  if (p.arg(0).empty() || p.arg(1).empty()) {
    fail_connection(return_code::invalid_packet, std::string{proto::name(p.cmd)} + " with an empty " +
                                                     (p.arg(0).empty() ? "job handle" : "function name"));
    return;
  }
  ++counters_.jobs_assigned;
  job_.assigned_by = p.cmd;
  job_.handle.assign(p.arg(0).data(), p.arg(0).size());
  job_.function.assign(p.arg(1).data(), p.arg(1).size());
  const bool has_unique = p.cmd != command::job_assign;
  job_.unique.assign(has_unique ? p.arg(2) : std::string_view{});
  job_.reducer.assign(p.cmd == command::job_assign_all ? p.arg(3) : std::string_view{});
  job_.workload.assign(p.data.data(), p.data.size());
  state_ = worker_state::assigned;
  if (!can(job_.function)) {
    // Answered at once: unanswered, the server would hold it for this
    // connection's whole life.
    send_fail();
    record(return_code::invalid_function_name,
           "server assigned " + proto::escape_bytes(job_.function) + ", a function this worker does not do");
  }
}

void worker_session::fail_connection(return_code rc, std::string_view text) noexcept {
  broken_ = true;
  state_ = worker_state::idle;
  out_.drop();
  record(rc, text);
}

}  // namespace gearspec::client
