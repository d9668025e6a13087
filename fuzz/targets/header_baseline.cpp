// Baseline target for speed figures: reads one 12-byte Gearman header
// (magic, command, size) and nothing else. The decoder target's execs/s are
// reported as a ratio to this one, measured in the same run.
#include <cstdint>
#include <cstring>

#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace proto = gearspec::proto;
  if (size < proto::header_size) return 0;
  if (std::memcmp(data, proto::request_magic.data(), 4) != 0 &&
      std::memcmp(data, proto::response_magic.data(), 4) != 0)
    return 0;
  const auto header = proto::read_raw_header({reinterpret_cast<const char*>(data), size});
  // Keep the result observable so the work is not optimised away.
  volatile bool plausible =
      proto::is_wire_command(header->command) && header->body_length <= size - proto::header_size;
  (void)plausible;
  return 0;
}
