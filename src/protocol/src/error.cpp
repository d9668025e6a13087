#include "gearspec/protocol/error.hpp"

#include <iterator>

namespace gearspec::proto {
namespace {

// One message per errc value, in declaration order (the values start at 1).
constexpr const char* messages[] = {
    "bad magic: expected \"\\0REQ\" or \"\\0RES\"",
    "invalid command number (valid: 1..42)",
    "body length over the limit",
    "argument longer than the limit",
    "missing NUL terminator: too few arguments for the command",
    "NUL inside the last argument: too many arguments for the command",
    "admin text line longer than the limit",
    "admin text line with more than 5 tokens",
    "argument contains a NUL byte and cannot be encoded",
    "wrong number of arguments for the command",
    "data given for a command without a data part",
    "command cannot be encoded (TEXT or MAX)",
    "malformed admin reply",
    "not a decimal number in range",
};
static_assert(std::size(messages) == static_cast<std::size_t>(errc::invalid_number),
              "error.cpp: one message per errc value");

class protocol_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gearspec.protocol"; }

  std::string message(int ev) const override {
    if (ev < 1 || ev > static_cast<int>(std::size(messages))) return "unknown gearspec.protocol error";
    return messages[ev - 1];
  }
};

}  // namespace

const std::error_category& protocol_category() noexcept {
  static const protocol_error_category category;
  return category;
}

}  // namespace gearspec::proto
