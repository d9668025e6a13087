#include "scenario_model.hpp"

#include <cctype>

#include "gearspec/protocol/packet.hpp"

namespace gearspec::mock::detail {

namespace {
/// 8-4-4-4-12 hex digits, as libgearman's generated uniques.
bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}
}  // namespace

bool bytes_predicate::matches(std::string_view bytes) const {
  switch (what) {
    case kind::any:
      return true;
    case kind::exact:
      return bytes == value;
    case kind::prefix:
      return bytes.substr(0, value.size()) == value;
    case kind::length:
      return bytes.size() >= min_length && bytes.size() <= max_length;
    case kind::uuid:
      return is_uuid(bytes);
    case kind::regex:
      return std::regex_search(bytes.begin(), bytes.end(), *re);
  }
  return false;
}

std::string bytes_predicate::describe() const {
  switch (what) {
    case kind::any:
      return "any";
    case kind::exact:
      return proto::escape_bytes(value);
    case kind::prefix:
      return "prefix " + proto::escape_bytes(value);
    case kind::length:
      return "length " + std::to_string(min_length) +
             (min_length == max_length ? "" : ".." + std::to_string(max_length));
    case kind::uuid:
      return "a UUID";
    case kind::regex:
      return "/" + value + "/";
  }
  return "?";
}

}  // namespace gearspec::mock::detail
