// Fuzz target: the admin text protocol (request tokenizer and classifier,
// reply framing and parsing, reply formatting).
//
// Input layout: byte 0 selects the mode (value % 3), the rest is mode data.
//   mode 0 (request): the rest is one request line. tokenize() must agree
//     with a plain model of gearmand's splitting (first token may be empty,
//     runs of spaces separate, trailing spaces give one empty token, at most
//     5 tokens); classify() must agree with the first words and token count.
//   mode 1 (reply): byte 1 picks the verb, the rest is server bytes. The
//     framed length never exceeds the input; a framed reply parses, or fails
//     with malformed_admin_reply; a listing that parses into rows formats back
//     into bytes that parse into the same rows: parse(format(parse(x))) == parse(x).
//   mode 2 (format): byte 1 picks the listing kind, then rows built from the
//     bytes (fields are length-prefixed strings, numbers 8 bytes); rows that
//     the text format can carry round-trip: parse(format(rows)) == rows.
// Input capped at 16 KiB.
#include "gearspec/protocol/admin.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "gearspec/fuzz/byte_reader.hpp"
#include "gearspec/fuzz/check.hpp"
#include "gearspec/protocol/error.hpp"

namespace {

namespace proto = gearspec::proto;
namespace admin = gearspec::proto::admin;
using gearspec::fuzz::byte_reader;

constexpr std::size_t max_input = 16 * 1024;
constexpr admin::verb last_verb = admin::verb::unknown;

bool operator_eq(const admin::status_row& a, const admin::status_row& b) {
  return a.function == b.function && a.total == b.total && a.running == b.running && a.workers == b.workers;
}
bool operator_eq(const admin::priority_status_row& a, const admin::priority_status_row& b) {
  return a.function == b.function && a.high == b.high && a.normal == b.normal && a.low == b.low &&
         a.workers == b.workers;
}
bool operator_eq(const admin::worker_row& a, const admin::worker_row& b) {
  return a.fd == b.fd && a.ip == b.ip && a.client_id == b.client_id && a.functions == b.functions;
}
bool operator_eq(const admin::job_row& a, const admin::job_row& b) {
  return a.handle == b.handle && a.retries == b.retries && a.ignore == b.ignore && a.queued == b.queued;
}

template <typename Row>
bool same_rows(const std::vector<Row>& a, const std::vector<Row>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const Row& x, const Row& y) { return operator_eq(x, y); });
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// ---- mode 0 ----------------------------------------------------------------

// gearmand's splitting (admin.hpp), written the obvious way: the text up to
// the first space, then after every run of spaces the text up to the next
// space (empty after trailing spaces). No '\r' is stripped here.
std::vector<std::string_view> model_tokens(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t space = line.find(' ');
  out.push_back(line.substr(0, space));
  while (space != std::string_view::npos) {
    const std::size_t start = line.find_first_not_of(' ', space);
    if (start == std::string_view::npos) {
      out.emplace_back();
      break;
    }
    space = line.find(' ', start);
    out.push_back(
        line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
  }
  return out;
}

void request_mode(byte_reader in) {
  const std::string_view line = in.rest();
  admin::tokens toks;
  const std::error_code ec = admin::tokenize(line, toks);
  const auto model = model_tokens(line);
  if (model.size() > admin::max_tokens) {
    GEARSPEC_FUZZ_CHECK(ec == proto::errc::too_many_tokens);
    return;
  }
  GEARSPEC_FUZZ_CHECK(!ec);
  GEARSPEC_FUZZ_CHECK(toks.count == model.size() && toks.count >= 1 && toks.count <= admin::max_tokens);
  for (std::size_t i = 0; i < toks.count; ++i) {
    GEARSPEC_FUZZ_CHECK(toks[i] == model[i]);
    GEARSPEC_FUZZ_CHECK(toks[i].find(' ') == std::string_view::npos);
  }
  GEARSPEC_FUZZ_CHECK(toks[toks.count].empty());  // out of range reads as empty

  const admin::request r = admin::classify(toks);
  const std::string_view w = toks[0];
  // The verbs named by their first word alone; unknown is none of them.
  constexpr std::pair<admin::verb, std::string_view> word_verbs[] = {
      {admin::verb::status, "status"},     {admin::verb::prioritystatus, "prioritystatus"},
      {admin::verb::workers, "workers"},   {admin::verb::version, "version"},
      {admin::verb::getpid, "getpid"},     {admin::verb::verbose, "verbose"},
      {admin::verb::maxqueue, "maxqueue"}, {admin::verb::create_function, "create"},
      {admin::verb::drop_function, "drop"}};
  for (const auto& [verb, word] : word_verbs)
    if (r.what == verb || r.what == admin::verb::unknown)
      GEARSPEC_FUZZ_CHECK(iequals(w, word) == (r.what == verb));
  switch (r.what) {
    case admin::verb::maxqueue:
      GEARSPEC_FUZZ_CHECK(r.function() == toks[1]);
      break;
    case admin::verb::show_jobs:
      GEARSPEC_FUZZ_CHECK(iequals(w, "show") && toks.count == 2 && iequals(toks[1], "jobs"));
      break;
    case admin::verb::show_unique_jobs:
      GEARSPEC_FUZZ_CHECK(iequals(w, "show") && toks.count == 3 && iequals(toks[2], "jobs"));
      break;
    case admin::verb::show_unknown:
      GEARSPEC_FUZZ_CHECK(iequals(w, "show") && toks.count >= 2);
      break;
    case admin::verb::cancel_job:
      GEARSPEC_FUZZ_CHECK(iequals(w, "cancel") && toks.count >= 3 && r.handle() == toks[2]);
      break;
    case admin::verb::unknown:
      GEARSPEC_FUZZ_CHECK(!iequals(w, "show") || toks.count < 2);
      GEARSPEC_FUZZ_CHECK(!iequals(w, "cancel") || toks.count < 3);
      break;
    default:  // every other verb is named by its word alone
      GEARSPEC_FUZZ_CHECK(std::any_of(std::begin(word_verbs), std::end(word_verbs),
                                      [&](const auto& named) { return named.first == r.what; }));
  }
}

// ---- mode 1 ----------------------------------------------------------------

// The workers format writes "-" for an empty client id (gearmand does too),
// so "" and "-" are the same value after a round trip.
template <typename Row>
void normalise(std::vector<Row>&) {}
template <>
void normalise(std::vector<admin::worker_row>& rows) {
  for (auto& r : rows)
    if (r.client_id.empty()) r.client_id = "-";
}

bool free_of(std::string_view s, std::string_view forbidden) {
  return s.find_first_of(forbidden) == std::string_view::npos;
}

// A listing cannot start with "ERR " (it would read as an error reply, in
// gearmand's framing too) nor contain a line that is exactly ".".
bool listing_is_representable(const std::string& bytes) { return bytes.compare(0, 4, "ERR ") != 0; }

template <typename Row, typename Parse>
void expect_round_trip(admin::verb v, const std::vector<Row>& rows, const std::string& bytes, Parse parse) {
  if (!listing_is_representable(bytes)) return;
  GEARSPEC_FUZZ_CHECK(admin::reply_length(v, bytes) == bytes.size());
  admin::reply r;
  GEARSPEC_FUZZ_CHECK(!admin::parse_reply(v, bytes, r));
  std::vector<Row> parsed;
  GEARSPEC_FUZZ_CHECK(!parse(r, parsed));
  GEARSPEC_FUZZ_CHECK(same_rows(rows, parsed));
}

// Parse rows with `parse`, format them with `format`, parse again: same rows.
template <typename Row>
void reparse_listing(admin::verb v, const admin::reply& r,
                     std::error_code (*parse)(const admin::reply&, std::vector<Row>&),
                     std::string (*format)(const std::vector<Row>&)) {
  std::vector<Row> rows;
  if (parse(r, rows)) return;
  normalise(rows);
  expect_round_trip(v, rows, format(rows), parse);
}

// ---- rows read from the input (mode 2) ------------------------------------

std::uint64_t number(byte_reader& in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in.byte();
  // Mostly small numbers, sometimes the whole 64-bit range.
  return (v & 1) ? v : (v >> 1) % 1000;
}

std::optional<admin::status_row> read_status_row(byte_reader& in) {
  admin::status_row r{std::string{in.short_string()}, number(in), number(in), number(in)};
  if (!free_of(r.function, "\t\n")) return std::nullopt;
  return r;
}

std::optional<admin::priority_status_row> read_priority_status_row(byte_reader& in) {
  admin::priority_status_row r{std::string{in.short_string()}, number(in), number(in), number(in),
                               number(in)};
  if (!free_of(r.function, "\t\n")) return std::nullopt;
  return r;
}

std::optional<admin::worker_row> read_worker_row(byte_reader& in) {
  admin::worker_row r{
      std::string{in.short_string()}, std::string{in.short_string()}, std::string{in.short_string()}, {}};
  const std::size_t functions = in.below(4);
  for (std::size_t f = 0; f < functions; ++f) r.functions.emplace_back(in.short_string());
  if (!free_of(r.fd, " \n") || !free_of(r.ip, " \n") || !free_of(r.client_id, " \n")) return std::nullopt;
  for (const auto& f : r.functions)
    if (f.empty() || !free_of(f, " \n")) return std::nullopt;
  if (r.client_id.empty()) r.client_id = "-";  // the format writes "-" for "no client id"
  return r;
}

std::optional<admin::job_row> read_job_row(byte_reader& in) {
  const std::uint8_t flags = in.byte();
  admin::job_row r{std::string{in.short_string()}, number(in), (flags & 1) != 0, (flags & 2) != 0};
  if (!free_of(r.handle, "\t\n")) return std::nullopt;
  return r;
}

// The listings of rows, by verb: f(parse, format, read_row) with the reply's
// parser, the rows' formatter and mode 2's reader of one row.
template <typename F>
void with_listing(admin::verb v, F f) {
  switch (v) {
    case admin::verb::status:
      return f(admin::parse_status, admin::format_status, read_status_row);
    case admin::verb::prioritystatus:
      return f(admin::parse_priority_status, admin::format_priority_status, read_priority_status_row);
    case admin::verb::workers:
      return f(admin::parse_workers, admin::format_workers, read_worker_row);
    case admin::verb::show_jobs:
      return f(admin::parse_show_jobs, admin::format_show_jobs, read_job_row);
    default:
      return;
  }
}

void reply_mode(byte_reader in) {
  const auto v = static_cast<admin::verb>(in.below(static_cast<std::size_t>(last_verb) + 1));
  const std::string_view bytes = in.rest();
  const std::size_t n = admin::reply_length(v, bytes);
  GEARSPEC_FUZZ_CHECK(n <= bytes.size());
  if (n == 0) return;
  GEARSPEC_FUZZ_CHECK(bytes[n - 1] == '\n');
  admin::reply r;
  const std::error_code ec = admin::parse_reply(v, bytes.substr(0, n), r);
  if (ec) {
    GEARSPEC_FUZZ_CHECK(ec == proto::errc::malformed_admin_reply);
    return;
  }
  for (const auto& line : r.lines) GEARSPEC_FUZZ_CHECK(line.find('\n') == std::string::npos);
  if (!r.ok || !admin::replies_with_listing(v)) return;
  with_listing(v, [&](auto parse, auto format, auto) { reparse_listing(v, r, parse, format); });
}

// ---- mode 2 ----------------------------------------------------------------

// Read `count` rows with `read_row` (nullopt: the row holds a separator the
// format cannot carry, the input is skipped) and expect them to round-trip.
template <typename Row, typename Format, typename Parse>
void round_trip_rows(byte_reader& in, std::size_t count, admin::verb v,
                     std::optional<Row> (*read_row)(byte_reader&), Format format, Parse parse) {
  std::vector<Row> rows;
  for (std::size_t i = 0; i < count; ++i) {
    std::optional<Row> row = read_row(in);
    if (!row) return;
    rows.push_back(std::move(*row));
  }
  expect_round_trip(v, rows, format(rows), parse);
}

void format_mode(byte_reader in) {
  const std::size_t kind = in.below(7);
  const std::size_t count = in.below(8);
  // kinds 0-3: the listings of rows
  constexpr admin::verb listings[] = {admin::verb::status, admin::verb::prioritystatus, admin::verb::workers,
                                      admin::verb::show_jobs};
  if (kind < std::size(listings))
    return with_listing(listings[kind], [&](auto parse, auto format, auto read_row) {
      round_trip_rows(in, count, listings[kind], read_row, format, parse);
    });
  switch (kind) {
    case 4: {
      std::vector<std::string> uniques;
      for (std::size_t i = 0; i < count; ++i) {
        uniques.emplace_back(in.short_string());
        if (!free_of(uniques.back(), "\n") || uniques.back() == ".") return;
      }
      const std::string bytes = admin::format_show_unique_jobs(uniques);
      if (!listing_is_representable(bytes)) return;
      admin::reply r;
      GEARSPEC_FUZZ_CHECK(admin::reply_length(admin::verb::show_unique_jobs, bytes) == bytes.size());
      GEARSPEC_FUZZ_CHECK(!admin::parse_reply(admin::verb::show_unique_jobs, bytes, r));
      GEARSPEC_FUZZ_CHECK(r.ok && r.lines == uniques);
      break;
    }
    case 5: {
      const std::string code{in.short_string()};
      const std::string text{in.rest()};
      if (!free_of(code, " \r\n") || !free_of(text, "+\n")) return;
      const std::string bytes = admin::format_err(code, text);
      admin::reply r;
      GEARSPEC_FUZZ_CHECK(!admin::parse_reply(admin::verb::version, bytes, r));
      GEARSPEC_FUZZ_CHECK(!r.ok && r.code == code && r.text == text);
      break;
    }
    default: {
      const std::string value{in.rest()};
      if (!free_of(value, "\n") || (!value.empty() && value.back() == '\r')) return;
      const std::string bytes = admin::format_ok_value(value);
      admin::reply r;
      GEARSPEC_FUZZ_CHECK(!admin::parse_reply(admin::verb::getpid, bytes, r));
      GEARSPEC_FUZZ_CHECK(r.ok && r.text == value && r.code.empty());
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_reader in{data, std::min(size, max_input)};
  constexpr void (*modes[])(byte_reader) = {request_mode, reply_mode, format_mode};
  const std::size_t mode = in.byte() % std::size(modes);
  modes[mode](in);
  return 0;
}
