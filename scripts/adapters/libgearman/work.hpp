// One adapter-protocol "work" request carried out with the real libgearman
// worker API (docs/conformance.md "Worker cases").
#pragma once

#include <nlohmann/json.hpp>

namespace gearspec::adapter::libgearman {

/// Registers the request's functions on a fresh gearman_worker_st, takes jobs
/// with gearman_worker_work until max_jobs are done or libgearman gives up
/// (timeout_ms bounds the whole request), and returns {"jobs": [...],
/// "result": {...}} (without "id"). Throws std::invalid_argument when the
/// request itself is malformed.
nlohmann::json work(const nlohmann::json& request);

}  // namespace gearspec::adapter::libgearman
