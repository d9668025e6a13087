// One adapter-protocol "submit" request carried out with the real libgearman
// C API (docs/conformance.md, adapter protocol v2).
#pragma once

#include <nlohmann/json.hpp>

namespace gearspec::adapter::libgearman {

/// Features this adapter really supports (the hello answer lists them).
nlohmann::json hello_features();

/// Runs the jobs of one submit request on a fresh gearman_client_st and
/// returns the "results" array, one entry per job, in request order.
/// Throws std::invalid_argument when the request itself is malformed.
nlohmann::json submit(const nlohmann::json& request);

}  // namespace gearspec::adapter::libgearman
