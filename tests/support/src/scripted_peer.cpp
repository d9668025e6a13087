#include "gearspec/test/scripted_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::test {
namespace {

constexpr int slice_ms = 20;                // stop-flag check interval
constexpr int connection_limit_ms = 10000;  // no connection lives longer
constexpr int accept_wait_ms = 3000;        // finish(): how long a connection may take to come

int listen_loopback(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind/listen on 127.0.0.1 failed");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

scripted_peer::scripted_peer(peer_script script) : script_(std::move(script)) { start(); }
scripted_peer::scripted_peer(responder respond) : respond_(std::move(respond)) { start(); }

void scripted_peer::start() {
  listen_fd_ = listen_loopback(port_);
  thread_ = std::thread([this] { run(); });
}

scripted_peer::~scripted_peer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

void scripted_peer::serve(peer_script script) {
  std::lock_guard<std::mutex> lock(mutex_);
  script_ = std::move(script);
  serve_mark_ = received_.size();
}

std::string scripted_peer::finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  const std::size_t mark = serve_mark_;
  if (!changed_.wait_for(lock, std::chrono::milliseconds(accept_wait_ms),
                         [&] { return received_.size() > mark; }))
    return {};
  // serve_connection() gives up by itself after connection_limit_ms.
  changed_.wait_for(lock, std::chrono::milliseconds(connection_limit_ms + accept_wait_ms),
                    [&] { return finished_ > mark; });
  return received_[mark];
}

scripted_peer::clock::time_point scripted_peer::writes_done() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return writes_done_;
}

std::vector<std::string> scripted_peer::received() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

std::size_t scripted_peer::connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_.size();
}

std::uint16_t scripted_peer::closed_port() {
  std::uint16_t port = 0;
  ::close(listen_loopback(port));
  return port;
}

void scripted_peer::run() {
  while (!stop_) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, slice_ms) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    peer_script script;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      received_.emplace_back();
      script = script_;
      writes_done_ = clock::time_point::max();
    }
    changed_.notify_all();
    serve_connection(fd, script);
    ::close(fd);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++finished_;
    }
    changed_.notify_all();
  }
}

void scripted_peer::serve_connection(int fd, const peer_script& script) {
  const auto give_up = clock::now() + std::chrono::milliseconds(connection_limit_ms);
  proto::decoder decoder;
  std::size_t packets = 0;
  bool scripted_done = false;
  auto mark_writes_done = [this] {
    std::lock_guard<std::mutex> lock(mutex_);
    writes_done_ = clock::now();
  };
  char buffer[65536];
  while (!stop_ && clock::now() < give_up) {
    if (!respond_ && !scripted_done && packets >= script.expect_packets) {
      for (const peer_write& w : script.writes) {
        if (w.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(w.delay_ms));
        if (!write_all(fd, w.bytes)) break;
      }
      scripted_done = true;
      mark_writes_done();
      if (script.close_after) return;
    }
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, slice_ms) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;  // the client closed
    {
      std::lock_guard<std::mutex> lock(mutex_);
      received_.back().append(buffer, static_cast<std::size_t>(n));
    }
    std::string_view input{buffer, static_cast<std::size_t>(n)};
    std::string replies;
    std::error_code ec;
    while (!input.empty() && !ec) {
      const std::size_t used = decoder.put(input, ec);
      input.remove_prefix(used);
      if (decoder.ready()) {
        ++packets;
        if (respond_) replies += respond_(std::string{decoder.packet().raw});
        decoder.next();
      }
    }
    if (ec) break;  // the client sent garbage: hang up
    if (!replies.empty() && !write_all(fd, replies)) return;
  }
  // Closed (or given up) before the scripted writes: they will never come.
  if (!respond_ && !scripted_done) mark_writes_done();
}

std::string job_created(std::string_view handle) {
  return proto::encode(proto::magic::response, proto::command::job_created, {handle});
}

std::string error_reply(std::string_view code, std::string_view text) {
  return proto::encode(proto::magic::response, proto::command::error, {code, text});
}

}  // namespace gearspec::test
