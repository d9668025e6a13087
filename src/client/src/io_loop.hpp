// The one poll() loop of src/client, shared by the client and the worker:
// write what a sans-I/O session has, feed it what arrives, until the caller's
// condition holds, the session breaks, or the deadline passes. Internal.
//
// A Session has output(), wrote(n), receive(bytes), broken() and
// connection_closed(why) (client::session and worker_session both do).
#pragma once

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "connection.hpp"

namespace gearspec::client::detail {

struct io_state {
  connection socket;
  std::vector<char> input = std::vector<char>(256 * 1024);
  int sys_errno = 0;
};

/// One send() of at most `slice` bytes of the session's output.
template <class Session>
void write_some(Session& s, io_state& io, std::size_t slice) {
  std::string_view out = s.output();
  if (out.size() > slice) out = out.substr(0, slice);
  const ssize_t n = ::send(io.socket.fd(), out.data(), out.size(), MSG_NOSIGNAL);
  if (n > 0) {
    s.wrote(static_cast<std::size_t>(n));
  } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    io.sys_errno = errno;
    s.connection_closed(std::string{"lost connection to server (write: "} + std::strerror(errno) + ")");
  }
}

/// One recv() into the session.
template <class Session>
void read_some(Session& s, io_state& io) {
  const ssize_t n = ::recv(io.socket.fd(), io.input.data(), io.input.size(), 0);
  if (n > 0) {
    s.receive({io.input.data(), static_cast<std::size_t>(n)});
  } else if (n == 0) {
    s.connection_closed("lost connection to server (EOF)");
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    io.sys_errno = errno;
    s.connection_closed(std::string{"lost connection to server (read: "} + std::strerror(errno) + ")");
  }
}

/// Run until `done()` or s.broken(); on the deadline `on_timeout()` is
/// called and the loop ends. `may_write()` gates writing (flow control),
/// each write at most `slice` bytes. Returns false when the deadline passed.
/// A broken session's connection is closed.
template <class Session, class Done, class MayWrite, class OnTimeout>
bool pump(Session& s, io_state& io, const deadline& until, Done&& done, MayWrite&& may_write,
          OnTimeout&& on_timeout, std::size_t slice) {
  bool in_time = true;
  // A fresh request is written at once: the socket is almost always
  // writable, and skipping a poll() per call is a third of the syscalls of
  // one blocking call.
  if (may_write()) write_some(s, io, slice);
  while (!done() && !s.broken()) {
    pollfd pfd{io.socket.fd(), static_cast<short>(POLLIN | (may_write() ? POLLOUT : 0)), 0};
    const int ready = ::poll(&pfd, 1, until.remaining_ms());
    if (ready < 0) {
      if (errno == EINTR) continue;
      io.sys_errno = errno;
      s.connection_closed(std::string{"poll: "} + std::strerror(errno));
      break;
    }
    if (ready == 0) {
      in_time = false;
      on_timeout();
      break;
    }
    if ((pfd.revents & POLLOUT) != 0 && may_write()) write_some(s, io, slice);
    if (s.broken()) break;
    if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_some(s, io);
  }
  if (s.broken()) io.socket.close();
  return in_time;
}

}  // namespace gearspec::client::detail
