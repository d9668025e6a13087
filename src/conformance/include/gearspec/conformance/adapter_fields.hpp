// Byte fields of adapter protocol v2 (docs/conformance.md): a field that may
// hold any bytes travels as `<name>_b64` (base64), and also as the v1 text
// `<name>` when its bytes are UTF-8 (JSON strings cannot hold anything else).
// Header-only, so that the runner and the C++ adapters read and write these
// fields by the same rules. Include only where nlohmann-json is wanted.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "gearspec/util/encoding.hpp"

namespace gearspec::conformance {

/// The protocol an adapter speaks when its hello answer has no "protocol".
inline constexpr int adapter_protocol_v1 = 1;
/// Bytes in every field: function_b64, unique_b64, handle_b64.
inline constexpr int adapter_protocol_v2 = 2;

/// Text field `name` of `o`; nullopt when absent or null. Throws
/// std::invalid_argument naming the field when it is not a string.
inline std::optional<std::string> get_text_field(const nlohmann::json& o, const std::string& name) {
  if (!o.contains(name) || o[name].is_null()) return std::nullopt;
  if (!o[name].is_string()) throw std::invalid_argument("\"" + name + "\" is not a string");
  return o[name].get<std::string>();
}

/// Field `name` of `o`: the bytes of `<name>_b64` when present, else the text
/// `<name>`; nullopt when both are absent or null. Throws std::invalid_argument
/// naming the field when it is of the wrong type or not base64.
inline std::optional<std::string> get_bytes_field(const nlohmann::json& o, const std::string& name) {
  const auto b64_key = name + "_b64";
  if (o.contains(b64_key) && !o[b64_key].is_null()) {
    if (!o[b64_key].is_string()) throw std::invalid_argument("\"" + b64_key + "\" is not a string");
    std::string bytes;
    if (util::base64_decode(o[b64_key].get<std::string>(), bytes))
      throw std::invalid_argument("\"" + b64_key + "\" is not base64");
    return bytes;
  }
  return get_text_field(o, name);
}

/// Writes `bytes` as `<name>_b64` and, when they are UTF-8, as the text `<name>` too.
inline void put_bytes_field(nlohmann::json& o, const std::string& name, const std::string& bytes) {
  o[name + "_b64"] = util::base64_encode(bytes);
  if (util::is_valid_utf8(bytes)) o[name] = bytes;
}

}  // namespace gearspec::conformance
