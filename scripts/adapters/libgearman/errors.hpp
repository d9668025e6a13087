// What every request of the libgearman adapter shares: the server address and
// libgearman's return codes as adapter error objects (docs/conformance.md).
#pragma once

#include <libgearman-1.0/gearman.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

namespace gearspec::adapter::libgearman {

/// "host:port" or "[v6]:port" (port 1..65535); std::invalid_argument otherwise.
std::pair<std::string, in_port_t> parse_server(const std::string& server);

/// The CODE of the text libgearman gives a server ERROR packet, or nullopt
/// when the message is not of that form.
std::optional<std::string> server_code_from_message(const std::string& message);

/// The adapter's error_class for a libgearman code.
const char* error_class_of(gearman_return_t rc);

/// A failed result: {"ok": false, "error_class", "error", "message"}.
nlohmann::json failure(const char* error_class, gearman_return_t rc, const std::string& message);

/// The failed result for libgearman's code and error text: server_error with
/// its server_code when the text is that of a server ERROR packet, else the
/// class of the code.
nlohmann::json classified_failure(gearman_return_t rc, const std::string& message);

}  // namespace gearspec::adapter::libgearman
