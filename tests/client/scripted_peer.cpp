#include "scripted_peer.hpp"

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

constexpr int slice_ms = 20;          // stop-flag check interval
constexpr int connection_limit_ms = 10000;  // no connection lives longer

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
    {
      std::lock_guard<std::mutex> lock(mutex_);
      received_.emplace_back();
    }
    serve(fd);
    ::close(fd);
  }
}

void scripted_peer::serve(int fd) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(connection_limit_ms);
  proto::decoder decoder;
  std::string pending;  // received bytes not yet decoded
  std::size_t packets = 0;
  bool scripted_done = false;
  char buffer[65536];
  while (!stop_ && std::chrono::steady_clock::now() < give_up) {
    if (!respond_ && !scripted_done && packets >= script_.expect_packets) {
      for (const peer_write& w : script_.writes) {
        if (w.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(w.delay_ms));
        if (!write_all(fd, w.bytes)) return;
      }
      scripted_done = true;
      if (script_.close_after) return;
    }
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, slice_ms) <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      received_.back().append(buffer, static_cast<std::size_t>(n));
    }
    pending.append(buffer, static_cast<std::size_t>(n));
    std::string_view input{pending};
    std::string replies;
    while (!input.empty()) {
      std::error_code ec;
      const std::size_t used = decoder.put(input, ec);
      if (ec) return;  // the client sent garbage: hang up
      input.remove_prefix(used);
      if (decoder.ready()) {
        ++packets;
        if (respond_) replies += respond_(std::string{decoder.packet().raw});
        decoder.next();
      }
    }
    pending.clear();  // the decoder keeps partial packets itself
    if (!replies.empty() && !write_all(fd, replies)) return;
  }
}

std::string job_created(std::string_view handle) {
  return proto::encode(proto::magic::response, proto::command::job_created, {handle});
}

std::string error_reply(std::string_view code, std::string_view text) {
  return proto::encode(proto::magic::response, proto::command::error, {code, text});
}

}  // namespace gearspec::test
