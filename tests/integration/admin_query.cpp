#include "admin_query.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace gearspec::test {
namespace {

struct socket_guard {
  int fd;
  ~socket_guard() { ::close(fd); }
};

}  // namespace

proto::admin::reply admin_query(std::uint16_t port, const std::string& line, int timeout_ms) {
  namespace admin = proto::admin;
  admin::tokens toks;
  if (auto ec = admin::tokenize(line, toks))
    throw std::runtime_error("admin line \"" + line + "\": " + ec.message());
  const admin::verb verb = admin::classify(toks).what;

  socket_guard s{::socket(AF_INET, SOCK_STREAM, 0)};
  if (s.fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("admin connect to 127.0.0.1:" + std::to_string(port) + " failed");
  const std::string request = line + "\n";
  if (::send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    throw std::runtime_error("admin send failed");

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string bytes;
  while (admin::reply_length(verb, bytes) == 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{s.fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      throw std::runtime_error("admin \"" + line + "\": no complete reply within " +
                               std::to_string(timeout_ms) + " ms");
    char chunk[4096];
    const ssize_t n = ::recv(s.fd, chunk, sizeof chunk, 0);
    if (n <= 0) throw std::runtime_error("admin \"" + line + "\": connection closed before the reply ended");
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  admin::reply out;
  if (auto ec = admin::parse_reply(verb, bytes.substr(0, admin::reply_length(verb, bytes)), out))
    throw std::runtime_error("admin \"" + line + "\": " + ec.message());
  return out;
}

}  // namespace gearspec::test
