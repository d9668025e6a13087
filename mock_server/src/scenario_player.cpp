#include "scenario_player.hpp"

#include <utility>

#include "gearspec/protocol/encoder.hpp"

namespace gearspec::mock::detail {

namespace {
/// Steps run without waiting for input before a script is declared looping.
constexpr std::size_t max_steps_without_input = 100'000;
constexpr std::size_t max_shown_bytes = 256;

std::string shown(std::string_view bytes) {
  if (bytes.size() <= max_shown_bytes) return proto::escape_bytes(bytes);
  return proto::escape_bytes(bytes.substr(0, max_shown_bytes)) + "... (" + std::to_string(bytes.size()) +
         " bytes)";
}

/// Journal "line N: `text`" as a mismatch.
void mismatch(std::vector<player_action>& out, int line, const std::string& text) {
  out.push_back({player_action::kind::mismatch, {}, "line " + std::to_string(line) + ": " + text, {}});
}
}  // namespace

scenario_player::scenario_player(const scenario_model& model, const connection_script* script,
                                 std::uint64_t connection, player_context& ctx, proto::decoder_limits limits)
    : model_(model), connection_(connection), ctx_(ctx), decoder_(limits) {
  if (script) stack_.push_back({&script->steps, 0, 0});
}

const step* scenario_player::current() const {
  if (stack_.empty()) return nullptr;
  const auto& f = stack_.back();
  return f.index < f.steps->size() ? &(*f.steps)[f.index] : nullptr;
}

void scenario_player::advance() {
  if (stack_.empty()) return;
  ++stack_.back().index;
  while (stack_.size() > 1 && stack_.back().index >= stack_.back().steps->size()) {
    auto& f = stack_.back();
    if (f.remaining == 0 || --f.remaining > 0) {  // 0 = forever
      f.index = 0;
      return;
    }
    stack_.pop_back();
    ++stack_.back().index;
  }
}

void scenario_player::start(std::vector<player_action>& out) { run(out); }

void scenario_player::receive(std::string_view bytes, std::vector<player_action>& out) {
  if (mode_ == mode::queue) return out.push_back({player_action::kind::forward, std::string{bytes}, {}, {}});
  if (mode_ != mode::playing) return;
  pending_.append(bytes);
  if (!paused_) run(out);
}

void scenario_player::resume(std::vector<player_action>& out) {
  paused_ = false;
  run(out);
}

void scenario_player::run(std::vector<player_action>& out) {
  std::size_t steps_run = 0;
  while (mode_ == mode::playing && !paused_) {
    if (++steps_run > max_steps_without_input) {
      out.push_back(
          {player_action::kind::mismatch, {}, "the script loops without waiting for input; stopped", {}});
      mode_ = mode::silent;
      return;
    }
    const step* s = current();
    if (!s) return end_script(out);
    using k = step::kind;
    switch (s->what) {
      case k::expect:
        if (!handle_message(out)) return;  // wait for more input
        steps_run = 0;
        break;
      case k::send:
        execute_send(*s, out);
        if (mode_ == mode::playing) advance();
        break;
      case k::delay:
        out.push_back({player_action::kind::pause, {}, {}, s->duration, true});
        paused_ = true;
        advance();
        return;
      case k::close:
      case k::reset:
        return stop(out, s->what == k::close ? player_action::kind::close : player_action::kind::reset);
      case k::half_close:
        out.push_back({player_action::kind::half_close, {}, {}, {}});
        advance();
        break;
      case k::black_hole:
        out.push_back({player_action::kind::note, {}, "black hole: reading, never answering", {}});
        mode_ = mode::silent;
        return;
      case k::queue:
        return enter_queue(out);
      case k::repeat:
        // The parent keeps pointing at the repeat step; when the body is
        // done, advance() pops it and moves the parent past the step.
        stack_.push_back({&s->body, 0, s->times});
        break;
      case k::state:
        advance();
        break;
      case k::go_to: {
        const step_list* top = stack_.front().steps;
        std::size_t target = 0;
        for (std::size_t i = 0; i < top->size(); ++i)
          if ((*top)[i].what == k::state && (*top)[i].name == s->name) target = i;
        stack_.resize(1);
        stack_.front().index = target;
        break;
      }
      case k::hold:
      case k::release:
        out.push_back(
            {s->what == k::hold ? player_action::kind::hold : player_action::kind::release, {}, s->name, {}});
        advance();
        break;
      case k::note:
        out.push_back({player_action::kind::note, {}, s->name, {}});
        advance();
        break;
    }
  }
}

bool scenario_player::handle_message(std::vector<player_action>& out) {
  if (pending_.empty()) return false;
  decoder_.reset();
  std::error_code ec;
  std::string_view in{pending_};
  std::size_t used = 0;
  while (used < in.size() && !decoder_.ready() && !ec) used += decoder_.put(in.substr(used), ec);
  const step& s = *current();
  if (ec) {
    const std::string got = "undecodable bytes (" + ec.message() + "): " + shown(pending_);
    msg_raw_ = std::exchange(pending_, {});  // the message on_mismatch: queue hands over
    msg_kind_ = proto::message_kind::none;
    mismatched(s, got, out);
    return true;
  }
  if (!decoder_.ready()) return false;
  msg_kind_ = decoder_.kind();
  msg_raw_.assign(pending_, 0, used);
  if (msg_kind_ == proto::message_kind::packet)
    msg_ = proto::packet{decoder_.packet()};
  else
    msg_text_.assign(decoder_.text());
  decoder_.reset();
  pending_.erase(0, used);
  if (msg_kind_ == proto::message_kind::packet && proto::is_grab(msg_.cmd)) last_grab_ = msg_.cmd;

  std::string why;
  const bool matched = matches(s, why);
  if (!matched && answers_preamble()) {
    out.push_back(
        {player_action::kind::note, {}, "answered " + describe_message() + " outside the script", {}});
    out.push_back({player_action::kind::forward, msg_raw_, {}, {}});
    return true;
  }
  if (!matched && s.expect_grab && msg_kind_ == proto::message_kind::packet &&
      msg_.cmd == proto::command::pre_sleep) {
    // A worker may sleep before its first grab; the job this step is about
    // is there, so it is woken as gearmand wakes it, and the step still waits.
    out.push_back({player_action::kind::note, {}, "PRE_SLEEP before the grab: woken with NOOP", {}});
    out.push_back({player_action::kind::write,
                   proto::encode(proto::magic::response, proto::command::noop, {}),
                   {},
                   {}});
    return true;
  }
  if (!matched) {
    mismatched(s, describe_message() + (why.empty() ? "" : " (" + why + ")"), out);
    return true;
  }
  ++counter_;
  if (msg_kind_ == proto::message_kind::packet) {
    last_args_ = msg_.args;
    last_data_ = msg_.data;
  } else {
    last_args_.clear();
    last_data_ = msg_text_;
  }
  if (s.pass_to_queue) out.push_back({player_action::kind::forward, msg_raw_, {}, {}});
  advance();
  return true;
}

bool scenario_player::answers_preamble() const {
  return model_.answer_options && msg_kind_ == proto::message_kind::packet &&
         msg_.mag == proto::magic_of(proto::peer::client) &&
         (msg_.cmd == proto::command::option_req || msg_.cmd == proto::command::set_client_id);
}

bool scenario_player::matches(const step& s, std::string& why) const {
  if (s.expect_text) {
    if (msg_kind_ != proto::message_kind::text) return false;
    return !s.data || s.data->matches(msg_text_);
  }
  if (msg_kind_ != proto::message_kind::packet) return false;
  if (msg_.mag != proto::magic_of(proto::peer::client)) {
    why = "response magic";
    return false;
  }
  if (s.command && msg_.cmd != *s.command) return false;
  if (s.expect_grab && !proto::is_grab(msg_.cmd)) return false;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    if (i >= msg_.args.size() || !s.args[i].matches(msg_.args[i])) {
      why = "argument " + std::to_string(i) + " is not " + s.args[i].describe();
      return false;
    }
  }
  if (s.data && !s.data->matches(msg_.data)) {
    why = "data is not " + s.data->describe();
    return false;
  }
  return true;
}

std::string scenario_player::describe_expectation(const step& s) const {
  if (s.expect_text) return "admin text line " + (s.data ? s.data->describe() : std::string{"(any)"});
  std::string d = s.expect_grab ? std::string{"GRAB (GRAB_JOB, GRAB_JOB_UNIQ or GRAB_JOB_ALL)"}
                  : s.command   ? std::string{proto::name(*s.command)}
                                : std::string{"any packet"};
  if (!s.args.empty()) {
    d += " [";
    for (std::size_t i = 0; i < s.args.size(); ++i) d += (i ? ", " : "") + s.args[i].describe();
    d += "]";
  }
  if (s.data) d += " data " + s.data->describe();
  return d;
}

std::string scenario_player::describe_message() const {
  if (msg_kind_ == proto::message_kind::text) return "admin text line " + shown(msg_text_);
  return proto::to_string(msg_);
}

void scenario_player::mismatched(const step& s, const std::string& got, std::vector<player_action>& out) {
  mismatch(out, s.line, "expected " + describe_expectation(s) + ", got " + got);
  switch (model_.on_mismatch) {
    case mismatch_action::continue_script:
      advance();
      return;
    case mismatch_action::skip:
      return;
    case mismatch_action::close:
      return stop(out, player_action::kind::close);
    case mismatch_action::reset:
      return stop(out, player_action::kind::reset);
    case mismatch_action::queue:
      pending_.insert(0, msg_raw_);
      return enter_queue(out);
  }
}

void scenario_player::end_script(std::vector<player_action>& out) {
  switch (model_.then) {
    case end_action::queue:
      return enter_queue(out);
    case end_action::close:
      return stop(out, player_action::kind::close);
    case end_action::silent:
      mode_ = mode::silent;
      return;
  }
}

std::string scenario_player::expand(const value_template& t) {
  std::string out;
  using k = value_template::part::kind;
  for (const auto& p : t.parts) {
    switch (p.what) {
      case k::literal:
        out += p.literal;
        break;
      case k::new_handle:
        last_handle_ = ctx_.handle_prefix + ":" + std::to_string(ctx_.next_handle++);
        out += last_handle_;
        break;
      case k::last_handle:
        out += last_handle_;
        break;
      case k::arg:
        if (p.index < last_args_.size()) out += last_args_[p.index];
        break;
      case k::data:
        out += last_data_;
        break;
      case k::connection:
        out += std::to_string(connection_);
        break;
      case k::counter:
        out += std::to_string(counter_);
        break;
    }
  }
  return out;
}

std::optional<std::string> scenario_player::render(const send_item& item, int line,
                                                   std::vector<player_action>& out) {
  if (item.what != send_item::kind::packet) return expand(item.raw);
  auto number = item.command_number;
  std::size_t argc = item.args.size();
  if (item.assign) {
    if (!last_grab_) {
      mismatch(out, line, "assign answers a grab, but no GRAB_JOB* came on this connection; nothing sent");
      return std::nullopt;
    }
    const auto c = proto::assignment_for(*last_grab_);
    number = static_cast<std::uint32_t>(c);
    argc = proto::info(c).argc;  // the first 2, 3 or 4 of handle, function, unique, reducer
  }
  std::string body;
  const bool has_data =
      !proto::is_wire_command(number) || proto::info(static_cast<proto::command>(number)).has_data;
  for (std::size_t i = 0; i < argc; ++i) {
    body += expand(item.args[i]);
    // The last argument of a no-data command is not NUL-terminated (WIRE.md 1.2).
    if (has_data || i + 1 < argc) body += '\0';
  }
  if (has_data) body += expand(item.data);
  std::string bytes;
  proto::append_raw_header(bytes, item.magic4, number,
                           item.size_override.value_or(static_cast<std::uint32_t>(body.size())));
  return bytes + body;
}

void scenario_player::execute_send(const step& s, std::vector<player_action>& out) {
  std::vector<std::string> buffers;
  std::size_t total = 0;
  for (const auto& item : s.items) {
    auto bytes = render(item, s.line, out);
    if (!bytes) continue;
    total += bytes->size();
    if (s.coalesce && !buffers.empty())
      buffers.back() += *bytes;
    else
      buffers.push_back(std::move(*bytes));
  }
  std::size_t budget = s.close_after ? *s.close_after : SIZE_MAX;
  if (s.close_within && budget >= total) {
    // The close must fall inside the step's bytes, however long the
    // assignment the worker asked for turned out to be.
    budget = total == 0 ? 0 : total - 1;
    out.push_back({player_action::kind::note,
                   {},
                   "close_within " + std::to_string(*s.close_after) + " bounded to " +
                       std::to_string(budget) + " (the step is " + std::to_string(total) + " bytes)",
                   {}});
  }
  bool first_write = true;
  auto write = [&](std::string bytes) {
    if (!first_write && s.write_gap.count() > 0)
      out.push_back({player_action::kind::pause, {}, {}, s.write_gap});
    first_write = false;
    out.push_back({player_action::kind::write, std::move(bytes), {}, {}});
  };
  for (auto& b : buffers) {
    if (budget == 0) break;
    if (b.size() > budget) b.resize(budget);
    budget -= b.size();
    if (s.drip) {
      for (char ch : b) write(std::string(1, ch));
    } else if (s.split_at && *s.split_at > 0 && *s.split_at < b.size()) {
      write(b.substr(0, *s.split_at));
      write(b.substr(*s.split_at));
    } else if (!b.empty()) {
      write(std::move(b));
    }
  }
  if (s.close_after) stop(out, s.reset_after ? player_action::kind::reset : player_action::kind::close);
}

void scenario_player::stop(std::vector<player_action>& out, player_action::kind how) {
  out.push_back({how, {}, {}, {}});
  mode_ = mode::closed;
}

void scenario_player::enter_queue(std::vector<player_action>& out) {
  mode_ = mode::queue;
  if (!pending_.empty()) out.push_back({player_action::kind::forward, std::move(pending_), {}, {}});
  pending_.clear();
}

}  // namespace gearspec::mock::detail
