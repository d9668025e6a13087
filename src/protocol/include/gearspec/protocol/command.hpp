// The Gearman command table: the one list of command numbers in gearspec.
//
// Every other part (encoder, decoder, names, generators, fuzz dictionary,
// seed corpus) reads this table; nothing else spells a command number.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gearspec::proto {

/// Command numbers of the binary protocol (WIRE.md section 2).
enum class command : std::uint32_t {
  text = 0,  ///< internal marker for admin text lines; never valid on the wire
  can_do = 1,
  cant_do = 2,
  reset_abilities = 3,
  pre_sleep = 4,
  unused = 5,
  noop = 6,
  submit_job = 7,
  job_created = 8,
  grab_job = 9,
  no_job = 10,
  job_assign = 11,
  work_status = 12,
  work_complete = 13,
  work_fail = 14,
  get_status = 15,
  echo_req = 16,
  echo_res = 17,
  submit_job_bg = 18,
  error = 19,
  status_res = 20,
  submit_job_high = 21,
  set_client_id = 22,
  can_do_timeout = 23,
  all_yours = 24,
  work_exception = 25,
  option_req = 26,
  option_res = 27,
  work_data = 28,
  work_warning = 29,
  grab_job_uniq = 30,
  job_assign_uniq = 31,
  submit_job_high_bg = 32,
  submit_job_low = 33,
  submit_job_low_bg = 34,
  submit_job_sched = 35,
  submit_job_epoch = 36,
  submit_reduce_job = 37,
  submit_reduce_job_background = 38,
  grab_job_all = 39,
  job_assign_all = 40,
  get_status_unique = 41,
  status_res_unique = 42,
  max = 43,  ///< end marker; never valid on the wire
};

/// Which magic a command is sent with.
enum class direction : std::uint8_t {
  none,      ///< internal (TEXT, UNUSED, MAX)
  request,   ///< sent to the server with "\0REQ"
  response,  ///< sent by the server with "\0RES"
  both,      ///< relayed: "\0REQ" from a worker, "\0RES" to a client
};

/// One row of the command table.
struct command_info {
  command cmd;
  std::string_view name;  ///< upper-case protocol name, e.g. "SUBMIT_JOB_BG"
  direction dir;
  std::uint8_t argc;  ///< fixed number of arguments
  bool has_data;      ///< an opaque DATA part follows the arguments
};

/// Largest argc of any command (SUBMIT_JOB_SCHED has 7; TEXT is 5).
inline constexpr std::size_t max_arguments = 8;

/// Number of rows in the table (0..43 inclusive).
inline constexpr std::size_t command_count = 44;

namespace detail {
using d = direction;
inline constexpr std::array<command_info, command_count> command_table{{
    {command::text, "TEXT", d::none, 5, false},
    {command::can_do, "CAN_DO", d::request, 1, false},
    {command::cant_do, "CANT_DO", d::request, 1, false},
    {command::reset_abilities, "RESET_ABILITIES", d::request, 0, false},
    {command::pre_sleep, "PRE_SLEEP", d::request, 0, false},
    {command::unused, "UNUSED", d::none, 0, false},
    {command::noop, "NOOP", d::response, 0, false},
    {command::submit_job, "SUBMIT_JOB", d::request, 2, true},
    {command::job_created, "JOB_CREATED", d::response, 1, false},
    {command::grab_job, "GRAB_JOB", d::request, 0, false},
    {command::no_job, "NO_JOB", d::response, 0, false},
    {command::job_assign, "JOB_ASSIGN", d::response, 2, true},
    {command::work_status, "WORK_STATUS", d::both, 3, false},
    {command::work_complete, "WORK_COMPLETE", d::both, 1, true},
    {command::work_fail, "WORK_FAIL", d::both, 1, false},
    {command::get_status, "GET_STATUS", d::request, 1, false},
    {command::echo_req, "ECHO_REQ", d::request, 0, true},
    {command::echo_res, "ECHO_RES", d::response, 0, true},
    {command::submit_job_bg, "SUBMIT_JOB_BG", d::request, 2, true},
    {command::error, "ERROR", d::response, 2, false},
    {command::status_res, "STATUS_RES", d::response, 5, false},
    {command::submit_job_high, "SUBMIT_JOB_HIGH", d::request, 2, true},
    {command::set_client_id, "SET_CLIENT_ID", d::request, 1, false},
    {command::can_do_timeout, "CAN_DO_TIMEOUT", d::request, 2, false},
    {command::all_yours, "ALL_YOURS", d::request, 0, false},
    {command::work_exception, "WORK_EXCEPTION", d::both, 1, true},
    {command::option_req, "OPTION_REQ", d::request, 1, false},
    {command::option_res, "OPTION_RES", d::response, 1, false},
    {command::work_data, "WORK_DATA", d::both, 1, true},
    {command::work_warning, "WORK_WARNING", d::both, 1, true},
    {command::grab_job_uniq, "GRAB_JOB_UNIQ", d::request, 0, false},
    {command::job_assign_uniq, "JOB_ASSIGN_UNIQ", d::response, 3, true},
    {command::submit_job_high_bg, "SUBMIT_JOB_HIGH_BG", d::request, 2, true},
    {command::submit_job_low, "SUBMIT_JOB_LOW", d::request, 2, true},
    {command::submit_job_low_bg, "SUBMIT_JOB_LOW_BG", d::request, 2, true},
    {command::submit_job_sched, "SUBMIT_JOB_SCHED", d::request, 7, true},
    {command::submit_job_epoch, "SUBMIT_JOB_EPOCH", d::request, 3, true},
    {command::submit_reduce_job, "SUBMIT_REDUCE_JOB", d::request, 4, true},
    {command::submit_reduce_job_background, "SUBMIT_REDUCE_JOB_BACKGROUND", d::request, 4, true},
    {command::grab_job_all, "GRAB_JOB_ALL", d::request, 0, false},
    {command::job_assign_all, "JOB_ASSIGN_ALL", d::response, 4, true},
    {command::get_status_unique, "GET_STATUS_UNIQUE", d::request, 1, false},
    {command::status_res_unique, "STATUS_RES_UNIQUE", d::response, 6, false},
    {command::max, "MAX", d::none, 0, false},
}};
}  // namespace detail

/// The whole table, indexed by command number.
constexpr const std::array<command_info, command_count>& commands() noexcept {
  return detail::command_table;
}

/// True for the numbers a binary header may carry (1..42).
constexpr bool is_wire_command(std::uint32_t number) noexcept {
  return number >= 1 && number < static_cast<std::uint32_t>(command::max);
}

/// Table row of a command. Precondition: number <= 43.
constexpr const command_info& info(command cmd) noexcept {
  return detail::command_table[static_cast<std::size_t>(cmd)];
}

/// Protocol name ("SUBMIT_JOB_BG"); "UNKNOWN" for numbers outside the table.
constexpr std::string_view name(command cmd) noexcept {
  const auto n = static_cast<std::uint32_t>(cmd);
  return n < command_count ? detail::command_table[n].name : std::string_view{"UNKNOWN"};
}

/// Command by protocol name, case-insensitive ("submit_job_bg" works).
std::optional<command> command_from_name(std::string_view name) noexcept;

/// Priority of a submitted job (gearman_job_priority_t values).
enum class priority : std::uint8_t { high = 0, normal = 1, low = 2 };

/// The SUBMIT command for a priority, foreground or background (WIRE.md 2.1).
constexpr command submit_command(priority p, bool background) noexcept {
  switch (p) {
    case priority::high:
      return background ? command::submit_job_high_bg : command::submit_job_high;
    case priority::low:
      return background ? command::submit_job_low_bg : command::submit_job_low;
    case priority::normal:
      break;
  }
  return background ? command::submit_job_bg : command::submit_job;
}

/// True for every SUBMIT_* command (7, 18, 21, 32, 33, 34, 35, 36, 37, 38).
constexpr bool is_submit(command cmd) noexcept {
  switch (cmd) {
    case command::submit_job:
    case command::submit_job_bg:
    case command::submit_job_high:
    case command::submit_job_high_bg:
    case command::submit_job_low:
    case command::submit_job_low_bg:
    case command::submit_job_sched:
    case command::submit_job_epoch:
    case command::submit_reduce_job:
    case command::submit_reduce_job_background:
      return true;
    default:
      return false;
  }
}

/// Background submits: the server attaches no client to the job.
constexpr bool is_background_submit(command cmd) noexcept {
  return cmd == command::submit_job_bg || cmd == command::submit_job_high_bg ||
         cmd == command::submit_job_low_bg || cmd == command::submit_job_epoch ||
         cmd == command::submit_job_sched || cmd == command::submit_reduce_job_background;
}

/// Priority a submit command carries (normal for the EPOCH/SCHED/REDUCE ones).
constexpr priority submit_priority(command cmd) noexcept {
  switch (cmd) {
    case command::submit_job_high:
    case command::submit_job_high_bg:
      return priority::high;
    case command::submit_job_low:
    case command::submit_job_low_bg:
      return priority::low;
    default:
      return priority::normal;
  }
}

std::string_view name(priority p) noexcept;

}  // namespace gearspec::proto
