// The reference client's batch figure, shared by the client benchmark and
// the gearmock queue benchmark: `jobs` background submits (function
// "bench_fn", uniques "bench-<i>", 100-byte workloads) added as tasks and
// sent as one pipelined run_tasks() on one connection.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "gearspec/client/client.hpp"

namespace gearspec::bench {

inline const std::string& bench_workload() {
  static const std::string w(100, 'w');
  return w;
}

inline std::string bench_unique(std::size_t i) { return "bench-" + std::to_string(i); }

/// Seconds from the first add_task to run_tasks() returning, or nullopt when
/// a submit failed (reported on stderr).
inline std::optional<double> reference_batch(std::uint16_t port, std::size_t jobs) {
  namespace gc = gearspec::client;
  gc::client c;
  c.add_server("127.0.0.1", port);
  c.set_timeout(120000);
  std::vector<gc::task> tasks(jobs);
  std::vector<std::string> uniques(jobs);
  for (std::size_t i = 0; i < jobs; ++i) uniques[i] = bench_unique(i);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < jobs; ++i) {
    if (c.add_task(tasks[i], {"bench_fn", uniques[i], bench_workload()}) != gc::return_code::success)
      return std::nullopt;
  }
  if (c.run_tasks() != gc::return_code::success) {
    std::fprintf(stderr, "reference batch: %s\n", c.error().c_str());
    return std::nullopt;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace gearspec::bench
