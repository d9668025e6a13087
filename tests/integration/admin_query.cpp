#include "admin_query.hpp"

#include <stdexcept>

#include "gearspec/test/loopback_client.hpp"

namespace gearspec::test {

proto::admin::reply admin_query(std::uint16_t port, const std::string& line, int timeout_ms) {
  namespace admin = proto::admin;
  admin::tokens toks;
  if (auto ec = admin::tokenize(line, toks))
    throw std::runtime_error("admin line \"" + line + "\": " + ec.message());
  const admin::verb verb = admin::classify(toks).what;

  const exchange_result r = loopback_exchange(
      port, line + "\n", [verb](std::string_view bytes) { return admin::reply_length(verb, bytes) != 0; },
      timeout_ms);
  if (r.timed_out)
    throw std::runtime_error("admin \"" + line + "\": no complete reply within " +
                             std::to_string(timeout_ms) + " ms");
  const std::size_t length = admin::reply_length(verb, r.bytes);
  if (length == 0)
    throw std::runtime_error("admin \"" + line + "\": connection closed before the reply ended");
  admin::reply out;
  if (auto ec = admin::parse_reply(verb, r.bytes.substr(0, length), out))
    throw std::runtime_error("admin \"" + line + "\": " + ec.message());
  return out;
}

}  // namespace gearspec::test
