#include "gearspec/protocol/admin.hpp"

#include <initializer_list>

#include "gearspec/protocol/error.hpp"
#include "gearspec/protocol/limits.hpp"
#include "gearspec/util/ascii.hpp"
#include "gearspec/util/decimal.hpp"

namespace gearspec::proto::admin {

using util::iequals;

std::error_code tokenize(std::string_view line, tokens& out) noexcept {
  out = {};
  // gearmand cuts the line at every space and skips the run of spaces that
  // follows; whatever is left (possibly nothing) is the next token. So a
  // leading space gives an empty first token and trailing spaces give one
  // empty last token.
  std::size_t pos = 0;
  while (true) {
    const std::size_t space = line.find(' ', pos);
    if (out.count == max_tokens) return errc::too_many_tokens;
    out.token[out.count++] = line.substr(pos, space == line.npos ? line.npos : space - pos);
    if (space == line.npos) return {};
    pos = line.find_first_not_of(' ', space);
    if (pos == line.npos) pos = line.size();
  }
}

std::string_view request::function() const noexcept { return what == verb::maxqueue ? toks[1] : toks[2]; }

std::string_view request::handle() const noexcept { return toks[2]; }

namespace {

struct verb_word {
  std::string_view word;
  verb what;
};

// Verbs chosen by the first word alone.
constexpr verb_word first_word_verbs[] = {
    {"status", verb::status},      {"prioritystatus", verb::prioritystatus},
    {"workers", verb::workers},    {"version", verb::version},
    {"getpid", verb::getpid},      {"verbose", verb::verbose},
    {"maxqueue", verb::maxqueue},  {"create", verb::create_function},
    {"drop", verb::drop_function},
};

verb classify_show(const tokens& t) noexcept {
  if (t.count == 2 && iequals(t[1], "jobs")) return verb::show_jobs;
  if (t.count == 3 && iequals(t[1], "unique") && iequals(t[2], "jobs")) return verb::show_unique_jobs;
  return verb::show_unknown;
}

std::optional<refusal> check_arguments(verb v, const tokens& t) noexcept {
  const bool function_form = t.count == 3 && iequals(t[1], "function");
  switch (v) {
    case verb::maxqueue:
      return t.count < 2 ? std::optional{refusal::incomplete_arguments} : std::nullopt;
    case verb::create_function:
    case verb::drop_function:
      return function_form ? std::nullopt : std::optional{refusal::incomplete_arguments};
    case verb::cancel_job:
      return t.count == 3 && iequals(t[1], "job") ? std::nullopt : std::optional{refusal::unknown_error};
    case verb::show_unknown:
      return refusal::unknown_show;
    case verb::unknown:
      return refusal::unknown_command;
    default:
      return std::nullopt;
  }
}

std::string_view word_of(verb v) noexcept {
  for (const auto& row : first_word_verbs)
    if (row.what == v) return row.word;
  return {};
}

}  // namespace

request classify(const tokens& t) noexcept {
  request r;
  r.toks = t;
  const std::string_view w = t[0];
  for (const auto& row : first_word_verbs)
    if (iequals(w, row.word)) r.what = row.what;
  // gearmand enters its "show" branch with 2+ tokens and its "cancel" branch
  // with 3+; with fewer the line is an unknown command.
  if (iequals(w, "show") && t.count >= 2) r.what = classify_show(t);
  if (iequals(w, "cancel") && t.count >= 3) r.what = verb::cancel_job;
  r.refused = check_arguments(r.what, t);
  return r;
}

namespace {

template <typename Row, typename Fn>
std::string listing(const std::vector<Row>& rows, Fn&& line) {
  std::string out;
  for (const auto& row : rows) line(out, row);
  out += ".\n";
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (true) {
    const std::size_t end = s.find(sep, pos);
    parts.push_back(s.substr(pos, end == s.npos ? s.npos : end - pos));
    if (end == s.npos) break;
    pos = end + 1;
  }
  return parts;
}

// "FUNCTION\tN\tN...\n": a line of status and prioritystatus.
void counts_line(std::string& out, const std::string& function, std::initializer_list<std::uint64_t> counts) {
  out += function;
  for (const std::uint64_t v : counts) out += '\t' + std::to_string(v);
  out += '\n';
}

}  // namespace

std::string format_status(const std::vector<status_row>& rows) {
  return listing(rows, [](std::string& out, const status_row& r) {
    counts_line(out, r.function, {r.total, r.running, r.workers});
  });
}

std::string format_priority_status(const std::vector<priority_status_row>& rows) {
  return listing(rows, [](std::string& out, const priority_status_row& r) {
    counts_line(out, r.function, {r.high, r.normal, r.low, r.workers});
  });
}

std::string format_workers(const std::vector<worker_row>& rows) {
  return listing(rows, [](std::string& out, const worker_row& r) {
    out += r.fd + ' ' + r.ip + ' ' + (r.client_id.empty() ? std::string{"-"} : r.client_id) + " :";
    for (const auto& f : r.functions) out += ' ' + f;
    out += '\n';
  });
}

std::string format_show_jobs(const std::vector<job_row>& rows) {
  return listing(rows, [](std::string& out, const job_row& r) {
    out += r.handle + '\t' + std::to_string(r.retries);
    out += r.ignore ? "\t1\t" : "\t0\t";
    out += r.queued ? "1\n" : "0\n";
  });
}

std::string format_show_unique_jobs(const std::vector<std::string>& uniques) {
  return listing(uniques, [](std::string& out, const std::string& u) { out += u + '\n'; });
}

std::string format_ok() { return "OK\r\n"; }

std::string format_ok_value(std::string_view value) { return "OK " + std::string{value} + "\n"; }

std::string format_err(std::string_view code, std::string_view text) {
  std::string out = "ERR " + std::string{code};
  if (!text.empty()) {
    out += ' ';
    for (char c : text) out += c == ' ' ? '+' : c;
  }
  out += "\r\n";
  return out;
}

std::string format_unknown_command(std::string_view word) {
  return "ERR UNKNOWN_COMMAND Unknown+server+command" + std::string{word} + "\r\n";
}

std::string format_refusal(refusal why, std::string_view word) {
  switch (why) {
    case refusal::incomplete_arguments:
      return format_err("INVALID_ARGUMENTS",
                        "An incomplete set of arguments was sent to this command " + std::string{word});
    case refusal::unknown_show:
      return format_err("UNKNOWN_SHOW_ARGUMENTS", "");
    case refusal::unknown_job:
      return format_err("UNKNOWN_JOB", "");
    case refusal::unknown_error:
      return format_err("UNKNOWN_ERROR", "");
    case refusal::unknown_command:
      return format_unknown_command(word);
    case refusal::function_busy:
      return "ERR there are still connected workers or executing clients\r\n";
    case refusal::function_not_found:
      return "ERR function not found\r\n";
  }
  return format_err("UNKNOWN_ERROR", "");
}

std::string format_refusal(const request& r) {
  const refusal why = r.refused.value_or(refusal::unknown_error);
  return format_refusal(why, why == refusal::unknown_command ? r.toks[0] : word_of(r.what));
}

std::size_t reply_length(verb v, std::string_view bytes) noexcept {
  if (replies_with_listing(v) && bytes.substr(0, 4) != "ERR ") {
    if (bytes.substr(0, 2) == ".\n") return 2;
    const std::size_t end = bytes.find("\n.\n");
    return end == bytes.npos ? 0 : end + 3;
  }
  const std::size_t nl = bytes.find('\n');
  return nl == bytes.npos ? 0 : nl + 1;
}

std::error_code parse_reply(verb v, std::string_view bytes, reply& out) {
  out = {};
  if (reply_length(v, bytes) != bytes.size() || bytes.empty()) return errc::malformed_admin_reply;
  if (bytes.substr(0, 4) == "ERR ") {
    std::string_view line = bytes.substr(4, bytes.size() - 5);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t sp = line.find(' ');
    out.code = std::string{line.substr(0, sp)};
    if (sp != line.npos)
      for (char c : line.substr(sp + 1)) out.text += c == '+' ? ' ' : c;
    return {};
  }
  if (replies_with_listing(v)) {
    out.ok = true;
    std::string_view body = bytes.substr(0, bytes.size() - 2);  // drop ".\n"
    while (!body.empty()) {
      const std::size_t nl = body.find('\n');
      out.lines.emplace_back(body.substr(0, nl));
      body.remove_prefix(nl + 1);
    }
    return {};
  }
  std::string_view line = bytes.substr(0, bytes.size() - 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line == "OK") {
    out.ok = true;
    return {};
  }
  if (line.substr(0, 3) == "OK ") {
    out.ok = true;
    out.text = std::string{line.substr(3)};
    return {};
  }
  return errc::malformed_admin_reply;
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
  if (s.size() > max_integer_digits) return std::nullopt;
  return util::decimal(s);
}

namespace {

template <std::size_t N>
bool numbers(const std::vector<std::string_view>& f, std::size_t first, std::uint64_t* const (&dst)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    const auto v = parse_decimal(f[first + i]);
    if (!v) return false;
    *dst[i] = *v;
  }
  return true;
}

// Each listing line of an OK reply into a row; the first line `parse_line`
// refuses makes the reply malformed.
template <typename Row, typename ParseLine>
std::error_code parse_rows(const reply& r, std::vector<Row>& out, ParseLine&& parse_line) {
  out.clear();
  if (!r.ok) return errc::malformed_admin_reply;
  for (const auto& line : r.lines) {
    Row row;
    if (!parse_line(line, row)) return errc::malformed_admin_reply;
    out.push_back(std::move(row));
  }
  return {};
}

}  // namespace

std::error_code parse_status(const reply& r, std::vector<status_row>& out) {
  return parse_rows(r, out, [](std::string_view line, status_row& row) {
    const auto f = split(line, '\t');
    if (f.size() != 4 || !numbers(f, 1, {&row.total, &row.running, &row.workers})) return false;
    row.function = std::string{f[0]};
    return true;
  });
}

std::error_code parse_priority_status(const reply& r, std::vector<priority_status_row>& out) {
  return parse_rows(r, out, [](std::string_view line, priority_status_row& row) {
    const auto f = split(line, '\t');
    if (f.size() != 5 || !numbers(f, 1, {&row.high, &row.normal, &row.low, &row.workers})) return false;
    row.function = std::string{f[0]};
    return true;
  });
}

std::error_code parse_workers(const reply& r, std::vector<worker_row>& out) {
  return parse_rows(r, out, [](std::string_view line, worker_row& row) {
    // "FD IP CLIENT_ID :" then " FUNC" per function. The columns are located
    // by position, not by searching for " :": an IPv6 address starts with ':'.
    const auto fields = split(line, ' ');
    if (fields.size() < 4 || fields[3] != ":") return false;
    row = {std::string{fields[0]}, std::string{fields[1]}, std::string{fields[2]}, {}};
    for (std::size_t i = 4; i < fields.size(); ++i)
      if (!fields[i].empty()) row.functions.emplace_back(fields[i]);
    return true;
  });
}

std::error_code parse_show_jobs(const reply& r, std::vector<job_row>& out) {
  return parse_rows(r, out, [](std::string_view line, job_row& row) {
    const auto f = split(line, '\t');
    std::uint64_t ignore = 0, queued = 0;
    if (f.size() != 4 || !numbers(f, 1, {&row.retries, &ignore, &queued}) || ignore > 1 || queued > 1)
      return false;
    row.handle = std::string{f[0]};
    row.ignore = ignore == 1;
    row.queued = queued == 1;
    return true;
  });
}

}  // namespace gearspec::proto::admin
