// The Asio shell around the sans-I/O cores: accept, read, feed the queue
// engine or the connection's scenario player, execute what they ask for.
#include "gearspec/mock/server.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "gearspec/mock/queue_engine.hpp"
#include "journal.hpp"
#include "pcap_writer.hpp"
#include "scenario_player.hpp"

namespace gearspec::mock {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using detail::player_action;
using kind = journal_entry::kind;

namespace {
constexpr std::size_t read_chunk = 64 * 1024;

engine_options engine_options_from(const options& o) {
  engine_options e;
  e.handle_prefix = o.handle_prefix;
  e.version = o.version;
  e.max_packet_size = o.lim.max_packet_size;
  e.max_argument_size = o.lim.max_argument_size;
  e.max_queued_jobs = o.lim.max_queued_jobs;
  return e;
}
}  // namespace

struct server::impl {
  struct connection {
    explicit connection(asio::io_context& io) : socket(io), idle(io), pause(io) {}
    std::uint64_t id = 0;
    tcp::socket socket;
    asio::steady_timer idle;
    asio::steady_timer pause;
    std::optional<detail::scenario_player> player;
    std::deque<player_action> actions;
    std::size_t unsent = 0;  // bytes in write actions not yet written
    bool busy = false;       // a write or a pause is in progress
    bool reading = false;
    bool closed = false;
    bool peer_done = false;  // EOF from the peer: close once the actions are done
    std::array<char, read_chunk> buffer;
  };
  using connection_ptr = std::shared_ptr<connection>;

  options opts;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  queue_engine engine;
  detail::player_context players;
  std::unique_ptr<detail::journal> log;
  std::unique_ptr<detail::pcap_writer> pcap;
  std::unordered_map<std::uint64_t, connection_ptr> conns;
  std::size_t accepted = 0;
  std::uint16_t bound_port = 0;
  std::atomic<bool> is_running{false};
  std::atomic<std::size_t> open_count{0};
  std::atomic<std::size_t> jobs{0};
  std::mutex lifecycle;

  explicit impl(options o) : opts(std::move(o)), engine(engine_options_from(opts)) {
    players.handle_prefix = opts.handle_prefix;
  }

  void note(std::uint64_t id, kind k, std::string bytes = {}, std::string text = {}) {
    if (log->enabled()) log->record(id, k, std::move(bytes), std::move(text));
  }

  // ---- accept -------------------------------------------------------------------

  void do_accept() {
    auto c = std::make_shared<connection>(io);
    acceptor.async_accept(c->socket, [this, c](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) on_accept(c);
      do_accept();
    });
  }

  void on_accept(const connection_ptr& c) {
    boost::system::error_code ec;
    const auto peer = c->socket.remote_endpoint(ec);
    const std::string peer_ip = ec ? std::string{"?"} : peer.address().to_string();
    c->id = engine.connect(peer_ip);
    note(c->id, kind::accepted, {}, ec ? peer_ip : peer_ip + ":" + std::to_string(peer.port()));
    if (pcap) pcap->open(c->id, ec ? 0 : peer.port(), bound_port);
    const std::size_t index = accepted++;
    if (conns.size() >= opts.lim.max_connections) {
      note(c->id, kind::closed, {},
           "refused: max_connections (" + std::to_string(opts.lim.max_connections) + ") reached");
      if (pcap) pcap->close(c->id, false);
      engine.disconnect(c->id);
      c->socket.close(ec);
      return;
    }
    c->socket.set_option(tcp::no_delay(true), ec);
    conns.emplace(c->id, c);
    open_count = conns.size();
    if (opts.script) {
      const auto& m = opts.script->model();
      const detail::connection_script* script =
          index < m.connections.size() ? &m.connections[index] : (m.every ? &*m.every : nullptr);
      c->player.emplace(m, script, c->id, players, engine.input_limits());
      play(c, &detail::scenario_player::start);
    }
    arm_idle(c);
    do_read(c);
    pump(c);
  }

  // ---- read ---------------------------------------------------------------------

  void do_read(const connection_ptr& c) {
    if (c->reading || c->closed || c->peer_done) return;
    if (c->unsent > opts.lim.max_buffered_per_connection) return;  // resumed by pump() once drained
    c->reading = true;
    c->socket.async_read_some(asio::buffer(c->buffer),
                              [this, c](boost::system::error_code ec, std::size_t n) {
                                c->reading = false;
                                if (c->closed) return;
                                if (ec) return on_read_error(c, ec);
                                on_data(c, std::string_view{c->buffer.data(), n});
                                do_read(c);
                              });
  }

  void on_data(const connection_ptr& c, std::string_view bytes) {
    if (log->enabled()) note(c->id, kind::received, std::string{bytes});
    if (pcap) pcap->data(c->id, true, bytes);
    arm_idle(c);
    if (c->player) {
      play(c, [bytes](detail::scenario_player& p, auto& out) { p.receive(bytes, out); });
      pump(c);
    } else {
      engine.receive(c->id, bytes);
      collect_engine_output();
    }
  }

  void on_read_error(const connection_ptr& c, boost::system::error_code ec) {
    if (ec == asio::error::eof) {
      note(c->id, kind::note, {}, "peer closed its sending side (FIN)");
      c->peer_done = true;
      pump(c);  // closes once pending actions are done
      return;
    }
    if (ec == asio::error::operation_aborted) return;
    note(c->id, ec == asio::error::connection_reset ? kind::reset : kind::error, {},
         ec == asio::error::connection_reset ? "connection reset by peer" : "read failed: " + ec.message());
    finish(c, false, true);
  }

  void arm_idle(const connection_ptr& c) {
    if (opts.lim.idle_timeout.count() <= 0) return;
    c->idle.expires_after(opts.lim.idle_timeout);
    c->idle.async_wait([this, c](boost::system::error_code ec) {
      if (ec || c->closed) return;
      note(c->id, kind::note, {}, "idle timeout (" + std::to_string(opts.lim.idle_timeout.count()) + " ms)");
      finish(c, false, false);
    });
  }

  // ---- actions ------------------------------------------------------------------

  /// Queue the actions `step(player, out)` asks for.
  template <class Step>
  void play(const connection_ptr& c, Step step) {
    std::vector<player_action> out;
    std::invoke(step, *c->player, out);
    for (auto& a : out) {
      if (a.what == player_action::kind::write) c->unsent += a.bytes.size();
      c->actions.push_back(std::move(a));
    }
  }

  /// Queue-mode replies, possibly for many connections: one write each.
  void collect_engine_output() {
    jobs = engine.stats().jobs;  // before any reply leaves: a peer may ask right after
    for (auto id : engine.take_ready()) {
      auto it = conns.find(id);
      if (it == conns.end()) {
        engine.disconnect(id);
        continue;
      }
      const connection_ptr c = it->second;  // finish() may erase the map entry
      auto& out = engine.output(id);
      if (!out.empty()) {
        c->unsent += out.size();
        // Merge into a write that has not started yet: one write per batch.
        // (a write in progress has already left the action queue)
        if (!c->actions.empty() && c->actions.back().what == player_action::kind::write &&
            c->actions.back().text == "queue")
          c->actions.back().bytes += out;
        else
          c->actions.push_back({player_action::kind::write, std::move(out), "queue", {}});
        out.clear();
      }
      if (engine.should_close(id))
        c->actions.push_back({player_action::kind::close, {}, engine.close_reason(id), {}});
      pump(c);
    }
  }

  void pump(const connection_ptr& c) {
    while (!c->busy && !c->closed && !c->actions.empty()) {
      player_action a = std::move(c->actions.front());
      c->actions.pop_front();
      switch (a.what) {
        case player_action::kind::write: {
          c->busy = true;
          auto bytes = std::make_shared<std::string>(std::move(a.bytes));
          asio::async_write(c->socket, asio::buffer(*bytes),
                            [this, c, bytes](boost::system::error_code ec, std::size_t n) {
                              c->busy = false;
                              c->unsent -= bytes->size();
                              // Journal what reached the socket even if the connection closed
                              // meanwhile: a peer may already have read it.
                              if (n > 0 && log->enabled()) note(c->id, kind::sent, bytes->substr(0, n));
                              if (n > 0 && pcap)
                                pcap->data(c->id, false, std::string_view{*bytes}.substr(0, n));
                              if (c->closed) return;
                              if (ec) {
                                note(c->id, kind::error, {}, "write failed: " + ec.message());
                                return finish(c, false, true);
                              }
                              pump(c);
                              do_read(c);
                            });
          return;
        }
        case player_action::kind::pause: {
          c->busy = true;
          const bool resume = a.then_resume;
          c->pause.expires_after(a.duration);
          c->pause.async_wait([this, c, resume](boost::system::error_code ec) {
            c->busy = false;
            if (ec || c->closed) return;
            if (resume && c->player) play(c, &detail::scenario_player::resume);
            pump(c);
          });
          return;
        }
        case player_action::kind::close:
          note(c->id, kind::note, {}, a.text.empty() ? "closed by the scenario" : "closed: " + a.text);
          return finish(c, false, false);  // drops the actions after it
        case player_action::kind::reset:
          return finish(c, true, false);
        case player_action::kind::half_close: {
          boost::system::error_code ec;
          c->socket.shutdown(tcp::socket::shutdown_send, ec);
          note(c->id, kind::note, {}, "half-close: shutdown(SHUT_WR)");
          break;
        }
        case player_action::kind::forward:
          engine.receive(c->id, a.bytes);
          collect_engine_output();
          break;
        case player_action::kind::hold:
        case player_action::kind::release:
          if (a.what == player_action::kind::hold)
            engine.hold(a.text);
          else
            engine.release(a.text);
          note(c->id, kind::note, {},
               std::string{a.what == player_action::kind::hold ? "hold " : "release "} +
                   (a.text.empty() ? "all functions" : a.text));
          collect_engine_output();
          break;
        case player_action::kind::mismatch:
        case player_action::kind::note:
          note(c->id, a.what == player_action::kind::mismatch ? kind::mismatch : kind::note, {}, a.text);
          break;
      }
    }
    if (!c->busy && !c->closed && c->actions.empty() && c->peer_done) finish(c, false, false);
    if (!c->closed && !c->busy) do_read(c);
  }

  /// Close a connection: RST when `reset`, else FIN. `by_peer_error`: the
  /// socket already failed, only clean up.
  void finish(connection_ptr c, bool reset, bool by_peer_error) {
    if (c->closed) return;
    c->closed = true;
    boost::system::error_code ec;
    if (reset) {
      c->socket.set_option(asio::socket_base::linger(true, 0), ec);
      note(c->id, kind::reset, {}, "reset sent (SO_LINGER 0)");
    } else if (!by_peer_error) {
      c->socket.shutdown(tcp::socket::shutdown_both, ec);
      note(c->id, kind::closed, {}, c->peer_done ? "closed after the peer's FIN" : "closed by the server");
    }
    if (pcap) pcap->close(c->id, reset || by_peer_error);
    c->socket.close(ec);
    c->idle.cancel();
    c->pause.cancel();
    c->actions.clear();
    engine.disconnect(c->id);
    conns.erase(c->id);
    open_count = conns.size();
    collect_engine_output();  // a dead worker's jobs may wake others
  }

  void shutdown_all() {
    boost::system::error_code ec;
    acceptor.close(ec);
    std::vector<connection_ptr> all;
    for (auto& kv : conns) all.push_back(kv.second);
    for (auto& c : all) {
      drain(c);
      if (c->closed) continue;
      note(c->id, kind::note, {}, "server stopping");
      finish(c, false, false);
    }
  }

  /// What a peer sent before the server stopped is part of its record even
  /// when no read was armed to take it (a peer that exited just before, or
  /// one held back by a full write): read what the socket holds, bounded, so
  /// a peer that never stops writing cannot keep the server from stopping.
  void drain(const connection_ptr& c) {
    constexpr std::size_t most = 4 * read_chunk;
    boost::system::error_code ec;
    c->socket.non_blocking(true, ec);
    for (std::size_t taken = 0; !ec && !c->closed && !c->peer_done && taken < most;) {
      const std::size_t n = c->socket.read_some(asio::buffer(c->buffer), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) return;
      if (ec) return on_read_error(c, ec);
      on_data(c, std::string_view{c->buffer.data(), n});
      taken += n;
    }
  }
};

server::server(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}

server::~server() { stop(); }

void server::start() {
  std::lock_guard<std::mutex> lock{impl_->lifecycle};
  if (impl_->is_running) return;
  auto& i = *impl_;
  // The journal and the pcap file live as long as the server object: a
  // restart appends to them instead of truncating what the last run wrote.
  if (!i.log) {
    i.log = std::make_unique<detail::journal>(i.opts.journal_path, i.opts.journal_in_memory,
                                              i.engine.input_limits());
  }
  if (!i.pcap && !i.opts.pcap_path.empty()) i.pcap = std::make_unique<detail::pcap_writer>(i.opts.pcap_path);
  try {
    const tcp::endpoint ep{asio::ip::make_address(i.opts.host), i.opts.port};
    i.acceptor.open(ep.protocol());
    i.acceptor.set_option(asio::socket_base::reuse_address(true));
    i.acceptor.bind(ep);
    i.acceptor.listen(asio::socket_base::max_listen_connections);
    i.bound_port = i.acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    boost::system::error_code ignored;
    i.acceptor.close(ignored);  // a failed start() leaves the server startable
    // The documented exception type (Boost.System converts its error codes).
    throw std::system_error(static_cast<std::error_code>(e.code()), e.what());
  }
  i.note(0, kind::note, {}, "listening on " + address());
  // After a stop() the io_context is stopped; run() would return at once.
  i.io.restart();
  i.do_accept();
  i.is_running = true;
  i.thread = std::thread([&i] { i.io.run(); });
}

std::uint16_t server::port() const { return impl_->bound_port; }

std::string server::address() const { return impl_->opts.host + ":" + std::to_string(impl_->bound_port); }

void server::stop() {
  std::lock_guard<std::mutex> lock{impl_->lifecycle};
  auto& i = *impl_;
  if (!i.is_running) return;
  asio::post(i.io, [&i] {
    i.shutdown_all();
    // Let the handlers of the operations just aborted run (they journal the
    // last writes) before the loop stops.
    asio::post(i.io, [&i] { i.io.stop(); });
  });
  if (i.thread.joinable()) i.thread.join();
  i.note(0, kind::note, {}, "stopped");
  i.log->flush();
  if (i.pcap) i.pcap->flush();
  i.is_running = false;
}

bool server::running() const { return impl_->is_running; }

std::vector<journal_entry> server::journal() const {
  return impl_->log ? impl_->log->snapshot() : std::vector<journal_entry>{};
}

std::vector<std::string> server::mismatches() const {
  return impl_->log ? impl_->log->mismatches() : std::vector<std::string>{};
}

std::size_t server::connection_count() const { return impl_->open_count; }
std::size_t server::job_count() const { return impl_->jobs; }

}  // namespace gearspec::mock
