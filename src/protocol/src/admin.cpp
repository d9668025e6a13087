#include "gearspec/protocol/admin.hpp"

#include "ascii.hpp"
#include "gearspec/protocol/error.hpp"

namespace gearspec::proto::admin {

using detail::iequals;

std::error_code tokenize(std::string_view line, tokens& out) noexcept {
  out = {};
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t pos = 0;
  // A leading space yields an empty first token, as in gearmand.
  do {
    const std::size_t end = line.find(' ', pos);
    const std::string_view tok = line.substr(pos, end == std::string_view::npos ? line.npos : end - pos);
    if (out.count == max_tokens) return errc::too_many_tokens;
    out.token[out.count++] = tok;
    if (end == std::string_view::npos) break;
    pos = line.find_first_not_of(' ', end);
  } while (pos != std::string_view::npos);
  return {};
}

std::string_view request::function() const noexcept {
  return what == verb::maxqueue ? toks[1] : toks[2];
}

std::string_view request::handle() const noexcept { return toks[2]; }

request classify(const tokens& t) noexcept {
  request r;
  r.toks = t;
  const std::string_view w = t[0];
  if (iequals(w, "status")) r.what = verb::status;
  else if (iequals(w, "prioritystatus")) r.what = verb::prioritystatus;
  else if (iequals(w, "workers")) r.what = verb::workers;
  else if (iequals(w, "version")) r.what = verb::version;
  else if (iequals(w, "getpid")) r.what = verb::getpid;
  else if (iequals(w, "verbose")) r.what = verb::verbose;
  else if (iequals(w, "maxqueue")) r.what = verb::maxqueue;
  else if (iequals(w, "show")) {
    if (t.count == 2 && iequals(t[1], "jobs")) r.what = verb::show_jobs;
    else if (t.count == 3 && iequals(t[1], "unique") && iequals(t[2], "jobs")) r.what = verb::show_unique_jobs;
    else r.what = verb::show_unknown;
  } else if (iequals(w, "cancel") && t.count >= 3) r.what = verb::cancel_job;
  else if (iequals(w, "create")) r.what = verb::create_function;
  else if (iequals(w, "drop")) r.what = verb::drop_function;
  return r;
}

namespace {

void append_number(std::string& out, std::uint64_t v) { out += std::to_string(v); }

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

}  // namespace

std::string format_status(const std::vector<status_row>& rows) {
  return listing(rows, [](std::string& out, const status_row& r) {
    out += r.function;
    for (auto v : {r.total, r.running, r.workers}) {
      out += '\t';
      append_number(out, v);
    }
    out += '\n';
  });
}

std::string format_priority_status(const std::vector<priority_status_row>& rows) {
  return listing(rows, [](std::string& out, const priority_status_row& r) {
    out += r.function;
    for (auto v : {r.high, r.normal, r.low, r.workers}) {
      out += '\t';
      append_number(out, v);
    }
    out += '\n';
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
    out += r.handle + '\t';
    append_number(out, r.retries);
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
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  return v;
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

}  // namespace

std::error_code parse_status(const reply& r, std::vector<status_row>& out) {
  out.clear();
  if (!r.ok) return errc::malformed_admin_reply;
  for (const auto& line : r.lines) {
    const auto f = split(line, '\t');
    status_row row;
    if (f.size() != 4 || !numbers(f, 1, {&row.total, &row.running, &row.workers})) return errc::malformed_admin_reply;
    row.function = std::string{f[0]};
    out.push_back(std::move(row));
  }
  return {};
}

std::error_code parse_priority_status(const reply& r, std::vector<priority_status_row>& out) {
  out.clear();
  if (!r.ok) return errc::malformed_admin_reply;
  for (const auto& line : r.lines) {
    const auto f = split(line, '\t');
    priority_status_row row;
    if (f.size() != 5 || !numbers(f, 1, {&row.high, &row.normal, &row.low, &row.workers}))
      return errc::malformed_admin_reply;
    row.function = std::string{f[0]};
    out.push_back(std::move(row));
  }
  return {};
}

std::error_code parse_workers(const reply& r, std::vector<worker_row>& out) {
  out.clear();
  if (!r.ok) return errc::malformed_admin_reply;
  for (const auto& line : r.lines) {
    const std::size_t colon = line.find(" :");
    if (colon == line.npos) return errc::malformed_admin_reply;
    const auto head = split(std::string_view{line}.substr(0, colon), ' ');
    if (head.size() != 3) return errc::malformed_admin_reply;
    worker_row row{std::string{head[0]}, std::string{head[1]}, std::string{head[2]}, {}};
    for (auto f : split(std::string_view{line}.substr(colon + 2), ' '))
      if (!f.empty()) row.functions.emplace_back(f);
    out.push_back(std::move(row));
  }
  return {};
}

std::error_code parse_show_jobs(const reply& r, std::vector<job_row>& out) {
  out.clear();
  if (!r.ok) return errc::malformed_admin_reply;
  for (const auto& line : r.lines) {
    const auto f = split(line, '\t');
    std::uint64_t ignore = 0, queued = 0;
    job_row row;
    if (f.size() != 4 || !numbers(f, 1, {&row.retries, &ignore, &queued}) || ignore > 1 || queued > 1)
      return errc::malformed_admin_reply;
    row.handle = std::string{f[0]};
    row.ignore = ignore == 1;
    row.queued = queued == 1;
    out.push_back(std::move(row));
  }
  return {};
}

}  // namespace gearspec::proto::admin
