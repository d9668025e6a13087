// A conformance case: what the adapter is asked to do, what the server does,
// and what is expected of the client's bytes and of its reported outcome.
// Loaded from the YAML case files in src/conformance/cases/ (see case_loader.hpp
// and docs/conformance.md for the format).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gearspec/conformance/names.hpp"
#include "gearspec/conformance/worker_case.hpp"
#include "gearspec/protocol/command.hpp"

namespace gearspec::conformance {

/// How strongly the spec asks for what a case checks (RFC 2119 words).
/// A violated MUST grades FAILED, a violated SHOULD NON-STRICT, and a MAY
/// case only reports what it observed (INFORMATIONAL).
enum class requirement : std::uint8_t { must, should, may };

/// What the adapter must report for one job.
enum class expected_outcome : std::uint8_t {
  as_server,    ///< success exactly when the server created the job (a whole JOB_CREATED answered it)
  ok,           ///< success
  error,        ///< an error
  ok_or_error,  ///< either; only the generic rules apply (no success for an uncreated job, exact handle)
};

/// What must appear on the wire for one job.
enum class expected_wire : std::uint8_t {
  sent,              ///< a submit with exactly these bytes
  sent_or_rejected,  ///< either sent byte-exact or not sent at all (rejected before sending)
  unchecked,         ///< not graded (e.g. nothing can reach a refused port)
};

/// One job of a submit request.
struct job_spec {
  std::string function;
  std::optional<std::string> unique;  ///< nullopt: the library's default (no unique given)
  std::string workload;
  proto::priority prio = proto::priority::normal;
  bool background = true;

  expected_outcome outcome = expected_outcome::as_server;
  /// The level at which a missed outcome is graded (default: the case's).
  /// Lets a MUST case also check, at SHOULD, what the other jobs report.
  std::optional<requirement> outcome_level;
  expected_wire wire = expected_wire::sent;
  /// Acceptable `error_class` values when the job fails (empty: any). A
  /// different class is a SHOULD violation by default (classes are the
  /// adapter's words); `error_class_level` can demand them at MUST.
  std::vector<std::string> error_classes;
  std::optional<requirement> error_class_level;

  /// True when the caller gives no unique or an empty one: the client picks
  /// (empty on the wire, or a fresh value never repeated).
  bool unique_is_default() const { return !unique || unique->empty(); }
  proto::command submit_command() const { return proto::submit_command(prio, background); }
};

/// Status fields as STATUS_RES / STATUS_RES_UNIQUE carry them.
struct status_values {
  bool known = false;
  bool running = false;
  std::uint32_t numerator = 0;
  std::uint32_t denominator = 0;
  std::optional<std::uint32_t> client_count;  ///< by unique: graded when the adapter reports it
};

/// One `status` request: GET_STATUS for a handle, or GET_STATUS_UNIQUE.
struct status_spec {
  bool by_unique = false;
  std::string key;  ///< the handle or unique, bytes as given to the library
  /// The values the adapter must report, as the server sent them; nullopt:
  /// an error is expected (a malformed or missing STATUS_RES).
  std::optional<status_values> expect;
  bool error_or_ok = false;  ///< either outcome; only the wire is graded
  expected_wire wire = expected_wire::sent;
  std::vector<std::string> error_classes;  ///< acceptable classes when an error is reported (SHOULD)
};

/// One request sent to the adapter: a `submit` of jobs, or a `status` poll.
struct request_spec {
  std::vector<job_spec> jobs;
  int timeout_ms = 1000;  ///< passed to the library (feature `timeout`)
  /// The caller sets no timeout (`timeout_ms: none`): the library's default
  /// applies, and no `timeout_ms` is sent to the adapter.
  bool library_default_timeout = false;
  std::optional<status_spec> status;  ///< set: a `status` request (jobs empty)
};

/// Where the adapter is pointed.
enum class server_kind : std::uint8_t {
  scenario,  ///< gearmock playing the case's scenario
  queue,     ///< gearmock in queue mode (behaves like gearmand)
  refused,   ///< a loopback port nobody listens on
};

struct case_spec {
  std::string id;       ///< stable, `area/n`, e.g. "submit-bg/3"
  std::string title;    ///< one line, plain words
  std::string section;  ///< the spec section it checks, e.g. "SEMANTICS 5"
  requirement level = requirement::must;
  std::string requirement_text;    ///< the sentence of the spec being checked
  std::vector<std::string> needs;  ///< adapter features without which the case is UNIMPLEMENTED
  /// The adapter protocol the case needs besides what its jobs imply (`protocol: 2`:
  /// a handle that is not UTF-8 can only be reported as handle_b64).
  int protocol = 1;

  server_kind server = server_kind::queue;
  std::string scenario_yaml;  ///< gearmock scenario text (server_kind::scenario)
  int scenario_first_line = 1;

  std::vector<request_spec> requests;
  /// A worker case: the adapter takes jobs (op `work`) instead of submitting.
  std::optional<work_spec> work;
  /// Fresh adapter processes that each play `requests` against the same
  /// server (checks uniqueness of generated uniques across processes).
  int processes = 1;
  /// Generated uniques must never repeat across the case's jobs.
  bool fresh_uniques_distinct = true;
  /// How long the runner waits for each answer before grading HUNG.
  int deadline_ms = 3000;
  /// When the deadline passes with no answer: HUNG (default), or only the
  /// case's own level (a SHOULD case on library defaults is NON-STRICT).
  bool deadline_at_case_level = false;
  /// Each request should be answered within this time (ms), graded at the
  /// case's level with the time taken (catches quadratic batch costs).
  std::optional<int> budget_ms;
  /// A submit sent again with the same bytes (a retry after a lost
  /// connection) is allowed; otherwise every submit must belong to one job.
  bool allow_retry = false;

  std::string source_file;
  int source_line = 0;
};

// The names the case files use (server kinds in the order the loader lists them).
inline constexpr named<requirement> requirement_names[] = {
    {requirement::must, "MUST"}, {requirement::should, "SHOULD"}, {requirement::may, "MAY"}};
inline constexpr named<expected_outcome> outcome_names[] = {{expected_outcome::as_server, "as-server"},
                                                            {expected_outcome::ok, "ok"},
                                                            {expected_outcome::error, "error"},
                                                            {expected_outcome::ok_or_error, "ok-or-error"}};
inline constexpr named<expected_wire> wire_names[] = {{expected_wire::sent, "sent"},
                                                      {expected_wire::sent_or_rejected, "sent-or-rejected"},
                                                      {expected_wire::unchecked, "unchecked"}};
inline constexpr named<server_kind> server_names[] = {
    {server_kind::queue, "queue"}, {server_kind::refused, "refused"}, {server_kind::scenario, "scenario"}};

inline std::string_view to_string(requirement r) noexcept { return name_in(requirement_names, r); }
inline std::string_view to_string(expected_outcome o) noexcept { return name_in(outcome_names, o); }
inline std::string_view to_string(expected_wire w) noexcept { return name_in(wire_names, w); }
inline std::string_view to_string(server_kind k) noexcept { return name_in(server_names, k); }

/// Features every adapter is asked about (ADAPTER.md `hello`).
const std::vector<std::string>& known_features();

/// The features a case needs: its explicit `needs` plus what its jobs imply
/// (background always; high and low for those priorities).
std::vector<std::string> required_features(const case_spec& c);

/// The lowest adapter protocol that can run the case: 2 when a function or
/// unique is not UTF-8 (v1 carries them as JSON strings) or the case says so.
/// An adapter speaking less gets UNIMPLEMENTED.
int required_protocol(const case_spec& c);

}  // namespace gearspec::conformance
