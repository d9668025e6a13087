// Queue mode: the gearmand 1.1.20 behaviour of WIRE.md sections 2-4 and 7-9.
#include "gearspec/mock/queue_engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>
#include <unordered_map>

#include "gearspec/protocol/admin.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/limits.hpp"
#include "gearspec/util/ascii.hpp"
#include "gearspec/util/decimal.hpp"
#include "job_store.hpp"

namespace gearspec::mock {

namespace {
using detail::job;
using proto::command;
using proto::magic;
using util::iequals;
namespace admin = proto::admin;

std::int64_t now_seconds() { return static_cast<std::int64_t>(std::time(nullptr)); }
}  // namespace

struct queue_engine::impl {
  struct connection {
    std::string peer_ip;
    proto::decoder dec;
    std::string out;
    std::string close_reason;  // set (never empty) once the connection must be closed
    bool queued_ready = false;
    std::string client_id = "-";
    std::vector<std::uint32_t> abilities;
    bool sleeping = false;
    bool exceptions = false;
    std::vector<std::uint64_t> running_jobs;  // held as a worker
    std::vector<std::uint64_t> waiting_jobs;  // foreground submits
  };

  engine_options opts;
  detail::job_store store;
  std::unordered_map<connection_id, connection> conns;
  std::vector<connection_id> ready;
  connection_id next_id = 1;
  std::uint64_t packets = 0;
  std::size_t hold_all = 0;
  std::uint64_t pid;
  char handle_buf[96];

  explicit impl(engine_options o) : opts(std::move(o)) {
    pid = opts.pid ? opts.pid : static_cast<std::uint64_t>(::getpid());
    if (opts.handle_prefix.size() > 40) opts.handle_prefix.resize(40);  // handles stay <= 63 chars
    // Every handle starts with "<prefix>:": written once, numbers go after it.
    std::copy(opts.handle_prefix.begin(), opts.handle_prefix.end(), handle_buf);
    handle_buf[opts.handle_prefix.size()] = ':';
  }

  void mark_ready(connection_id id, connection& c) {
    if (!c.queued_ready) {
      c.queued_ready = true;
      ready.push_back(id);
    }
  }

  std::string_view handle_of(std::uint64_t number) {
    auto r =
        std::to_chars(handle_buf + opts.handle_prefix.size() + 1, handle_buf + sizeof handle_buf, number);
    return {handle_buf, static_cast<std::size_t>(r.ptr - handle_buf)};
  }

  job* job_by_handle(std::string_view handle) {
    const auto& p = opts.handle_prefix;
    if (handle.size() <= p.size() + 1 || handle.compare(0, p.size(), p) != 0 || handle[p.size()] != ':')
      return nullptr;
    auto digits = handle.substr(p.size() + 1);
    if (digits.size() > 1 && digits[0] == '0') return nullptr;
    const auto n = util::decimal(digits);
    return n ? store.find(*n) : nullptr;
  }

  void send(connection_id id, connection& c, command cmd, std::initializer_list<std::string_view> args,
            std::string_view data = {}) {
    proto::encode_to(c.out, magic::response, cmd, args, data);
    mark_ready(id, c);
  }
  void send_to(connection_id id, command cmd, std::initializer_list<std::string_view> args,
               std::string_view data = {}) {
    auto it = conns.find(id);
    if (it != conns.end()) send(id, it->second, cmd, args, data);
  }
  void error(connection_id id, connection& c, std::string_view code, std::string_view text) {
    send(id, c, command::error, {code, text});
  }
  void close(connection_id id, connection& c, std::string reason) {
    if (c.close_reason.empty()) c.close_reason = std::move(reason);
    mark_ready(id, c);
  }
  void send_text(connection_id id, connection& c, const std::string& text) {
    c.out += text;
    mark_ready(id, c);
  }

  // ---- input ---------------------------------------------------------------

  void receive(connection_id id, std::string_view bytes) {
    auto it = conns.find(id);
    if (it == conns.end()) return;
    connection& c = it->second;
    while (!bytes.empty() && c.close_reason.empty()) {
      std::error_code ec;
      bytes.remove_prefix(c.dec.put(bytes, ec));
      if (ec) {
        close(id, c, "undecodable input: " + ec.message());
        return;
      }
      if (!c.dec.ready()) continue;
      ++packets;
      if (c.dec.kind() == proto::message_kind::text)
        on_text(id, c, c.dec.text());
      else
        on_packet(id, c, c.dec.packet());
      c.dec.next();
    }
  }

  void on_packet(connection_id id, connection& c, const proto::packet_view& p) {
    switch (proto::check_arrival(proto::peer::client, p.mag, p.cmd)) {
      case proto::arrival::wrong_magic:
        return error(id, c, "INVALID_MAGIC", "Request magic expected");
      case proto::arrival::wrong_command:
        return error(id, c, "INVALID_COMMAND", "Command not expected");
      case proto::arrival::expected:
        break;
    }
    if (proto::is_submit(p.cmd)) return on_submit(id, c, p);
    if (proto::is_relayed(p.cmd)) return on_work(id, c, p);
    switch (p.cmd) {
      case command::echo_req:
        return send(id, c, command::echo_res, {}, p.data);
      case command::get_status:
        return on_get_status(id, c, p.arg(0));
      case command::get_status_unique:
        return on_get_status_unique(id, c, p.arg(0));
      case command::option_req:
        if (p.arg(0).size() < proto::option_buffer_size && iequals(p.arg(0), "exceptions")) {
          c.exceptions = true;
          return send(id, c, command::option_res, {p.arg(0)});
        }
        return error(id, c, "UNKNOWN_OPTION", "Server does not recognize given option");
      case command::set_client_id:
        c.client_id.assign(p.arg(0));
        if (c.client_id.empty()) c.client_id = "-";
        return;
      case command::can_do_timeout:
        if (!admin::parse_decimal(p.arg(1)))
          return;  // gearmand: invalid timeout, no reply, nothing registered
        [[fallthrough]];
      case command::can_do:
        return add_ability(id, c, p.arg(0));
      case command::cant_do:
        return remove_ability(id, c, p.arg(0));
      case command::reset_abilities:
        while (!c.abilities.empty()) remove_ability(id, c, store.function(c.abilities.back()).name);
        return;
      case command::pre_sleep:
        c.sleeping = true;
        if (store.has_waiting(c.abilities) && !hold_all) {
          c.sleeping = false;
          send(id, c, command::noop, {});
        }
        return;
      case command::grab_job:
      case command::grab_job_uniq:
      case command::grab_job_all:
        return on_grab(id, c, p.cmd);
      default:
        return error(id, c, "INVALID_COMMAND", "Command not expected");
    }
  }

  void add_ability(connection_id id, connection& c, std::string_view name) {
    auto f = store.function_id(name);
    if (std::find(c.abilities.begin(), c.abilities.end(), f) != c.abilities.end()) return;
    c.abilities.push_back(f);
    store.function(f).workers.push_back(id);
  }

  void remove_ability(connection_id id, connection& c, std::string_view name) {
    auto f = store.find_function(name);
    if (f < 0) return;
    auto fid = static_cast<std::uint32_t>(f);
    auto a = std::find(c.abilities.begin(), c.abilities.end(), fid);
    if (a == c.abilities.end()) return;
    c.abilities.erase(a);
    auto& w = store.function(fid).workers;
    w.erase(std::remove(w.begin(), w.end(), id), w.end());
  }

  void on_submit(connection_id id, connection& c, const proto::packet_view& p) {
    const bool reduce = p.cmd == command::submit_reduce_job || p.cmd == command::submit_reduce_job_background;
    std::string_view function = p.arg(0), unique = p.arg(1);
    // gearmand checks the 64-byte limit on the reducer for reduce jobs.
    if ((reduce ? p.arg(2) : unique).size() > proto::max_unique_size)
      return error(id, c, "ARGUMENT_TOO_LARGE", "Unique value too large");
    std::int64_t when = 0;
    if (p.cmd == command::submit_job_epoch) {
      std::uint64_t epoch = 0;  // not a number: 0, run now
      const auto ec = util::parse_decimal(p.arg(2), epoch, INT64_MAX);
      if (ec == std::errc::result_out_of_range) return;  // gearmand: overflowing EPOCH gets no reply at all
      when = static_cast<std::int64_t>(epoch);
    }
    const bool background = proto::is_background_submit(p.cmd);
    const auto fid = store.function_id(function);
    const auto key = detail::job_store::key_of(fid, unique, p.data);
    job* j = store.find_coalescing(key, unique, p.data);
    if (!j) {
      auto& f = store.function(fid);
      const auto prio = proto::submit_priority(p.cmd);
      const auto limit = f.max_queue[static_cast<std::size_t>(prio)];
      if ((limit && f.jobs >= limit) || (opts.max_queued_jobs && store.size() >= opts.max_queued_jobs))
        return error(id, c, "QUEUE_ERROR", "Job queue is full");
      j = store.add(key, prio, background, unique, p.data, when);
      if (!j) return error(id, c, "QUEUE_ERROR", "Job queue is full");  // out of memory for jobs
      if (reduce && !p.arg(2).empty()) store.ensure_extra(*j).reducer.assign(p.arg(2));
      wake_workers(fid);
    }
    if (!background) {
      auto& e = store.ensure_extra(*j);
      j->ignore = false;
      if (std::find(e.clients.begin(), e.clients.end(), id) == e.clients.end()) e.clients.push_back(id);
      c.waiting_jobs.push_back(j->number);
    }
    send_job_created(id, c, j->number);
  }

  /// JOB_CREATED, the reply to nearly every packet under load, written
  /// straight into the output: header and handle in one append.
  void send_job_created(connection_id id, connection& c, std::uint64_t number) {
    char packet[proto::header_size + sizeof handle_buf];
    const auto handle = handle_of(number);
    proto::write_header(packet, magic::response, static_cast<std::uint32_t>(command::job_created),
                        static_cast<std::uint32_t>(handle.size()));
    std::memcpy(packet + proto::header_size, handle.data(), handle.size());
    c.out.append(packet, proto::header_size + handle.size());
    mark_ready(id, c);
  }

  void wake_workers(std::uint32_t fid) {
    auto& f = store.function(fid);
    if (f.held || hold_all) return;
    for (auto w : f.workers) {
      auto it = conns.find(w);
      if (it != conns.end() && it->second.sleeping) {
        it->second.sleeping = false;
        send(w, it->second, command::noop, {});
      }
    }
  }

  void on_grab(connection_id id, connection& c, command how) {
    c.sleeping = false;
    job* j = hold_all ? nullptr : store.take_next(c.abilities, now_seconds());
    if (!j) return send(id, c, command::no_job, {});
    store.mark_running(*j, id);
    c.running_jobs.push_back(j->number);
    const auto& fname = store.function(j->function).name;
    const std::string handle{handle_of(j->number)};
    const auto* extra = store.extra(*j);
    const std::string_view reducer = extra ? std::string_view{extra->reducer} : std::string_view{};
    if (how == command::grab_job)
      send(id, c, command::job_assign, {handle, fname}, j->data());
    else if (how == command::grab_job_all && !reducer.empty())
      send(id, c, command::job_assign_all, {handle, fname, j->unique(), reducer}, j->data());
    else
      send(id, c, command::job_assign_uniq, {handle, fname, j->unique()}, j->data());
  }

  void on_work(connection_id id, connection& c, const proto::packet_view& p) {
    job* j = job_by_handle(p.arg(0));
    if (!j) {
      if (p.cmd == command::work_fail && p.arg(0).size() >= proto::job_handle_buffer_size)
        return error(id, c, "ARGUMENT_TOO_LARGE",
                     "Error occurred due to GEARMAND_JOB_HANDLE_SIZE being too small from snprintf");
      if (p.cmd == command::work_data || p.cmd == command::work_warning)
        return error(id, c, "JOB_NOT_FOUND", "Job does not exist on server");
      if (p.cmd == command::work_exception)
        return error(id, c, "JOB_NOT_FOUND", "An exception was received for a job that does not exist");
      return error(id, c, "JOB_NOT_FOUND", "Job given in work result not found");
    }
    const auto* extra = store.extra(*j);
    const std::vector<connection_id> clients = extra ? extra->clients : std::vector<connection_id>{};
    switch (p.cmd) {
      case command::work_status:
        store.ensure_extra(*j).numerator.assign(p.arg(1));
        store.extra(*j)->denominator.assign(p.arg(2));
        for (auto cl : clients) send_to(cl, command::work_status, {p.arg(0), p.arg(1), p.arg(2)});
        break;
      case command::work_exception:
        for (auto cl : clients) {
          auto it = conns.find(cl);
          if (it == conns.end()) continue;
          const bool ex = it->second.exceptions;  // a client without the option sees WORK_FAIL
          send(cl, it->second, ex ? command::work_exception : command::work_fail, {p.arg(0)},
               ex ? p.data : "");
        }
        break;
      default:  // WORK_DATA, WORK_WARNING, WORK_COMPLETE and WORK_FAIL, as they came
        for (auto cl : clients) send_to(cl, p.cmd, {p.arg(0)}, p.data);
        break;
    }
    if (proto::ends_job(p.cmd)) finish(*j);
  }

  /// The job is over: detach it from its worker and clients, free it.
  void finish(job& j) {
    const auto number = j.number;
    if (const auto* extra = store.extra(j)) {
      if (auto it = conns.find(extra->worker); it != conns.end())
        erase_value(it->second.running_jobs, number);
      for (auto cl : extra->clients)
        if (auto it = conns.find(cl); it != conns.end()) erase_value(it->second.waiting_jobs, number);
    }
    store.remove(j);
  }

  static void erase_value(std::vector<std::uint64_t>& v, std::uint64_t x) {
    auto it = std::find(v.begin(), v.end(), x);
    if (it != v.end()) v.erase(it);
  }

  void on_get_status(connection_id id, connection& c, std::string_view handle) {
    job* j = job_by_handle(handle);
    if (!j) return send(id, c, command::status_res, {handle, "0", "0", "0", "0"});
    std::string_view num = "0", den = "0";
    const auto* extra = store.extra(*j);
    if (extra && !extra->numerator.empty()) num = extra->numerator, den = extra->denominator;
    send(id, c, command::status_res, {handle, "1", j->running ? "1" : "0", num, den});
  }

  void on_get_status_unique(connection_id id, connection& c, std::string_view unique) {
    job* found = nullptr;
    for (std::uint32_t f = 0; f < store.functions().size() && !found; ++f)
      found = store.find_coalescing(f, unique, {});
    if (!found) return send(id, c, command::status_res_unique, {unique, "0", "0", "0", "0", "0"});
    std::string_view num = "0", den = "0";
    std::string count = "0";
    if (const auto* extra = store.extra(*found)) {
      if (!extra->numerator.empty()) num = extra->numerator, den = extra->denominator;
      count = std::to_string(extra->clients.size());
    }
    send(id, c, command::status_res_unique, {unique, "1", found->running ? "1" : "0", num, den, count});
  }

  // ---- admin text protocol (WIRE.md section 8) --------------------------------

  void on_text(connection_id id, connection& c, std::string_view line) {
    admin::tokens toks;
    if (admin::tokenize(line, toks)) return close(id, c, "admin line with more than 5 tokens");
    const auto req = admin::classify(toks);
    if (req.refused) return send_text(id, c, admin::format_refusal(req));
    switch (req.what) {
      case admin::verb::status: {
        std::vector<admin::status_row> rows;
        for (const auto& f : store.functions()) rows.push_back({f.name, f.jobs, f.running, f.workers.size()});
        return send_text(id, c, admin::format_status(rows));
      }
      case admin::verb::prioritystatus: {
        std::vector<admin::priority_status_row> rows;
        for (const auto& f : store.functions())
          rows.push_back({f.name, f.queue[0].size, f.queue[1].size, f.queue[2].size, f.workers.size()});
        return send_text(id, c, admin::format_priority_status(rows));
      }
      case admin::verb::workers: {
        std::vector<admin::worker_row> rows;
        std::vector<connection_id> ids;
        for (const auto& kv : conns) ids.push_back(kv.first);
        std::sort(ids.begin(), ids.end());
        for (auto cid : ids) {
          const auto& w = conns.at(cid);
          admin::worker_row r{std::to_string(cid), w.peer_ip, w.client_id, {}};
          for (auto f : w.abilities) r.functions.push_back(store.function(f).name);
          rows.push_back(std::move(r));
        }
        return send_text(id, c, admin::format_workers(rows));
      }
      case admin::verb::version:
        return send_text(id, c, admin::format_ok_value(opts.version));
      case admin::verb::getpid:
        return send_text(id, c, admin::format_ok_value(std::to_string(pid)));
      case admin::verb::verbose:
        return send_text(id, c, admin::format_ok_value("ERROR"));
      case admin::verb::maxqueue:
        return on_maxqueue(id, c, toks);
      case admin::verb::show_jobs: {
        std::vector<admin::job_row> rows;
        for (const job* j : store.sorted_jobs())
          rows.push_back({std::string{handle_of(j->number)}, 0, j->ignore != 0, !j->running});
        return send_text(id, c, admin::format_show_jobs(rows));
      }
      case admin::verb::show_unique_jobs: {
        std::vector<std::string> rows;
        for (const job* j : store.sorted_jobs()) rows.emplace_back(j->unique());
        return send_text(id, c, admin::format_show_unique_jobs(rows));
      }
      case admin::verb::cancel_job:
        return on_cancel(id, c, toks);
      case admin::verb::create_function:
        store.function_id(toks[2]);
        return send_text(id, c, admin::format_ok());
      case admin::verb::drop_function:
        return on_drop(id, c, toks);
      case admin::verb::show_unknown:
      case admin::verb::unknown:
        break;  // refused above
    }
  }

  void on_maxqueue(connection_id id, connection& c, const admin::tokens& toks) {
    std::array<std::uint64_t, 3> values{0, 0, 0};
    for (std::size_t i = 2; i < toks.count && i < 5; ++i) {
      auto v = admin::parse_decimal(toks[i]);  // negative or not a number -> 0 (unlimited)
      values[i - 2] = v ? *v : 0;
    }
    if (toks.count == 3) values[1] = values[2] = values[0];
    auto f = store.find_function(toks[1]);
    if (f >= 0) store.function(static_cast<std::uint32_t>(f)).max_queue = values;
    send_text(id, c, admin::format_ok());
  }

  void on_cancel(connection_id id, connection& c, const admin::tokens& toks) {
    job* j = job_by_handle(toks[2]);
    if (!j) return send_text(id, c, admin::format_refusal(admin::refusal::unknown_job));
    if (j->running) return send_text(id, c, admin::format_refusal(admin::refusal::unknown_error));
    if (const auto* extra = store.extra(*j))
      for (auto cl : extra->clients) send_to(cl, command::work_fail, {toks[2]});
    finish(*j);
    send_text(id, c, admin::format_ok());
  }

  void on_drop(connection_id id, connection& c, const admin::tokens& toks) {
    for (const auto& f : store.functions()) {
      if (!iequals(f.name, toks[2])) continue;
      if (!f.workers.empty() || f.jobs)
        return send_text(id, c, admin::format_refusal(admin::refusal::function_busy));
      // Functions are indexed by position; an idle one is kept but has nothing to list.
      return send_text(id, c, admin::format_ok());
    }
    send_text(id, c, admin::format_refusal(admin::refusal::function_not_found));
  }

  // ---- connection lifecycle ----------------------------------------------------

  void disconnect(connection_id id) {
    auto it = conns.find(id);
    if (it == conns.end()) return;
    connection& c = it->second;
    for (auto f : c.abilities) {
      auto& w = store.function(f).workers;
      w.erase(std::remove(w.begin(), w.end(), id), w.end());
    }
    for (auto number : c.running_jobs) {  // gearmand requeues a dead worker's jobs
      if (job* j = store.find(number)) {
        store.requeue(*j);
        wake_workers(j->function);
      }
    }
    for (auto number : c.waiting_jobs) {
      job* j = store.find(number);
      auto* extra = j ? store.extra(*j) : nullptr;
      if (!extra) continue;
      auto& cl = extra->clients;
      cl.erase(std::remove(cl.begin(), cl.end(), id), cl.end());
      if (cl.empty() && !j->background && !j->running) j->ignore = true;
    }
    conns.erase(it);
  }
};

queue_engine::queue_engine(engine_options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}
queue_engine::~queue_engine() = default;

queue_engine::connection_id queue_engine::connect(std::string peer_ip) {
  const auto id = impl_->next_id++;
  auto& c = impl_->conns[id];
  c.peer_ip = std::move(peer_ip);
  c.dec = proto::decoder{input_limits()};
  return id;
}

proto::decoder_limits queue_engine::input_limits() const {
  proto::decoder_limits l;
  l.max_body_size = impl_->opts.max_packet_size;
  l.max_argument_size = impl_->opts.max_argument_size;
  l.max_text_line = impl_->opts.max_argument_size;
  return l;
}

void queue_engine::receive(connection_id id, std::string_view bytes) { impl_->receive(id, bytes); }
void queue_engine::disconnect(connection_id id) { impl_->disconnect(id); }

std::vector<queue_engine::connection_id> queue_engine::take_ready() {
  std::vector<connection_id> out;
  out.swap(impl_->ready);
  for (auto id : out)
    if (auto it = impl_->conns.find(id); it != impl_->conns.end()) it->second.queued_ready = false;
  out.erase(
      std::remove_if(out.begin(), out.end(), [this](connection_id id) { return !impl_->conns.count(id); }),
      out.end());
  return out;
}

std::string& queue_engine::output(connection_id id) { return impl_->conns.at(id).out; }

bool queue_engine::should_close(connection_id id) const {
  auto it = impl_->conns.find(id);
  return it != impl_->conns.end() && !it->second.close_reason.empty();
}

std::string queue_engine::close_reason(connection_id id) const {
  auto it = impl_->conns.find(id);
  return it == impl_->conns.end() ? std::string{} : it->second.close_reason;
}

void queue_engine::hold(std::string_view function) {
  if (function.empty())
    ++impl_->hold_all;
  else
    ++impl_->store.function(impl_->store.function_id(function)).held;
}

void queue_engine::release(std::string_view function) {
  if (function.empty()) {
    if (impl_->hold_all) --impl_->hold_all;
    for (std::uint32_t f = 0; f < impl_->store.functions().size(); ++f) impl_->wake_workers(f);
    return;
  }
  auto fid = impl_->store.function_id(function);
  auto& f = impl_->store.function(fid);
  if (f.held) --f.held;
  impl_->wake_workers(fid);
}

engine_stats queue_engine::stats() const {
  engine_stats s;
  s.connections = impl_->conns.size();
  s.jobs = impl_->store.size();
  s.running = impl_->store.running();
  s.queued = s.jobs - s.running;
  s.jobs_created = impl_->store.created();
  s.packets_received = impl_->packets;
  return s;
}

}  // namespace gearspec::mock
