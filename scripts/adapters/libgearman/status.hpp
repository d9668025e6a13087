// One adapter-protocol "status" request carried out with the real libgearman
// C API: gearman_client_job_status (by handle) or gearman_client_unique_status.
#pragma once

#include <nlohmann/json.hpp>

namespace gearspec::adapter::libgearman {

/// The answer fields of a status request (without "id"): ok, known, running,
/// numerator, denominator, or an error object. libgearman 1.1.20 does not
/// expose STATUS_RES_UNIQUE's CLIENT_COUNT, so no client_count is reported.
/// Throws std::invalid_argument when the request itself is malformed.
nlohmann::json status(const nlohmann::json& request);

}  // namespace gearspec::adapter::libgearman
