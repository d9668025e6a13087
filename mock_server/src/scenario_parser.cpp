// YAML -> scenario_model, strict, every error with file:line:column.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "gearspec/mock/scenario.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/util/decimal.hpp"
#include "gearspec/util/encoding.hpp"
#include "gearspec/util/escape.hpp"
#include "scenario_model.hpp"

namespace gearspec::mock {

namespace {
using detail::bytes_predicate;
using detail::send_item;
using detail::step;
using detail::value_template;

/// Where a YAML mark points in the real file, whose line `first_line` the YAML starts on.
scenario_error error_at(const std::string& source, int first_line, const YAML::Mark& m, std::string expected,
                        std::string got) {
  return scenario_error(source, m.line < 0 ? 0 : first_line + m.line, m.column < 0 ? 0 : m.column + 1,
                        std::move(expected), std::move(got));
}

/// The value in `values` at the place of `name` in `names` (the lists go in the same order).
template <class T>
std::optional<T> lookup(std::string_view name, std::initializer_list<std::string_view> names,
                        std::initializer_list<T> values) {
  auto v = values.begin();
  for (auto n = names.begin(); n != names.end() && v != values.end(); ++n, ++v)
    if (*n == name) return *v;
  return std::nullopt;
}

/// The steps that end or hand over the script, written `close` or `close: true`.
std::optional<step::kind> ending_step(std::string_view name) {
  using k = step::kind;
  return lookup(name, {"close", "reset", "half_close", "black_hole", "queue"},
                {k::close, k::reset, k::half_close, k::black_hole, k::queue});
}

class parser {
 public:
  parser(std::string source, int first_line) : source_(std::move(source)), first_line_(first_line) {}

  [[noreturn]] void fail(const YAML::Node& at, std::string expected, std::string got = {}) const {
    throw error_at(source_, first_line_, at.Mark(), std::move(expected), std::move(got));
  }
  int line_of(const YAML::Node& n) const { return n.Mark().line < 0 ? 0 : first_line_ + n.Mark().line; }

  static std::string describe(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Null:
        return "null";
      case YAML::NodeType::Scalar:
        return "'" + n.Scalar() + "'";
      case YAML::NodeType::Sequence:
        return "a list";
      case YAML::NodeType::Map:
        return "a mapping";
      default:
        return "nothing";
    }
  }

  std::string scalar(const YAML::Node& n, const char* what) const {
    if (!n.IsScalar()) fail(n, what, describe(n));
    return n.Scalar();
  }

  template <class T = std::uint64_t>
  T number(const YAML::Node& n, const char* what, std::uint64_t max = std::numeric_limits<T>::max()) const {
    const auto s = scalar(n, what);
    const auto v = util::decimal(s, max);
    if (!v) fail(n, std::string{what} + " (at most " + std::to_string(max) + ")", "'" + s + "'");
    return static_cast<T>(*v);
  }

  bool boolean(const YAML::Node& n, const char* what) const {
    const auto s = scalar(n, what);
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail(n, std::string{what} + " (true or false)", "'" + s + "'");
  }

  /// A scalar among `names`, as the value at its place in `values`; `what` lists the names.
  template <class T>
  T one_of(const YAML::Node& n, const char* what, std::initializer_list<std::string_view> names,
           std::initializer_list<T> values) const {
    const auto s = scalar(n, what);
    if (const auto v = lookup(s, names, values)) return *v;
    fail(n, what, "'" + s + "'");
  }

  void check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed) const {
    for (const auto& kv : map) {
      const auto key = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string list;
      for (const char* a : allowed) list += std::string{list.empty() ? "" : ", "} + a;
      fail(kv.first, "one of the keys " + list, "'" + key + "'");
    }
  }

  // ---- byte strings ---------------------------------------------------------

  /// A byte value: a plain string, or {hex: ...} / {escaped: ...} / {base64: ...}.
  std::string bytes(const YAML::Node& n, const char* what) const {
    if (n.IsScalar()) return n.Scalar();
    if (n.IsMap() && n.size() == 1) {
      const auto key = n.begin()->first.Scalar();
      const YAML::Node v = n.begin()->second;  // a copy: the iterator yields a temporary
      std::string out, error;                  // each encoding fails on text it cannot decode
      if (key == "hex" && util::from_hex(scalar(v, "hex digits"), out))
        fail(v, "hex digits (pairs of 0-9a-f)", describe(v));
      if (key == "base64" && util::base64_decode(scalar(v, "base64 text"), out))
        fail(v, "base64 text", describe(v));
      if (key == "escaped" && !util::unescape(scalar(v, "an escaped string"), out, error))
        fail(v, "a valid escape sequence", error);
      if (key == "hex" || key == "base64" || key == "escaped") return out;
    }
    fail(n, std::string{what} + ": a string or {hex: ...} / {escaped: ...} / {base64: ...}", describe(n));
  }

  value_template templated(const YAML::Node& n, const char* what) const {
    const std::string text = bytes(n, what);
    if (!n.IsScalar()) return literal(text);  // hex / escaped / base64 are taken literally
    value_template t;
    std::string literal;
    for (std::size_t i = 0; i < text.size();) {
      if (text.compare(i, 3, "$${") == 0) {
        literal += "${";
        i += 3;
        continue;
      }
      if (text.compare(i, 2, "${") != 0) {
        literal += text[i++];
        continue;
      }
      const auto end = text.find('}', i);
      if (end == std::string::npos) fail(n, "'}' closing the ${...} substitution", "'" + text + "'");
      const auto var = text.substr(i + 2, end - i - 2);
      value_template::part p;
      using k = value_template::part::kind;
      const auto named = lookup(var, {"handle", "last_handle", "data", "connection", "counter"},
                                {k::new_handle, k::last_handle, k::data, k::connection, k::counter});
      if (named) {
        p.what = *named;
      } else if (var.size() == 4 && var.compare(0, 3, "arg") == 0 && var[3] >= '0' && var[3] <= '7') {
        p.what = k::arg;
        p.index = static_cast<std::size_t>(var[3] - '0');
      } else {
        fail(n,
             "a substitution ${handle}, ${last_handle}, ${arg0}..${arg7}, ${data}, ${connection} or "
             "${counter}",
             "${" + var + "}");
      }
      if (!literal.empty()) t.parts.push_back({k::literal, std::move(literal), 0});
      literal.clear();
      t.parts.push_back(p);
      i = end + 1;
    }
    if (!literal.empty() || t.parts.empty())
      t.parts.push_back({value_template::part::kind::literal, literal, 0});
    return t;
  }

  // ---- predicates -----------------------------------------------------------

  bytes_predicate predicate(const YAML::Node& n) const {
    bytes_predicate p;
    if (n.IsNull()) return p;
    if (n.IsScalar()) {
      p.what = bytes_predicate::kind::exact;
      p.value = n.Scalar();
      return p;
    }
    if (!n.IsMap() || n.size() != 1)
      fail(n,
           "a predicate: a string (exact), null (any) or one of "
           "{exact|hex|escaped|regex|prefix|length|uuid|any}",
           describe(n));
    const auto key = n.begin()->first.Scalar();
    const YAML::Node v = n.begin()->second;  // a copy: the iterator yields a temporary
    if (key == "any") {
      p.what = bytes_predicate::kind::any;
    } else if (key == "exact" || key == "hex" || key == "escaped" || key == "base64") {
      p.what = bytes_predicate::kind::exact;
      p.value = bytes(key == "exact" ? v : n, "exact bytes");  // {hex: ...} and the like are byte values
    } else if (key == "prefix") {
      p.what = bytes_predicate::kind::prefix;
      p.value = bytes(v, "prefix bytes");
    } else if (key == "regex") {
      p.what = bytes_predicate::kind::regex;
      p.value = scalar(v, "a regular expression (ECMAScript)");
      try {
        p.re = std::make_shared<const std::regex>(p.value, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        fail(v, "a valid regular expression", e.what());
      }
    } else if (key == "length") {
      p.what = bytes_predicate::kind::length;
      if (v.IsSequence()) {
        if (v.size() != 2) fail(v, "[min, max]", describe(v));
        p.min_length = number(v[0], "minimum length");
        p.max_length = number(v[1], "maximum length");
        if (p.min_length > p.max_length) fail(v, "min <= max", describe(v));
      } else {
        p.min_length = p.max_length = number(v, "a length");
      }
    } else if (key == "uuid") {
      p.what = boolean(v, "uuid: true") ? bytes_predicate::kind::uuid : bytes_predicate::kind::any;
    } else {
      fail(n.begin()->first,
           "a predicate kind: exact, hex, escaped, base64, regex, prefix, length, uuid or any",
           "'" + key + "'");
    }
    return p;
  }

  proto::command command_name(const YAML::Node& n) const {
    const auto s = scalar(n, "a command name (e.g. SUBMIT_JOB_BG)");
    auto c = proto::command_from_name(s);
    if (!c || !proto::is_wire_command(static_cast<std::uint32_t>(*c)))
      fail(n, "a Gearman command name from WIRE.md section 2", "'" + s + "'");
    return *c;
  }

  /// The command of an expect: `any` (left unset), `GRAB` (any of the three
  /// grabs) or a command name.
  void expect_command(const YAML::Node& n, step& s) const {
    if (n.IsScalar() && n.Scalar() == "any") return;
    if (n.IsScalar() && n.Scalar() == "GRAB")
      s.expect_grab = true;
    else
      s.command = command_name(n);
  }

  void parse_expect(const YAML::Node& v, step& s) const {
    s.what = step::kind::expect;
    if (v.IsScalar())
      expect_command(v, s);
    else
      parse_expect_map(v, s);
    // What a later `assign` may answer: a grab, or any packet that could be one.
    grab_expected_ =
        grab_expected_ || s.expect_grab || (!s.expect_text && (!s.command || proto::is_grab(*s.command)));
  }

  void parse_expect_map(const YAML::Node& v, step& s) const {
    if (!v.IsMap())
      fail(v, "a command name, GRAB, any, or a mapping with command/args/data or text", describe(v));
    check_keys(v, {"command", "args", "data", "text", "pass"});
    if (v["pass"]) s.pass_to_queue = boolean(v["pass"], "pass: true|false");
    if (v["text"]) {
      if (v["command"] || v["args"] || v["data"]) fail(v, "either text or command/args/data, not both");
      s.expect_text = true;
      s.data = predicate(v["text"]);
      return;
    }
    if (v["command"]) expect_command(v["command"], s);
    // GRAB stands for three commands without arguments or data.
    const auto checked = s.expect_grab ? std::optional<proto::command>{proto::command::grab_job} : s.command;
    const std::string checked_name = s.expect_grab ? "GRAB"
                                     : checked     ? std::string{proto::name(*checked)}
                                                   : "";
    if (const auto& a = v["args"]) {
      if (!a.IsSequence()) fail(a, "a list of argument predicates", describe(a));
      for (const auto& e : a) s.args.push_back(predicate(e));
      if (checked && s.args.size() != proto::info(*checked).argc)
        fail(a, std::to_string(proto::info(*checked).argc) + " argument predicates for " + checked_name,
             std::to_string(s.args.size()));
    }
    if (v["data"]) {
      if (checked && !proto::info(*checked).has_data)
        fail(v["data"], "no data predicate: " + checked_name + " has no data part");
      s.data = predicate(v["data"]);
    }
  }

  // ---- send items -------------------------------------------------------------

  send_item packet_item(const YAML::Node& n, bool allow_bad_magic) const {
    send_item it;
    it.what = send_item::kind::packet;
    if (n.IsScalar()) {
      const auto c = command_name(n);
      if (proto::info(c).argc != 0)
        fail(n, std::string{proto::name(c)} + " with its arguments: {command: ..., args: [...]}");
      it.command_number = static_cast<std::uint32_t>(c);
      return it;
    }
    if (!n.IsMap())
      fail(n, "a packet: a command name, {command, args, data, magic} or {assign, data}", describe(n));
    check_keys(n, {"command", "number", "args", "data", "magic", "size", "assign"});
    std::optional<proto::command> c;
    if (n["assign"]) {
      assign_fields(n, it);
    } else if (n["command"]) {
      c = command_name(n["command"]);
      it.command_number = static_cast<std::uint32_t>(*c);
    } else if (n["number"]) {
      it.command_number = number<std::uint32_t>(n["number"], "a command number");
    } else {
      fail(n, "a 'command' (name), 'number' or 'assign' key");
    }
    if (const auto& a = n["args"]) {
      if (!a.IsSequence()) fail(a, "a list of arguments", describe(a));
      for (const auto& e : a) it.args.push_back(templated(e, "an argument"));
    }
    if (n["data"]) it.data = templated(n["data"], "data");
    if (c && !allow_bad_magic) {
      if (it.args.size() != proto::info(*c).argc)
        fail(n["args"] ? n["args"] : n,
             std::to_string(proto::info(*c).argc) + " arguments for " + std::string{proto::name(*c)},
             std::to_string(it.args.size()));
      if (n["data"] && !proto::info(*c).has_data)
        fail(n["data"], "no data: " + std::string{proto::name(*c)} + " has no data part");
    }
    if (n["magic"]) {
      const auto m = bytes(n["magic"], "magic");
      const auto named = lookup(m, {"REQ", "RES"}, {proto::request_magic, proto::response_magic});
      if (!named && (m.size() != 4 || !allow_bad_magic))
        fail(n["magic"], allow_bad_magic ? "REQ, RES or exactly 4 bytes" : "REQ or RES", "'" + m + "'");
      it.magic4 = named ? std::string{*named} : m;
    }
    if (n["size"]) it.size_override = number<std::uint32_t>(n["size"], "a size field value");
    return it;
  }

  /// `assign: [handle, function, unique, reducer]`: the JOB_ASSIGN* of the
  /// grab the worker sent last, so one script serves GRAB_JOB, GRAB_JOB_UNIQ
  /// and GRAB_JOB_ALL workers alike.
  void assign_fields(const YAML::Node& n, send_item& it) const {
    if (n["command"] || n["number"] || n["args"])
      fail(n, "either 'assign' or 'command'/'number'/'args' (assign names its own fields)");
    if (!grab_expected_)
      fail(n["assign"],
           "an expect that can match a grab (GRAB, GRAB_JOB*, any) before an assign in the same script",
           "an assign with no grab expected before it");
    const auto& a = n["assign"];
    if (!a.IsSequence() || a.size() != 4)
      fail(a, "4 fields for assign: [handle, function, unique, reducer]",
           a.IsSequence() ? std::to_string(a.size()) : describe(a));
    it.assign = true;
    for (const auto& e : a) it.args.push_back(templated(e, "an assign field"));
  }

  void add_packets(const YAML::Node& v, step& s, bool allow_bad) const {
    if (!v.IsSequence()) return s.items.push_back(packet_item(v, allow_bad));
    for (const auto& e : v) s.items.push_back(packet_item(e, allow_bad));
  }

  send_item raw_item(value_template t, send_item::kind k = send_item::kind::raw) const {
    send_item it;
    it.what = k;
    it.raw = std::move(t);
    return it;
  }

  static value_template literal(std::string bytes) {
    value_template t;
    t.parts.push_back({value_template::part::kind::literal, std::move(bytes), 0});
    return t;
  }

  /// Add the items of one send-producing key; false if `key` is not one.
  bool add_send_key(const std::string& key, const YAML::Node& v, step& s) const {
    if (key == "reply") {
      add_packets(v, s, false);
    } else if (key == "packet") {  // like reply, but any magic/argc/size: for malformed packets
      add_packets(v, s, true);
    } else if (key == "raw") {
      s.items.push_back(raw_item(templated(v, "raw bytes")));
    } else if (key == "admin_text") {
      s.items.push_back(raw_item(templated(v, "an admin text line"), send_item::kind::text));
    } else if (key == "garbage") {
      if (v.IsMap()) {  // or the length alone
        check_keys(v, {"length", "seed"});
        if (!v["length"]) fail(v, "a garbage length key (length: N)", "a mapping without one");
      }
      const auto length = number(v.IsMap() ? v["length"] : v, "garbage length", 1u << 24);
      std::mt19937_64 rng{v.IsMap() && v["seed"] ? number(v["seed"], "a seed") : 1};
      std::string g(length, '\0');
      for (auto& ch : g) ch = static_cast<char>(rng() & 0xFF);
      if (!g.empty() && g[0] == '\0') g[0] = '\x01';  // never a valid header start
      s.items.push_back(raw_item(literal(std::move(g))));
    } else if (key == "oversize") {
      // A header whose size field promises more than will ever come.
      if (!v.IsMap()) fail(v, "{command: NAME, size: N}", describe(v));
      check_keys(v, {"command", "size", "magic"});
      std::string h;
      const auto cmd = v["command"] ? static_cast<std::uint32_t>(command_name(v["command"])) : 8u;
      const auto size = v["size"] ? number<std::uint32_t>(v["size"], "a size") : 0xFFFFFFFFu;
      const bool request = v["magic"] && one_of(v["magic"], "REQ or RES", {"REQ", "RES"}, {true, false});
      proto::append_raw_header(h, request ? proto::request_magic : proto::response_magic, cmd, size);
      s.items.push_back(raw_item(literal(std::move(h))));
    } else if (key == "wrong_magic") {
      send_item it = packet_item(v, true);
      if (!v["magic"]) it.magic4 = "XRES";
      s.items.push_back(std::move(it));
    } else if (key == "unknown_command") {
      std::string h;
      std::string body;
      std::uint32_t cmd = 99;
      if (v.IsMap()) {
        check_keys(v, {"number", "body"});
        if (v["number"]) cmd = number<std::uint32_t>(v["number"], "a command number");
        if (v["body"]) body = bytes(v["body"], "body bytes");
      } else if (!v.IsNull()) {
        cmd = number<std::uint32_t>(v, "a command number");
      }
      proto::append_raw_header(h, proto::response_magic, cmd, static_cast<std::uint32_t>(body.size()));
      s.items.push_back(raw_item(literal(h + body)));
    } else {
      return false;
    }
    return true;
  }

  void parse_write_modifiers(const YAML::Node& m, step& s) const {
    if (m["coalesce"]) s.coalesce = boolean(m["coalesce"], "coalesce: true|false");
    if (m["split_at"]) {
      const auto& v = m["split_at"];
      if (v.IsScalar() && (v.Scalar() == "every" || v.Scalar() == "each"))
        s.drip = true;
      else
        s.split_at = number(v, "a byte offset or 'every'");
    }
    if (m["drip"]) s.drip = boolean(m["drip"], "drip: true|false");
    if (m["close_after"]) s.close_after = number(m["close_after"], "a byte count");
    if (m["reset_after"]) {
      s.close_after = number(m["reset_after"], "a byte count");
      s.reset_after = true;
    }
    if (m["close_within"]) {
      if (m["close_after"] || m["reset_after"])
        fail(m["close_within"], "one of close_after, reset_after or close_within on a step");
      s.close_after = number(m["close_within"], "a byte count");
      s.close_within = true;
    }
    if (m["gap_ms"]) s.write_gap = std::chrono::milliseconds(number(m["gap_ms"], "milliseconds", 3'600'000));
  }

  // ---- steps -------------------------------------------------------------------

  step parse_step(const YAML::Node& n) const {
    step s;
    s.line = line_of(n);
    if (n.IsScalar()) {
      const auto w = n.Scalar();
      const auto k = ending_step(w == "silent" ? "black_hole" : w);
      if (!k) fail(n, "a step: close, reset, half_close, black_hole, queue, or a mapping", "'" + w + "'");
      s.what = *k;
      return s;
    }
    if (!n.IsMap() || n.size() == 0)
      fail(n, "a step (a mapping such as {expect: SUBMIT_JOB_BG})", describe(n));
    static const std::string_view modifiers[] = {"coalesce",    "split_at",     "drip",  "close_after",
                                                 "reset_after", "close_within", "gap_ms"};
    auto is_modifier = [](const std::string& k) {
      return std::find(std::begin(modifiers), std::end(modifiers), k) != std::end(modifiers);
    };
    std::string main;
    for (const auto& kv : n) {
      const auto key = kv.first.Scalar();
      if (is_modifier(key)) continue;
      if (!main.empty()) fail(kv.first, "one action per step (already have '" + main + "')", "'" + key + "'");
      main = key;
    }
    if (main.empty()) fail(n, "an action key besides the write modifiers");
    const auto& v = n[main];
    if (main == "expect") {
      parse_expect(v, s);
    } else if (main == "send") {
      s.what = step::kind::send;
      if (!v.IsSequence())
        fail(v, "a list of {reply|packet|raw|admin_text|garbage|oversize|wrong_magic|unknown_command}",
             describe(v));
      for (const auto& e : v) {
        if (!e.IsMap() || e.size() != 1) fail(e, "one send item such as {reply: NOOP}", describe(e));
        if (!add_send_key(e.begin()->first.Scalar(), e.begin()->second, s))
          fail(e.begin()->first,
               "reply, packet, raw, admin_text, garbage, oversize, wrong_magic or unknown_command",
               "'" + e.begin()->first.Scalar() + "'");
      }
    } else if (add_send_key(main, v, s)) {
      s.what = step::kind::send;
    } else if (main == "delay" || main == "delay_ms") {
      s.what = step::kind::delay;
      s.duration = std::chrono::milliseconds(number(v, "a delay in milliseconds", 3'600'000));
    } else if (const auto ending = ending_step(main)) {
      if (!v.IsNull() && !boolean(v, "true")) fail(v, "true");
      s.what = *ending;
    } else if (main == "repeat") {
      s.what = step::kind::repeat;
      if (!v.IsMap()) fail(v, "{times: N, steps: [...]} (times 0 = forever)", describe(v));
      check_keys(v, {"times", "steps"});
      s.times = v["times"] ? number(v["times"], "a repeat count (0 = forever)", 1'000'000'000) : 0;
      if (!v["steps"]) fail(v, "a 'steps' list");
      s.body = steps(v["steps"]);
      if (s.body.empty()) fail(v["steps"], "at least one step to repeat");
    } else if (main == "state" || main == "goto") {
      s.what = main == "state" ? step::kind::state : step::kind::go_to;
      s.name = scalar(v, "a state name");
    } else if (main == "hold" || main == "release") {
      s.what = main == "hold" ? step::kind::hold : step::kind::release;
      s.name = v.IsNull() ? std::string{} : scalar(v, "a function name, or null for every function");
      if (s.name == "*") s.name.clear();
    } else if (main == "note") {
      s.what = step::kind::note;
      s.name = scalar(v, "a note text");
    } else {
      fail(n.begin()->first,
           "a step action: expect, reply, packet, raw, admin_text, garbage, oversize, wrong_magic, "
           "unknown_command, send, delay, close, reset, half_close, black_hole, queue, repeat, state, goto, "
           "hold, release, note",
           "'" + main + "'");
    }
    if (s.what != step::kind::send) {  // write modifiers shape what a step sends
      for (const auto& kv : n)
        if (is_modifier(kv.first.Scalar()))
          fail(kv.first, "write modifiers only on a sending step", "'" + kv.first.Scalar() + "'");
    } else {
      parse_write_modifiers(n, s);
    }
    return s;
  }

  detail::step_list steps(const YAML::Node& n) const {
    if (!n.IsSequence()) fail(n, "a list of steps", describe(n));
    detail::step_list out;
    for (const auto& e : n) out.push_back(parse_step(e));
    return out;
  }

  void check_gotos(const detail::step_list& top, const detail::step_list& list) const {
    for (const auto& s : list) {
      if (s.what == step::kind::go_to) {
        bool found = false;
        for (const auto& t : top) found = found || (t.what == step::kind::state && t.name == s.name);
        if (!found)
          throw scenario_error(source_, s.line, 1,
                               "goto a state declared at the top level of the same script",
                               "'" + s.name + "'");
      }
      if (s.what == step::kind::repeat) check_gotos(top, s.body);
    }
  }

  detail::connection_script script(const YAML::Node& n) const {
    grab_expected_ = false;
    detail::connection_script c;
    c.line = line_of(n);
    c.steps = steps(n);
    check_gotos(c.steps, c.steps);
    return c;
  }

  std::shared_ptr<detail::scenario_model> document(const YAML::Node& root) const {
    if (!root.IsMap()) fail(root, "a mapping with 'steps' or 'connections'", describe(root));
    check_keys(root,
               {"name", "description", "on_mismatch", "then", "answer_options", "steps", "connections"});
    auto m = std::make_shared<detail::scenario_model>();
    m->source = source_;
    if (const auto& name = root["name"]) {
      m->name = scalar(name, "a name");
      if (m->name.empty()) fail(name, "a non-empty name", "an empty string");
    } else {
      m->name = source_;
    }
    if (root["description"]) m->description = scalar(root["description"], "a description");
    using a = detail::mismatch_action;
    if (const auto& om = root["on_mismatch"])
      m->on_mismatch =
          one_of(om, "continue, skip, close, reset or queue", {"continue", "skip", "close", "reset", "queue"},
                 {a::continue_script, a::skip, a::close, a::reset, a::queue});
    using e = detail::end_action;
    if (const auto& t = root["then"])
      m->then =
          one_of(t, "queue, close or silent", {"queue", "close", "silent"}, {e::queue, e::close, e::silent});
    if (root["answer_options"])
      m->answer_options = boolean(root["answer_options"], "answer_options: true|false");
    if (root["steps"]) m->every = script(root["steps"]);
    if (const auto& cs = root["connections"]) {
      if (!cs.IsSequence()) fail(cs, "a list of per-connection step lists", describe(cs));
      for (const auto& c : cs) {  // a step list, or {steps: [...]}
        if (c.IsMap()) check_keys(c, {"steps"});
        if (c.IsMap() && !c["steps"]) fail(c, "a 'steps' list");
        m->connections.push_back(script(c.IsMap() ? c["steps"] : c));
      }
    }
    if (!m->every && m->connections.empty()) fail(root, "a 'steps' or 'connections' key");
    return m;
  }

 private:
  std::string source_;
  int first_line_;
  /// In the script being parsed, an expect that can match a grab came
  /// before (steps are parsed in the order they are written).
  mutable bool grab_expected_ = false;
};
}  // namespace

scenario_error::scenario_error(std::string file, int line, int column, std::string expected, std::string got)
    : std::runtime_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": expected " +
                         expected + (got.empty() ? std::string{} : ", got " + got)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      expected_(std::move(expected)),
      got_(std::move(got)) {}

scenario::scenario(std::shared_ptr<const detail::scenario_model> model) noexcept : model_(std::move(model)) {}
const std::string& scenario::name() const noexcept { return model_->name; }
const std::string& scenario::source() const noexcept { return model_->source; }
std::size_t scenario::script_count() const noexcept {
  return model_->connections.size() + (model_->every ? 1 : 0);
}

std::shared_ptr<const scenario> parse_scenario(std::string_view yaml_text, std::string source_name,
                                               int first_line) {
  parser p{source_name, first_line};
  YAML::Node root;
  try {
    root = YAML::Load(std::string{yaml_text});
  } catch (const YAML::ParserException& e) {
    throw error_at(source_name, first_line, e.mark, "well-formed YAML", e.msg);
  }
  try {
    return std::make_shared<const scenario>(p.document(root));
  } catch (const YAML::Exception& e) {  // e.g. a duplicate key or conversion problem
    throw error_at(source_name, first_line, e.mark, "a valid scenario", e.msg);
  }
}

std::shared_ptr<const scenario> load_scenario_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) throw scenario_error(path, 0, 0, "a readable scenario file", "cannot open it");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path, 1);
}

}  // namespace gearspec::mock
