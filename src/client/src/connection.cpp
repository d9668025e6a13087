#include "connection.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace gearspec::client::detail {

deadline::deadline(int timeout_ms)
    : timeout_ms_(timeout_ms),
      end_(clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms)) {}

int deadline::remaining_ms() const {
  if (timeout_ms_ < 0) return -1;
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(end_ - clock::now()).count();
  if (left <= 0) return 0;
  return static_cast<int>((left + 999) / 1000);  // round up: never wake before the deadline
}

namespace {

// Non-blocking connect of one resolved address, bounded by `until`.
return_code connect_one(int fd, const addrinfo& ai, const deadline& until, int& sys_errno) {
  if (::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0) return return_code::success;
  if (errno != EINPROGRESS) {
    sys_errno = errno;
    return return_code::could_not_connect;
  }
  for (;;) {
    pollfd pfd{fd, POLLOUT, 0};
    const int ready = ::poll(&pfd, 1, until.remaining_ms());
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      sys_errno = errno;
      return return_code::could_not_connect;
    }
    if (ready == 0) return return_code::timeout;
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) {
      sys_errno = error;
      return return_code::could_not_connect;
    }
    return return_code::success;
  }
}

}  // namespace

return_code connection::open(const server_address& address, const deadline& until, std::string& error,
                             int& sys_errno) {
  close();
  const std::string host = address.host.empty() ? std::string{"localhost"} : address.host;
  const std::string port = std::to_string(address.port);
  const std::string where = host + ":" + port;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  addrinfo* list = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list); rc != 0) {
    error = "getaddrinfo(" + where + "): " + ::gai_strerror(rc);
    return return_code::getaddrinfo;
  }
  return_code result = return_code::could_not_connect;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      sys_errno = errno;
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    result = connect_one(fd, *ai, until, sys_errno);
    if (result == return_code::success) {
      fd_ = fd;
      break;
    }
    ::close(fd);
    if (result == return_code::timeout) break;
  }
  ::freeaddrinfo(list);
  if (result == return_code::timeout) {
    error =
        "timeout reached after " + std::to_string(until.timeout_ms()) + " ms while connecting to " + where;
  } else if (result != return_code::success) {
    error = "Connection to " + where + " failed: " + std::strerror(sys_errno);
  }
  return result;
}

void connection::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool connection::stale() {
  if (fd_ < 0) return true;
  pollfd pfd{fd_, POLLIN, 0};
  if (::poll(&pfd, 1, 0) <= 0) return false;
  close();  // readable while idle: EOF, error or unsolicited bytes
  return true;
}

}  // namespace gearspec::client::detail
