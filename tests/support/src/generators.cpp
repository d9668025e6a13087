#include "gearspec/test/generators.hpp"

#include <algorithm>
#include <utility>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/limits.hpp"

namespace gearspec::test::gen {
namespace {

using proto::command;

constexpr std::string_view word_chars = "abcdefghijklmnopqrstuvwxyz0123456789_";

rc::Gen<std::string> literal(std::string s) { return rc::gen::just(std::move(s)); }

// `length` filler bytes from a generated seed; shrinks by length first.
rc::Gen<std::string> filled_of_length(rc::Gen<std::size_t> length, bool allow_nul) {
  return rc::gen::apply(
      [allow_nul](std::size_t n, std::uint32_t seed) { return filled_bytes(n, seed, allow_nul); },
      std::move(length), rc::gen::arbitrary<std::uint32_t>());
}

rc::Gen<std::string> filled_at_edge_lengths(std::size_t max_length, bool allow_nul) {
  std::vector<std::size_t> fitting;
  for (std::size_t n : edge_lengths())
    if (n <= max_length) fitting.push_back(n);
  return filled_of_length(rc::gen::elementOf(fitting), allow_nul);
}

rc::Gen<std::string> short_bytes(std::size_t max_length, rc::Gen<char> one) {
  return rc::gen::map(rc::gen::container<std::string>(std::move(one)), [max_length](std::string s) {
    if (s.size() > max_length) s.resize(max_length);
    return s;
  });
}

rc::Gen<char> nul_free_byte() {
  return rc::gen::map(byte(), [](char c) { return c == '\0' ? '\x01' : c; });
}

rc::Gen<std::string> string_gen(std::size_t max_length, bool allow_nul) {
  if (max_length == 0) return literal("");
  const auto one = allow_nul ? byte() : nul_free_byte();
  // NUL-heavy runs for data; for arguments the same shape with 0x01 instead.
  const auto nul_heavy =
      short_bytes(max_length, allow_nul ? rc::gen::element('\0', '\0', 'a') : rc::gen::element('\x01', 'a'));
  const std::size_t large_min = std::min<std::size_t>(1024, max_length);
  return rc::gen::weightedOneOf<std::string>({
      {4, literal("")},
      {3, rc::gen::map(one, [](char c) { return std::string(1, c); })},
      {10, short_bytes(max_length, one)},
      {3, nul_heavy},
      {2, filled_at_edge_lengths(max_length, allow_nul)},
      {1, filled_of_length(rc::gen::inRange(large_min, max_length + 1), allow_nul)},
  });
}

rc::Gen<std::string> word(std::size_t max_length = 24) {
  return rc::gen::map(rc::gen::container<std::string>(rc::gen::elementOf(word_chars)),
                      [max_length](std::string s) {
                        if (s.empty()) s = "f";
                        if (s.size() > max_length) s.resize(max_length);
                        return s;
                      });
}

rc::Gen<std::string> non_ascii(std::size_t max_length = 80) {
  const auto high = rc::gen::map(rc::gen::inRange(0x80, 0x100), [](int v) { return static_cast<char>(v); });
  return rc::gen::map(rc::gen::nonEmpty(rc::gen::container<std::string>(high)), [max_length](std::string s) {
    if (s.size() > max_length) s.resize(max_length);
    return s;
  });
}

rc::Gen<std::string> ascii_of_lengths(std::vector<std::size_t> lengths) {
  return rc::gen::apply(
      [](std::size_t n, char c) {
        std::string s(n, c);
        if (n > 2) s[n / 2] = '-';  // not all one byte, so truncation shows
        return s;
      },
      rc::gen::elementOf(std::move(lengths)), rc::gen::elementOf(word_chars));
}

// Values shaped for the argument's meaning; anything else is free bytes.
rc::Gen<std::string> argument(proto::role r) {
  switch (r) {
    case proto::role::function:
      return function_name();
    case proto::role::unique:
      return unique();
    case proto::role::handle:
      return job_handle();
    default:
      return nul_free_bytes();
  }
}

}  // namespace

const std::vector<std::size_t>& edge_lengths() {
  static const std::vector<std::size_t> lengths{0,   1,   2,   35,  36,  37,   63,   64,   65,  100,
                                                254, 255, 511, 512, 513, 4095, 4096, 8191, 8192};
  return lengths;
}

std::string filled_bytes(std::size_t length, std::uint32_t seed, bool allow_nul) {
  std::string out(length, '\0');
  std::uint32_t state = seed | 1u;  // xorshift32 must not start at 0
  for (auto& c : out) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    c = static_cast<char>(state >> 24);
    if (!allow_nul && c == '\0') c = '\x01';
  }
  return out;
}

rc::Gen<char> byte() {
  const auto printable =
      rc::gen::map(rc::gen::inRange(0x21, 0x7f), [](int v) { return static_cast<char>(v); });
  const auto any = rc::gen::map(rc::gen::inRange(0, 0x100), [](int v) { return static_cast<char>(v); });
  return rc::gen::weightedOneOf<char>({
      {3, rc::gen::just('\0')},
      {1, rc::gen::just('\xff')},
      {2, rc::gen::element('\n', '\r', ' ', '\t', '\x80')},
      {6, printable},
      {3, any},
  });
}

rc::Gen<std::string> bytes(std::size_t max_length) { return string_gen(max_length, true); }

rc::Gen<std::string> nul_free_bytes(std::size_t max_length) { return string_gen(max_length, false); }

rc::Gen<std::string> function_name() {
  return rc::gen::weightedOneOf<std::string>({
      {8, word(32)},
      {2, literal("")},
      {1, literal("-")},
      {1, literal("#")},
      {1, literal("my function")},
      {3, ascii_of_lengths({1, 63, 64, 65, 511, proto::max_function_size, proto::max_function_size + 1})},
      {2, non_ascii()},
      {2, nul_free_bytes(proto::max_function_size + 1)},
  });
}

rc::Gen<std::string> unique() {
  const auto uuid = rc::gen::map(rc::gen::arbitrary<std::uint32_t>(), [](std::uint32_t seed) {
    static constexpr char hex[] = "0123456789abcdef";
    const std::string noise = filled_bytes(proto::uuid_size, seed, true);
    std::string s(proto::uuid_size, '-');
    for (std::size_t i = 0; i < s.size(); ++i)
      if (i != 8 && i != 13 && i != 18 && i != 23) s[i] = hex[static_cast<unsigned char>(noise[i]) & 15];
    return s;
  });
  return rc::gen::weightedOneOf<std::string>({
      {4, literal("")},
      {2, literal("-")},
      {2, literal("#")},
      {3, uuid},
      {4, word(40)},
      {3,
       ascii_of_lengths({1, proto::max_unique_size - 1, proto::max_unique_size, proto::max_unique_size + 1})},
      {2, non_ascii(proto::max_unique_size + 1)},
  });
}

rc::Gen<std::string> job_handle() {
  const auto gearmand_style = rc::gen::apply(
      [](const std::string& host, std::uint32_t n) { return "H:" + host + ":" + std::to_string(n); },
      word(16), rc::gen::inRange<std::uint32_t>(1, 1000000));
  return rc::gen::weightedOneOf<std::string>({
      {6, gearmand_style},
      {1, literal("")},
      {2, ascii_of_lengths({proto::max_job_handle_length, proto::job_handle_buffer_size, 100})},
      {1, nul_free_bytes(200)},
  });
}

rc::Gen<std::string> workload() {
  const auto text_with_nuls =
      rc::gen::map(rc::gen::container<std::vector<std::string>>(word(8)), [](const auto& parts) {
        std::string s;
        for (const auto& p : parts) s += p + std::string(1, '\0');
        return s;
      });
  return rc::gen::weightedOneOf<std::string>({
      {3, literal("")},
      {2, rc::gen::map(byte(), [](char c) { return std::string(1, c); })},
      {2, rc::gen::map(rc::gen::inRange<std::size_t>(1, 65),
                       [](std::size_t n) { return std::string(n, '\0'); })},
      {3, text_with_nuls},
      {3, filled_of_length(rc::gen::just<std::size_t>(100), true)},
      {4, bytes(4096)},
      {1, filled_of_length(rc::gen::inRange<std::size_t>(4096, max_generated_workload + 1), true)},
  });
}

rc::Gen<command> wire_command() {
  return rc::gen::map(rc::gen::inRange<std::uint32_t>(1, static_cast<std::uint32_t>(command::max)),
                      [](std::uint32_t n) { return static_cast<command>(n); });
}

rc::Gen<command> submit_command() {
  std::vector<command> submits;
  for (const auto& row : proto::commands())
    if (proto::is_submit(row.cmd)) submits.push_back(row.cmd);
  return rc::gen::elementOf(submits);
}

rc::Gen<proto::magic> magic_for(command cmd) {
  using proto::magic;
  switch (proto::info(cmd).dir) {
    case proto::direction::request:
      return rc::gen::weightedElement<magic>({{9, magic::request}, {1, magic::response}});
    case proto::direction::response:
      return rc::gen::weightedElement<magic>({{9, magic::response}, {1, magic::request}});
    case proto::direction::both:
    case proto::direction::none:
      break;
  }
  return rc::gen::element(magic::request, magic::response);
}

rc::Gen<proto::packet> packet_of(command cmd) {
  return rc::gen::exec([cmd] {
    proto::packet p;
    p.cmd = cmd;
    p.mag = *magic_for(cmd);
    const auto& row = proto::info(cmd);
    for (std::size_t i = 0; i < row.argc; ++i) p.args.push_back(*argument(row.roles[i]));
    if (row.has_data) p.data = *workload();
    return p;
  });
}

rc::Gen<proto::packet> packet() { return rc::gen::mapcat(wire_command(), packet_of); }

rc::Gen<proto::packet> background_submit() {
  return rc::gen::exec([] {
    const auto prio = *rc::gen::element(proto::priority::high, proto::priority::normal, proto::priority::low);
    auto p = *packet_of(proto::submit_command(prio, true));
    p.mag = proto::magic::request;
    return p;
  });
}

rc::Gen<std::vector<proto::packet>> packets(std::size_t max_count) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, max_count + 1), [](std::size_t n) {
    return rc::gen::container<std::vector<proto::packet>>(n, packet());
  });
}

rc::Gen<std::string> admin_line() {
  const auto words = rc::gen::weightedOneOf<std::string>({
      {6, rc::gen::element<std::string>("status", "STATUS", "prioritystatus", "workers", "version", "getpid",
                                        "verbose", "maxqueue", "show", "Show", "jobs", "unique", "cancel",
                                        "job", "create", "drop", "function")},
      {3, word(12)},
      {1, literal("H:vm:1")},
      {1, rc::gen::map(rc::gen::inRange(0, 100000), [](int v) { return std::to_string(v); })},
  });
  return rc::gen::exec([words] {
    const auto count = *rc::gen::inRange<std::size_t>(1, 6);
    std::string line = *rc::gen::weightedElement<std::string>({{8, ""}, {1, " "}});
    for (std::size_t i = 0; i < count; ++i) {
      if (i != 0) line += std::string(*rc::gen::weightedElement<std::size_t>({{6, 1}, {1, 2}, {1, 3}}), ' ');
      line += *words;
    }
    return line;
  });
}

std::string stream_message::wire() const {
  if (!is_text) return proto::encode(pkt);
  return line + (crlf ? "\r\n" : "\n");
}

void showValue(const stream_message& m, std::ostream& os) {
  if (m.is_text)
    os << "TEXT " << proto::escape_bytes(m.line) << (m.crlf ? " \\r\\n" : " \\n");
  else
    os << proto::to_string(m.pkt);
}

rc::Gen<std::vector<stream_message>> mixed_stream(std::size_t max_count) {
  return rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, max_count + 1), [](std::size_t n) {
    return rc::gen::container<std::vector<stream_message>>(n, rc::gen::arbitrary<stream_message>());
  });
}

rc::Gen<std::vector<std::size_t>> cuts(std::size_t length) {
  if (length < 2) return rc::gen::just(std::vector<std::size_t>{});
  const auto offset = rc::gen::inRange<std::size_t>(1, length);
  std::vector<std::size_t> every;
  if (length <= 64)
    for (std::size_t i = 1; i < length; ++i) every.push_back(i);
  else
    every.push_back(length / 2);
  const auto random_cuts = rc::gen::map(rc::gen::container<std::vector<std::size_t>>(offset), [](auto v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  });
  return rc::gen::weightedOneOf<std::vector<std::size_t>>({
      {2, rc::gen::just(std::vector<std::size_t>{})},
      {2, rc::gen::map(offset, [](std::size_t o) { return std::vector<std::size_t>{o}; })},
      {1, rc::gen::just(std::move(every))},
      {5, random_cuts},
  });
}

}  // namespace gearspec::test::gen

namespace gearspec::proto {

void showValue(const packet& p, std::ostream& os) { os << to_string(p); }
void showValue(command c, std::ostream& os) { os << name(c); }
void showValue(magic m, std::ostream& os) { os << (m == magic::request ? "REQ" : "RES"); }

}  // namespace gearspec::proto

namespace rc {

Gen<gearspec::test::gen::stream_message> Arbitrary<gearspec::test::gen::stream_message>::arbitrary() {
  using gearspec::test::gen::stream_message;
  const auto binary = gen::map(gearspec::test::gen::packet(), [](gearspec::proto::packet p) {
    stream_message m;
    m.pkt = std::move(p);
    return m;
  });
  const auto text = gen::apply(
      [](std::string line, bool crlf) {
        stream_message m;
        m.is_text = true;
        m.line = std::move(line);
        m.crlf = crlf;
        return m;
      },
      gearspec::test::gen::admin_line(), gen::arbitrary<bool>());
  return gen::weightedOneOf<stream_message>({{3, binary}, {1, text}});
}

}  // namespace rc
