#include "gearspec/property/mock_capture.hpp"

namespace gearspec::property {

std::string received_by(const mock::server& server) {
  std::string bytes;
  for (const auto& e : server.journal())
    if (e.what == mock::journal_entry::kind::received) bytes += e.bytes;
  return bytes;
}

}  // namespace gearspec::property
