#include "gearspec/test/loopback_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace gearspec::test {

namespace {
using clock_type = std::chrono::steady_clock;
int remaining_ms(clock_type::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}
}  // namespace

loopback_client::loopback_client(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket(): " + std::string{std::strerror(errno)});
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": " + why);
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

loopback_client::~loopback_client() {
  if (fd_ >= 0) ::close(fd_);
}

void loopback_client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      throw std::runtime_error("send(): " + std::string{std::strerror(errno)});
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string loopback_client::read_some(int timeout_ms) {
  eof_ = reset_ = false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return {};
  char buf[65536];
  const auto n = ::recv(fd_, buf, sizeof buf, 0);
  if (n == 0) eof_ = true;
  if (n < 0) {
    reset_ = errno == ECONNRESET;
    eof_ = true;
    return {};
  }
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string loopback_client::read_up_to(std::size_t max, int timeout_ms) {
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms);
  std::string out;
  eof_ = reset_ = false;
  while (out.size() < max) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) break;
    char buf[65536];
    const auto r = ::recv(fd_, buf, std::min(sizeof buf, max - out.size()), 0);
    if (r <= 0) {
      eof_ = true;
      reset_ = r < 0 && errno == ECONNRESET;
      break;
    }
    out.append(buf, static_cast<std::size_t>(r));
  }
  return out;
}

std::string loopback_client::read_exact(std::size_t n, int timeout_ms) { return read_up_to(n, timeout_ms); }

std::string loopback_client::read_until_eof(int timeout_ms, std::size_t max) {
  return read_up_to(max, timeout_ms);
}

std::string loopback_client::read_until(std::string_view terminator, int timeout_ms) {
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms);
  std::string out;
  eof_ = reset_ = false;
  while (out.size() < terminator.size() ||
         out.compare(out.size() - terminator.size(), terminator.size(), terminator) != 0) {
    // One byte at a time: what follows the terminator stays for the next read.
    const std::string c = read_up_to(1, remaining_ms(deadline));
    if (c.empty()) break;
    out += c;
  }
  return out;
}

std::string loopback_client::read_until(const std::function<bool(std::string_view)>& complete,
                                        int timeout_ms) {
  const auto deadline = clock_type::now() + std::chrono::milliseconds(timeout_ms);
  std::string out;
  eof_ = reset_ = false;
  while (!complete(out)) {
    const int left = remaining_ms(deadline);
    if (left == 0) break;
    const std::string chunk = read_some(left);
    if (chunk.empty()) break;
    out += chunk;
  }
  return out;
}

bool loopback_client::silent_for(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) == 0;
}

void loopback_client::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void loopback_client::abort() {
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd_);
  fd_ = -1;
}

exchange_result loopback_exchange(std::uint16_t port, std::string_view request,
                                  const std::function<bool(std::string_view)>& complete, int timeout_ms) {
  loopback_client client{port};
  exchange_result result;
  try {
    client.send(request);
  } catch (const std::runtime_error&) {
    result.closed = true;
    return result;
  }
  result.bytes = client.read_until(complete, timeout_ms);
  result.closed = client.saw_eof();
  result.timed_out = !result.closed && !complete(result.bytes);
  return result;
}

}  // namespace gearspec::test
