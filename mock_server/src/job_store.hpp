// Queue-mode job storage: functions, jobs, coalescing indexes and priority
// queues. Compact on purpose (the benchmark goal is <= 400 B per queued
// 100-byte job): jobs live in a pool of reused slots, three open-addressing
// indexes (handle number, unique, workload for "-") hold 8-byte entries, and
// handles are numbers, formatted only when sent.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flat_index.hpp"
#include "gearspec/protocol/command.hpp"

namespace gearspec::mock::detail {

using connection_id = std::uint64_t;

/// State a job needs only once a worker holds it or a client waits on it.
struct job_extra {
  std::vector<connection_id> clients;  ///< foreground clients, in submit order
  connection_id worker = 0;            ///< worker running it (0 = none)
  std::string numerator, denominator;  ///< last WORK_STATUS
  std::string reducer;
};

struct job {
  std::uint64_t number = 0;  ///< handle = prefix + ":" + number; 0 = free pool slot
  std::uint32_t function = 0;
  std::uint32_t slot = 0;    ///< position in the pool
  proto::priority prio = proto::priority::normal;
  bool background = false;
  bool running = false;
  bool ignore = false;  ///< foreground job whose clients are all gone
  std::int64_t when = 0;  ///< EPOCH submits: not handed out before this Unix time
  std::string unique;
  std::string data;
  std::unique_ptr<job_extra> extra;

  job_extra& ensure_extra() {
    if (!extra) extra = std::make_unique<job_extra>();
    return *extra;
  }
};

struct function_entry {
  std::string name;
  std::array<std::deque<job*>, 3> queue;  ///< waiting jobs by priority (high, normal, low)
  std::array<std::uint64_t, 3> max_queue{0, 0, 0};       ///< admin maxqueue; 0 = unlimited
  std::size_t jobs = 0;     ///< queued + running
  std::size_t running = 0;
  std::size_t held = 0;     ///< >0: hold() is active for this function
  std::vector<connection_id> workers;  ///< connections with CAN_DO for it
};

class job_store {
 public:
  /// Function index by name, creating it when absent.
  std::uint32_t function_id(std::string_view name);
  /// Function index by name, or -1.
  std::int64_t find_function(std::string_view name) const;
  function_entry& function(std::uint32_t id) { return functions_[id]; }
  const std::vector<function_entry>& functions() const { return functions_; }

  /// The job an incoming submit coalesces with, or null.
  job* find_coalescing(std::uint32_t function, std::string_view unique, std::string_view data);
  /// Create and queue a new job (not yet scheduled if `when` is in the future).
  job& add(std::uint32_t function, proto::priority prio, bool background, std::string_view unique,
           std::string_view data, std::int64_t when);
  job* find(std::uint64_t number);
  /// Remove a job from every index and free it.
  void remove(job& j);
  /// Take the next waiting job for one of `functions`, highest priority
  /// first across all of them; skips and frees ignored jobs.
  job* take_next(const std::vector<std::uint32_t>& functions, std::int64_t now);
  /// Any waiting job for one of `functions` (for PRE_SLEEP wake-ups).
  bool has_waiting(const std::vector<std::uint32_t>& functions) const;

  std::size_t size() const { return live_; }
  std::size_t running() const { return running_; }
  void mark_running(job& j, connection_id worker);
  void requeue(job& j);
  std::uint64_t created() const { return next_number_ - 1; }

  /// Jobs in handle order (admin listings; O(n log n), not on the hot path).
  std::vector<const job*> sorted_jobs() const;

 private:
  std::vector<function_entry> functions_;
  std::unordered_map<std::string, std::uint32_t> function_ids_;
  std::string last_name_;  // one-entry cache: submits repeat the same function
  std::uint32_t last_id_ = 0;
  bool have_last_ = false;
  std::uint32_t unique_hash(std::uint32_t function, std::string_view key) const;
  std::uint32_t find_slot(const flat_index& index, std::uint32_t function, std::string_view key, bool by_data) const;

  std::deque<job> pool_;            // stable addresses; slots are reused
  std::vector<std::uint32_t> free_;  // free pool slots
  std::size_t live_ = 0;
  flat_index by_number_;  // handle number -> slot
  flat_index by_unique_;  // (function, unique) -> slot
  flat_index by_data_;    // (function, workload) -> slot, for unique "-"
  std::vector<job*> scheduled_;  // EPOCH jobs waiting for their time
  std::uint64_t next_number_ = 1;
  std::size_t running_ = 0;
};

}  // namespace gearspec::mock::detail
