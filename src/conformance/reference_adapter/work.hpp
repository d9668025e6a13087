// The adapter op `work` on the reference worker (docs/conformance.md
// "Worker cases").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "broken_mode.hpp"
#include "gearspec/protocol/return_code.hpp"

namespace gearspec::reference_adapter {

/// ADAPTER.md error class of a reference client or worker return code.
std::string error_class_of_code(proto::return_code rc);

/// A failed job's or request's result: {"ok": false, "error_class", "error", "message"}.
nlohmann::json error_result(const std::string& error_class, proto::return_code rc,
                            const std::string& message);

/// Answer one `work` request: {"jobs": [...], "result": {...}} (without "id").
nlohmann::json work(const nlohmann::json& request, broken_mode mode);

/// What a library that keeps text as Unicode makes of bytes that are not
/// UTF-8 (reencode-utf8): each byte that starts no valid sequence becomes U+FFFD.
std::string utf8_replaced(const std::string& s);

}  // namespace gearspec::reference_adapter
