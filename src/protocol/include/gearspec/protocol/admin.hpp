// The admin text protocol (WIRE.md section 8): request tokenizer, request
// classification, reply formatting (gearmand's exact framing) and reply parsing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace gearspec::proto::admin {

/// gearmand reads at most 5 tokens; a 6th closes the connection.
inline constexpr std::size_t max_tokens = 5;

struct tokens {
  std::array<std::string_view, max_tokens> token{};
  std::size_t count = 0;
  std::string_view operator[](std::size_t i) const noexcept {
    return i < count ? token[i] : std::string_view{};
  }
};

/// Split a line as decoder::text() returns it (the "\n" and the one "\r"
/// before it already removed; any other "\r" stays part of a token) on
/// spaces, as gearmand does: runs of spaces are one separator, a leading
/// space yields an empty first token, trailing spaces one empty last token
/// ("show " is two tokens). An empty line gives one empty token.
/// errc::too_many_tokens past 5 (gearmand closes the connection).
std::error_code tokenize(std::string_view line, tokens& out) noexcept;

enum class verb : std::uint8_t {
  status,
  prioritystatus,
  workers,
  version,
  getpid,
  verbose,
  maxqueue,
  show_jobs,
  show_unique_jobs,
  show_unknown,
  cancel_job,
  create_function,
  drop_function,
  unknown,
};

/// gearmand's error replies to admin lines (WIRE.md 8.3), one per wording.
enum class refusal : std::uint8_t {
  incomplete_arguments,  ///< "ERR INVALID_ARGUMENTS
                         ///< An+incomplete+set+of+arguments+was+sent+to+this+command+<word>"
  unknown_show,          ///< "ERR UNKNOWN_SHOW_ARGUMENTS"
  unknown_job,           ///< "ERR UNKNOWN_JOB": cancel of a handle the server does not know
  unknown_error,         ///< "ERR UNKNOWN_ERROR": a malformed cancel, or cancel of a running job
  unknown_command,       ///< "ERR UNKNOWN_COMMAND Unknown+server+command<word>"
  function_busy,         ///< "ERR there are still connected workers or executing clients" (drop)
  function_not_found,    ///< "ERR function not found" (drop)
};

/// A classified request line.
struct request {
  verb what = verb::unknown;
  tokens toks;
  /// Set when the tokens alone already decide gearmand's error reply.
  std::optional<refusal> refused;
  std::string_view function() const noexcept;  ///< maxqueue/create/drop
  std::string_view handle() const noexcept;    ///< cancel job
};

/// Classify a tokenized line the way gearmand picks its reply branch, and
/// check its arguments as gearmand does (WIRE.md 8.3): the first word picks
/// the verb (case-insensitive; "show" needs 2+ tokens and "cancel" 3+, fewer
/// is verb::unknown); then "cancel" must be exactly "cancel job H"
/// (else UNKNOWN_ERROR), "create"/"drop" exactly "<word> function F" (else
/// INVALID_ARGUMENTS), "maxqueue" needs a function, and "show" only knows
/// "jobs" and "unique jobs". What remains to check is the server's state.
request classify(const tokens& t) noexcept;

/// True when the reply to `v` is a listing ended by ".\n".
constexpr bool replies_with_listing(verb v) noexcept {
  return v == verb::status || v == verb::prioritystatus || v == verb::workers || v == verb::show_jobs ||
         v == verb::show_unique_jobs;
}

// ---- formatting (server side), byte-exact as gearmand 1.1.20 -------------

struct status_row {
  std::string function;
  std::uint64_t total = 0, running = 0, workers = 0;
};
struct priority_status_row {
  std::string function;
  std::uint64_t high = 0, normal = 0, low = 0, workers = 0;
};
struct worker_row {
  std::string fd, ip, client_id;
  std::vector<std::string> functions;
};
struct job_row {
  std::string handle;
  std::uint64_t retries = 0;
  bool ignore = false;
  bool queued = true;
};

std::string format_status(const std::vector<status_row>& rows);
std::string format_priority_status(const std::vector<priority_status_row>& rows);
std::string format_workers(const std::vector<worker_row>& rows);
std::string format_show_jobs(const std::vector<job_row>& rows);
std::string format_show_unique_jobs(const std::vector<std::string>& uniques);
/// "OK\r\n"
std::string format_ok();
/// "OK <value>\n" (version, getpid, verbose)
std::string format_ok_value(std::string_view value);
/// "ERR <CODE> <text, spaces as +>\r\n"
std::string format_err(std::string_view code, std::string_view text);
/// gearmand's reply to an unknown word: "ERR UNKNOWN_COMMAND Unknown+server+command<word>\r\n"
std::string format_unknown_command(std::string_view word);
/// gearmand's line for `why`; `word` is the command word of
/// incomplete_arguments and the unknown word of unknown_command.
std::string format_refusal(refusal why, std::string_view word = {});
/// The reply to a request classify() refused. Precondition: r.refused.
std::string format_refusal(const request& r);

// ---- parsing (client side) ------------------------------------------------

/// One complete reply, as read off the wire.
struct reply {
  bool ok = false;                 ///< "OK..." line or a listing
  std::string code;                ///< ERR code
  std::string text;                ///< ERR text with '+' turned back into spaces, or OK value
  std::vector<std::string> lines;  ///< listing lines (without "\n"), terminator excluded
};

/// How many bytes of `bytes` make one complete reply to `v`: 0 while
/// incomplete. A listing ends with ".\n", any other reply with "\n".
std::size_t reply_length(verb v, std::string_view bytes) noexcept;

/// Parse one complete reply to `v`.
std::error_code parse_reply(verb v, std::string_view bytes, reply& out);

std::error_code parse_status(const reply& r, std::vector<status_row>& out);
std::error_code parse_priority_status(const reply& r, std::vector<priority_status_row>& out);
std::error_code parse_workers(const reply& r, std::vector<worker_row>& out);
std::error_code parse_show_jobs(const reply& r, std::vector<job_row>& out);

/// A numeric admin field: util::decimal() of at most max_integer_digits (20) digits.
std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept;

}  // namespace gearspec::proto::admin
