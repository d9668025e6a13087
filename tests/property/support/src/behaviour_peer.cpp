#include "gearspec/property/behaviour_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string_view>

#include "gearspec/protocol/decoder.hpp"

namespace gearspec::property {
namespace {

/// No single wait of the peer lasts longer: a client that neither connects,
/// sends nor hangs up within it is reported by the test, not waited for.
constexpr int wait_limit_ms = 3000;

/// Number of complete binary request packets at the start of `bytes`.
std::size_t complete_packets(std::string_view bytes) {
  proto::decoder dec;
  std::size_t count = 0;
  while (!bytes.empty()) {
    std::error_code ec;
    const std::size_t used = dec.put(bytes, ec);
    if (ec) return static_cast<std::size_t>(-1);  // malformed: stop waiting
    bytes.remove_prefix(used);
    if (dec.ready()) {
      ++count;
      dec.next();
    }
  }
  return count;
}

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

}  // namespace

behaviour_peer::behaviour_peer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("behaviour_peer: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("behaviour_peer: bind/listen on 127.0.0.1 failed");
  }
  port_ = ntohs(addr.sin_port);
}

behaviour_peer::~behaviour_peer() {
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

void behaviour_peer::serve(peer_plan plan) {
  if (thread_.joinable()) thread_.join();
  received_.clear();
  writes_done_ = std::chrono::steady_clock::time_point::max();
  thread_ = std::thread([this, p = std::move(plan)]() mutable { run(std::move(p)); });
}

std::string behaviour_peer::finish() {
  if (thread_.joinable()) thread_.join();
  return std::move(received_);
}

void behaviour_peer::run(peer_plan plan) {
  if (!readable(listen_fd_, wait_limit_ms)) return;
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  char buffer[65536];
  bool client_closed = false;
  while (complete_packets(received_) < plan.expect_requests) {
    if (!readable(fd, wait_limit_ms)) break;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      client_closed = true;
      break;
    }
    received_.append(buffer, static_cast<std::size_t>(n));
  }
  for (const std::string& chunk : plan.writes) {
    if (client_closed) break;
    std::string_view rest{chunk};
    while (!rest.empty()) {
      const ssize_t n = ::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL);
      if (n <= 0) break;
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  writes_done_ = std::chrono::steady_clock::now();
  if (!plan.close_after) {
    // Stay silent until the client hangs up (it must, at its timeout).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_limit_ms);
    while (!client_closed && std::chrono::steady_clock::now() < deadline) {
      if (!readable(fd, 50)) continue;
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
}

}  // namespace gearspec::property
