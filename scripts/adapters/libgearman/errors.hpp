// What every request of the libgearman adapter shares: the server address, byte
// fields and libgearman's return codes as adapter error objects (docs/conformance.md).
#pragma once

#include <libgearman-1.0/gearman.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

namespace gearspec::adapter::libgearman {

/// A byte field of a request object (<name>_b64, else the v1 text; nullopt
/// when both are absent); a bad one's std::invalid_argument names `where`.
std::optional<std::string> bytes_field(const nlohmann::json& object, const char* name,
                                       const std::string& where);

/// "host:port" or "[v6]:port" (port 1..65535); std::invalid_argument otherwise.
std::pair<std::string, in_port_t> parse_server(const std::string& server);

/// The failed result for libgearman's code and error text: server_error with
/// its server_code when the text is that of a server ERROR packet, else the
/// class of the code.
nlohmann::json classified_failure(gearman_return_t rc, const std::string& message);

}  // namespace gearspec::adapter::libgearman
