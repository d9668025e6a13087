#include "gearspec/protocol/error.hpp"

namespace gearspec::proto {
namespace {

class protocol_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "gearspec.protocol"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_magic:
        return "bad magic: expected \"\\0REQ\" or \"\\0RES\"";
      case errc::invalid_command:
        return "invalid command number (valid: 1..42)";
      case errc::body_too_large:
        return "body length over the limit";
      case errc::argument_too_large:
        return "argument longer than the limit";
      case errc::missing_terminator:
        return "missing NUL terminator: too few arguments for the command";
      case errc::too_many_arguments:
        return "NUL inside the last argument: too many arguments for the command";
      case errc::text_line_too_long:
        return "admin text line longer than the limit";
      case errc::too_many_tokens:
        return "admin text line with more than 5 tokens";
      case errc::nul_in_argument:
        return "argument contains a NUL byte and cannot be encoded";
      case errc::wrong_argument_count:
        return "wrong number of arguments for the command";
      case errc::data_not_allowed:
        return "data given for a command without a data part";
      case errc::unencodable_command:
        return "command cannot be encoded (TEXT or MAX)";
      case errc::malformed_admin_reply:
        return "malformed admin reply";
      case errc::invalid_number:
        return "not a decimal number in range";
    }
    return "unknown gearspec.protocol error";
  }
};

}  // namespace

const std::error_category& protocol_category() noexcept {
  static const protocol_error_category category;
  return category;
}

}  // namespace gearspec::proto
