// The Gearman command table: the one list of command numbers in gearspec.
//
// Every other part (encoder, decoder, names, generators, fuzz dictionary,
// seed corpus) reads this table; nothing else spells a command number.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
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

/// Which magic a command is sent with (derived from who sends it).
enum class direction : std::uint8_t {
  none,      ///< internal (TEXT, UNUSED, MAX)
  request,   ///< sent to the server with "\0REQ"
  response,  ///< sent by the server with "\0RES"
  both,      ///< relayed: "\0REQ" from a worker, "\0RES" to a client
};

/// The three kinds of peer on a Gearman connection.
enum class peer : std::uint8_t { client, worker, server };

/// What an argument means (WIRE.md section 2, "Body layout").
enum class role : std::uint8_t {
  none,        ///< past the command's last argument
  function,    ///< FUNC
  unique,      ///< UNIQ
  handle,      ///< HANDLE
  reducer,     ///< REDUCER of a reduce job
  number,      ///< decimal text: NUM, DEN, KNOWN, RUNNING, TIMEOUT, EPOCH, schedule fields, CLIENT_COUNT
  error_code,  ///< CODE of ERROR
  text,        ///< TEXT of ERROR
  option,      ///< NAME of OPTION_REQ/OPTION_RES
  client_id,   ///< ID of SET_CLIENT_ID
  opaque,      ///< AGGREGATE, and the words of an admin TEXT line
};

/// A small set of enum values (command numbers or peers) as a bit mask.
template <class E, class Bits>
class enum_set {
 public:
  constexpr enum_set() noexcept = default;
  constexpr enum_set(std::initializer_list<E> values) noexcept {
    for (const E v : values) bits_ = static_cast<Bits>(bits_ | bit(v));
  }
  constexpr bool has(E v) const noexcept {
    return static_cast<std::uint64_t>(v) < 8 * sizeof(Bits) && (bits_ & bit(v)) != 0;
  }
  constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr enum_set operator|(enum_set other) const noexcept {
    enum_set out;
    out.bits_ = static_cast<Bits>(bits_ | other.bits_);
    return out;
  }

 private:
  static constexpr Bits bit(E v) noexcept { return static_cast<Bits>(Bits{1} << static_cast<unsigned>(v)); }
  Bits bits_ = 0;
};
using peer_set = enum_set<peer, std::uint8_t>;
using command_set = enum_set<command, std::uint64_t>;

/// Largest argc of any command (SUBMIT_JOB_SCHED has 7; TEXT is 5).
inline constexpr std::size_t max_arguments = 8;

/// Number of rows in the table (0..43 inclusive).
inline constexpr std::size_t command_count = 44;

/// One row of the command table.
struct command_info {
  command cmd;
  std::string_view name;                  ///< upper-case protocol name, e.g. "SUBMIT_JOB_BG"
  peer_set from;                          ///< who may send it
  direction dir;                          ///< the magic it travels with, from `from`
  std::uint8_t argc;                      ///< fixed number of arguments
  bool has_data;                          ///< an opaque DATA part follows the arguments
  std::array<role, max_arguments> roles;  ///< roles[i] for i < argc; role::none after
  command_set answers;                    ///< the requests this packet is the reply to (empty: not a reply)
  bool served;  ///< a server acts on it when a peer sends it (false: ALL_YOURS, SUBMIT_JOB_SCHED)
};

namespace detail {

constexpr direction direction_of(peer_set from) noexcept {
  const bool to_server = from.has(peer::client) || from.has(peer::worker);
  const bool from_server = from.has(peer::server);
  if (to_server && from_server) return direction::both;
  if (to_server) return direction::request;
  return from_server ? direction::response : direction::none;
}

constexpr command_info row(command cmd, std::string_view name, peer_set from, bool has_data,
                           std::initializer_list<role> roles, command_set answers = {}, bool served = true) {
  command_info r{cmd, name,    from,  direction_of(from), static_cast<std::uint8_t>(roles.size()), has_data,
                 {},  answers, served};
  std::size_t i = 0;
  for (const role x : roles) r.roles[i++] = x;
  return r;
}

using c = command;
using r = role;
inline constexpr peer_set client{peer::client}, worker{peer::worker}, server{peer::server},
    client_or_worker{peer::client, peer::worker}, relayed{peer::worker, peer::server};
inline constexpr command_set submits{c::submit_job,        c::submit_job_bg,
                                     c::submit_job_high,   c::submit_job_high_bg,
                                     c::submit_job_low,    c::submit_job_low_bg,
                                     c::submit_job_sched,  c::submit_job_epoch,
                                     c::submit_reduce_job, c::submit_reduce_job_background};
// Every request that waits for exactly one reply, which may be ERROR instead.
inline constexpr command_set answered =
    submits | command_set{c::get_status, c::echo_req, c::option_req, c::get_status_unique};
// The relayed results after which a job is over (the others report progress).
inline constexpr command_set job_endings{c::work_complete, c::work_fail, c::work_exception};
inline constexpr bool data = true, no_data = false;

// clang-format off
inline constexpr std::array<command_info, command_count> command_table{{
    row(c::text, "TEXT", {}, no_data, {r::opaque, r::opaque, r::opaque, r::opaque, r::opaque}),
    row(c::can_do, "CAN_DO", worker, no_data, {r::function}),
    row(c::cant_do, "CANT_DO", worker, no_data, {r::function}),
    row(c::reset_abilities, "RESET_ABILITIES", worker, no_data, {}),
    row(c::pre_sleep, "PRE_SLEEP", worker, no_data, {}),
    row(c::unused, "UNUSED", {}, no_data, {}),
    row(c::noop, "NOOP", server, no_data, {}),
    row(c::submit_job, "SUBMIT_JOB", client, data, {r::function, r::unique}),
    row(c::job_created, "JOB_CREATED", server, no_data, {r::handle}, submits),
    row(c::grab_job, "GRAB_JOB", worker, no_data, {}),
    row(c::no_job, "NO_JOB", server, no_data, {}, {c::grab_job, c::grab_job_uniq, c::grab_job_all}),
    row(c::job_assign, "JOB_ASSIGN", server, data, {r::handle, r::function}, {c::grab_job}),
    row(c::work_status, "WORK_STATUS", relayed, no_data, {r::handle, r::number, r::number}),
    row(c::work_complete, "WORK_COMPLETE", relayed, data, {r::handle}),
    row(c::work_fail, "WORK_FAIL", relayed, no_data, {r::handle}),
    row(c::get_status, "GET_STATUS", client, no_data, {r::handle}),
    row(c::echo_req, "ECHO_REQ", client_or_worker, data, {}),
    row(c::echo_res, "ECHO_RES", server, data, {}, {c::echo_req}),
    row(c::submit_job_bg, "SUBMIT_JOB_BG", client, data, {r::function, r::unique}),
    row(c::error, "ERROR", server, no_data, {r::error_code, r::text}, answered),
    row(c::status_res, "STATUS_RES", server, no_data, {r::handle, r::number, r::number, r::number, r::number},
        {c::get_status}),
    row(c::submit_job_high, "SUBMIT_JOB_HIGH", client, data, {r::function, r::unique}),
    row(c::set_client_id, "SET_CLIENT_ID", client_or_worker, no_data, {r::client_id}),
    row(c::can_do_timeout, "CAN_DO_TIMEOUT", worker, no_data, {r::function, r::number}),
    row(c::all_yours, "ALL_YOURS", worker, no_data, {}, {}, false),
    row(c::work_exception, "WORK_EXCEPTION", relayed, data, {r::handle}),
    row(c::option_req, "OPTION_REQ", client_or_worker, no_data, {r::option}),
    row(c::option_res, "OPTION_RES", server, no_data, {r::option}, {c::option_req}),
    row(c::work_data, "WORK_DATA", relayed, data, {r::handle}),
    row(c::work_warning, "WORK_WARNING", relayed, data, {r::handle}),
    row(c::grab_job_uniq, "GRAB_JOB_UNIQ", worker, no_data, {}),
    // JOB_ASSIGN_ALL goes out as JOB_ASSIGN_UNIQ when the job has no reducer.
    row(c::job_assign_uniq, "JOB_ASSIGN_UNIQ", server, data, {r::handle, r::function, r::unique},
        {c::grab_job_uniq, c::grab_job_all}),
    row(c::submit_job_high_bg, "SUBMIT_JOB_HIGH_BG", client, data, {r::function, r::unique}),
    row(c::submit_job_low, "SUBMIT_JOB_LOW", client, data, {r::function, r::unique}),
    row(c::submit_job_low_bg, "SUBMIT_JOB_LOW_BG", client, data, {r::function, r::unique}),
    row(c::submit_job_sched, "SUBMIT_JOB_SCHED", client, data,
        {r::function, r::unique, r::number, r::number, r::number, r::number, r::number}, {}, false),
    row(c::submit_job_epoch, "SUBMIT_JOB_EPOCH", client, data, {r::function, r::unique, r::number}),
    row(c::submit_reduce_job, "SUBMIT_REDUCE_JOB", client, data,
        {r::function, r::unique, r::reducer, r::opaque}),
    row(c::submit_reduce_job_background, "SUBMIT_REDUCE_JOB_BACKGROUND", client, data,
        {r::function, r::unique, r::reducer, r::opaque}),
    row(c::grab_job_all, "GRAB_JOB_ALL", worker, no_data, {}),
    row(c::job_assign_all, "JOB_ASSIGN_ALL", server, data, {r::handle, r::function, r::unique, r::reducer},
        {c::grab_job_all}),
    row(c::get_status_unique, "GET_STATUS_UNIQUE", client, no_data, {r::unique}),
    row(c::status_res_unique, "STATUS_RES_UNIQUE", server, no_data,
        {r::unique, r::number, r::number, r::number, r::number, r::number}, {c::get_status_unique}),
    row(c::max, "MAX", {}, no_data, {}),
}};
// clang-format on

}  // namespace detail

/// The whole table, indexed by command number.
constexpr const std::array<command_info, command_count>& commands() noexcept { return detail::command_table; }

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

namespace detail {
// The six plain submits (WIRE.md 2.1): a priority, foreground or background.
struct plain_submit {
  priority prio;
  bool background;
  command cmd;
};
inline constexpr plain_submit plain_submits[] = {
    {priority::normal, false, command::submit_job},    {priority::normal, true, command::submit_job_bg},
    {priority::high, false, command::submit_job_high}, {priority::high, true, command::submit_job_high_bg},
    {priority::low, false, command::submit_job_low},   {priority::low, true, command::submit_job_low_bg}};
}  // namespace detail

/// The SUBMIT command for a priority, foreground or background (WIRE.md 2.1).
constexpr command submit_command(priority p, bool background) noexcept {
  for (const auto& row : detail::plain_submits)
    if (row.prio == p && row.background == background) return row.cmd;
  return background ? command::submit_job_bg : command::submit_job;
}

/// True for every SUBMIT_* command (7, 18, 21, 32, 33, 34, 35, 36, 37, 38).
constexpr bool is_submit(command cmd) noexcept { return detail::submits.has(cmd); }

/// Meaning of argument `index` of `cmd`; role::none past its last argument.
constexpr role argument_role(command cmd, std::size_t index) noexcept {
  const auto n = static_cast<std::uint32_t>(cmd);
  return n < command_count && index < max_arguments ? detail::command_table[n].roles[index] : role::none;
}

/// True when `p` may send `cmd`.
constexpr bool sent_by(command cmd, peer p) noexcept {
  const auto n = static_cast<std::uint32_t>(cmd);
  return n < command_count && detail::command_table[n].from.has(p);
}

/// True when the server passes `cmd` on from a worker to the job's clients
/// (the WORK_* commands): both a worker and the server send it.
constexpr bool is_relayed(command cmd) noexcept {
  return sent_by(cmd, peer::worker) && sent_by(cmd, peer::server);
}

/// True when `reply` is an answer to `request` (FIFO per connection, WIRE.md 3.5).
constexpr bool answers(command reply, command request) noexcept {
  const auto n = static_cast<std::uint32_t>(reply);
  return n < command_count && detail::command_table[n].answers.has(request);
}

/// True when `cmd` ends the job it names (WORK_COMPLETE, WORK_FAIL,
/// WORK_EXCEPTION); WORK_STATUS, WORK_DATA and WORK_WARNING leave it running.
constexpr bool ends_job(command cmd) noexcept { return detail::job_endings.has(cmd); }

/// True for a worker's grab (GRAB_JOB, GRAB_JOB_UNIQ, GRAB_JOB_ALL): the
/// requests NO_JOB answers.
constexpr bool is_grab(command cmd) noexcept { return answers(command::no_job, cmd); }

/// The fullest assignment (a reply with the job's data) that answers `grab`:
/// JOB_ASSIGN for GRAB_JOB, JOB_ASSIGN_UNIQ for GRAB_JOB_UNIQ, JOB_ASSIGN_ALL for
/// GRAB_JOB_ALL (which JOB_ASSIGN_UNIQ may answer too); NO_JOB for anything else.
constexpr command assignment_for(command grab) noexcept {
  const command_info* best = nullptr;
  for (const auto& row : detail::command_table)
    if (row.has_data && row.answers.has(grab) && (!best || row.argc > best->argc)) best = &row;
  return best ? best->cmd : command::no_job;
}

/// True for an assignment: a reply with a job's data that answers a grab
/// (JOB_ASSIGN, JOB_ASSIGN_UNIQ, JOB_ASSIGN_ALL).
constexpr bool is_assignment(command cmd) noexcept {
  const auto n = static_cast<std::uint32_t>(cmd);
  if (n >= command_count || !detail::command_table[n].has_data) return false;
  for (const auto& row : detail::command_table)
    if (is_grab(row.cmd) && answers(cmd, row.cmd)) return true;
  return false;
}

/// True when some reply answers `request`: its sender waits for one.
constexpr bool expects_reply(command request) noexcept {
  for (const auto& row : detail::command_table)
    if (row.answers.has(request)) return true;
  return false;
}

/// True when `reply` answers a request that `p` sends: the replies a client
/// matches to its oldest request (JOB_CREATED, ERROR, STATUS_RES, ECHO_RES,
/// OPTION_RES, STATUS_RES_UNIQUE), unlike NO_JOB and JOB_ASSIGN*, which only
/// a worker's GRAB_JOB* asks for.
constexpr bool answers_requests_of(command reply, peer p) noexcept {
  for (const auto& row : detail::command_table)
    if (row.from.has(p) && answers(reply, row.cmd)) return true;
  return false;
}

/// True when a server acts on `cmd` from a client or worker; gearmand answers
/// everything else with ERROR INVALID_COMMAND (WIRE.md 2).
constexpr bool accepted_by_server(command cmd) noexcept {
  const auto n = static_cast<std::uint32_t>(cmd);
  return (sent_by(cmd, peer::client) || sent_by(cmd, peer::worker)) && detail::command_table[n].served;
}

/// Background submits: the server attaches no client to the job.
constexpr bool is_background_submit(command cmd) noexcept {
  return cmd == command::submit_job_bg || cmd == command::submit_job_high_bg ||
         cmd == command::submit_job_low_bg || cmd == command::submit_job_epoch ||
         cmd == command::submit_job_sched || cmd == command::submit_reduce_job_background;
}

/// Priority a submit command carries (normal for the EPOCH/SCHED/REDUCE ones).
constexpr priority submit_priority(command cmd) noexcept {
  for (const auto& row : detail::plain_submits)
    if (row.cmd == cmd) return row.prio;
  return priority::normal;
}

std::string_view name(priority p) noexcept;

}  // namespace gearspec::proto
