// Baseline target for speed figures: reads one 12-byte Gearman header
// (magic, command, size) and nothing else. The decoder target's execs/s are
// reported as a ratio to this one, measured in the same run.
#include <cstdint>
#include <cstring>

#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace proto = gearspec::proto;
  if (size < proto::header_size) return 0;
  if (std::memcmp(data, proto::request_magic.data(), 4) != 0 && std::memcmp(data, proto::response_magic.data(), 4) != 0)
    return 0;
  const std::uint32_t number = (std::uint32_t{data[4]} << 24) | (std::uint32_t{data[5]} << 16) |
                               (std::uint32_t{data[6]} << 8) | data[7];
  const std::uint32_t body = (std::uint32_t{data[8]} << 24) | (std::uint32_t{data[9]} << 16) |
                             (std::uint32_t{data[10]} << 8) | data[11];
  // Keep the result observable so the work is not optimised away.
  volatile bool plausible = proto::is_wire_command(number) && body <= size - proto::header_size;
  (void)plausible;
  return 0;
}
