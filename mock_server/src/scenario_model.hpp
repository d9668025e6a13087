// The parsed form of a scenario file (docs/scenarios.md): a tree of steps per
// connection script. Built by scenario_parser.cpp, played by scenario_player.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::mock::detail {

/// A predicate on one byte string (argument, data or text line).
struct bytes_predicate {
  enum class kind : std::uint8_t { any, exact, regex, length, uuid, prefix };
  kind what = kind::any;
  std::string value;  ///< exact bytes / prefix / regex source
  std::shared_ptr<const std::regex> re;
  std::size_t min_length = 0, max_length = 0;  ///< length: inclusive range

  bool matches(std::string_view bytes) const;
  std::string describe() const;
};

/// A byte string with `${...}` substitutions, expanded when played.
struct value_template {
  struct part {
    enum class kind : std::uint8_t { literal, new_handle, last_handle, arg, data, connection, counter };
    kind what = kind::literal;
    std::string literal;
    std::size_t index = 0;  ///< argument number for kind::arg
  };
  std::vector<part> parts;
};

/// One thing to send: a packet (possibly malformed on purpose) or raw bytes.
struct send_item {
  enum class kind : std::uint8_t { packet, raw, text };
  kind what = kind::packet;
  std::string magic4 = std::string{proto::response_magic};  ///< wrong_magic replaces it
  std::uint32_t command_number = 0;
  std::vector<value_template> args;
  value_template data;
  std::optional<std::uint32_t> size_override;  ///< header size field (oversize faults)
  value_template raw;                          ///< kind::raw / kind::text bytes
  /// `assign`: the JOB_ASSIGN* that answers the connection's last grab, from
  /// args = handle, function, unique, reducer and data = workload (JOB_ASSIGN
  /// drops unique and reducer, JOB_ASSIGN_UNIQ the reducer).
  bool assign = false;
};

struct step;
using step_list = std::vector<step>;

struct step {
  enum class kind : std::uint8_t {
    expect,      ///< wait for a packet or text line and check it
    send,        ///< write items (reply, raw, garbage, faults)
    delay,       ///< pause
    close,       ///< orderly close (FIN after pending writes)
    reset,       ///< abortive close (SO_LINGER 0 -> RST)
    half_close,  ///< shutdown(SHUT_WR): no more writes, keep reading
    black_hole,  ///< read and journal everything, never answer again
    repeat,      ///< body `times` times (0 = forever)
    state,       ///< label for goto
    go_to,       ///< jump to a top-level state
    hold,        ///< queue mode: stop handing out jobs of `name` ("" = all)
    release,     ///< undo hold
    queue,       ///< from here on the connection is in queue mode
    note,        ///< journal a remark
  };
  kind what = kind::note;
  int line = 0;  ///< source line, for journal notes and mismatches

  // expect
  bool expect_text = false;               ///< an admin text line rather than a packet
  std::optional<proto::command> command;  ///< nullopt = any command
  bool expect_grab = false;               ///< GRAB: any of GRAB_JOB, GRAB_JOB_UNIQ, GRAB_JOB_ALL
  std::vector<bytes_predicate> args;      ///< empty = arguments unchecked
  std::optional<bytes_predicate> data;    ///< DATA part or text line
  bool pass_to_queue = false;             ///< matched packet is answered by queue mode

  // send
  std::vector<send_item> items;
  bool coalesce = false;                   ///< all items in one write
  std::optional<std::size_t> split_at;     ///< each write split in two at this offset
  bool drip = false;                       ///< one byte per write
  std::optional<std::size_t> close_after;  ///< send only this many bytes, then close
  bool reset_after = false;                ///< close_after ends with RST instead of FIN
  bool close_within = false;               ///< close_after bounded to the step's length - 1
  std::chrono::milliseconds write_gap{0};  ///< pause between the writes of this step

  std::chrono::milliseconds duration{0};  // delay
  std::size_t times = 1;                  // repeat
  step_list body;                         // repeat
  std::string name;                       // state, goto, hold, release, note
};

/// What happens when an expect does not match.
enum class mismatch_action : std::uint8_t { continue_script, skip, close, reset, queue };
/// What happens after the last step.
enum class end_action : std::uint8_t { queue, close, silent };

struct connection_script {
  step_list steps;
  int line = 0;
};

struct scenario_model {
  std::string name;
  std::string source;
  std::string description;
  mismatch_action on_mismatch = mismatch_action::continue_script;
  end_action then = end_action::queue;
  /// Connection preamble outside the script: an OPTION_REQ or SET_CLIENT_ID
  /// that does not match the current expect step is answered as queue mode
  /// would (OPTION_RES / ERROR UNKNOWN_OPTION; nothing for SET_CLIENT_ID)
  /// without consuming a step. Clients such as PHP's and abraxas send
  /// OPTION_REQ "exceptions" first and wait for the answer.
  bool answer_options = true;
  std::vector<connection_script> connections;  ///< i-th accepted connection plays connections[i]
  std::optional<connection_script> every;      ///< `steps:` for connections without their own
};

}  // namespace gearspec::mock::detail
