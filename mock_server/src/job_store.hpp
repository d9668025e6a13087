// Queue-mode job storage: functions, jobs, coalescing indexes and priority
// queues, sized for millions of queued jobs (the goal is <= 200 bytes per
// queued 100-byte job, everything included):
// - a job is one arena block: a 32-byte header, then its unique and workload;
// - jobs refer to each other by 4-byte arena references (queue links, index
//   entries, the number map), not 8-byte pointers;
// - handle number -> job is a sliding window over the sequential numbers
//   (number_map: 4 bytes per job, no hashing);
// - (function, unique) -> job is a sharded open-addressing index whose
//   growth rehashes 1/256 of it at a time (no long stall at 2M jobs);
// - what only some jobs need (waiting clients, worker, WORK_STATUS, reducer,
//   EPOCH time) lives in a side map, not in every job.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flat_index.hpp"
#include "gearspec/protocol/command.hpp"
#include "job_arena.hpp"
#include "number_map.hpp"

namespace gearspec::mock::detail {

using connection_id = std::uint64_t;
using job_ref = job_arena::ref;

/// State a job needs only once a worker holds it, a client waits on it, or
/// it was submitted with a reducer or an EPOCH time.
struct job_extra {
  std::vector<connection_id> clients;  ///< foreground clients, in submit order
  connection_id worker = 0;            ///< worker running it (0 = none)
  std::string numerator, denominator;  ///< last WORK_STATUS
  std::string reducer;
  std::int64_t when = 0;  ///< EPOCH submits: not handed out before this Unix time
};

/// A job record, followed in memory by its unique and workload bytes. Made
/// and destroyed only by job_store; callers hold it by pointer or reference
/// until they remove it.
struct job {
  std::uint64_t number;  ///< handle = prefix + ":" + number
  job_ref self;          ///< its own arena reference
  job_ref next;          ///< the job after it in its priority queue
  std::uint32_t function;
  std::uint32_t unique_size;
  std::uint32_t data_size;
  std::uint8_t prio_bits : 2;
  std::uint8_t background : 1;
  std::uint8_t running : 1;  ///< held by a worker
  std::uint8_t ignore : 1;   ///< foreground job whose clients are all gone
  std::uint8_t has_extra : 1;
  std::uint8_t queued : 1;     ///< linked in its function's queue
  std::uint8_t scheduled : 1;  ///< EPOCH job waiting for its time

  proto::priority prio() const noexcept { return static_cast<proto::priority>(prio_bits); }
  std::string_view unique() const noexcept { return {bytes(), unique_size}; }
  std::string_view data() const noexcept { return {bytes() + unique_size, data_size}; }

 private:
  const char* bytes() const noexcept { return reinterpret_cast<const char*>(this + 1); }
};

/// A FIFO of jobs linked through job::next.
struct job_queue {
  job_ref head = job_arena::npos;
  job_ref tail = job_arena::npos;
  std::size_t size = 0;
};

struct function_entry {
  std::string name;
  std::array<job_queue, 3> queue;                   ///< waiting jobs by priority (high, normal, low)
  std::array<std::uint64_t, 3> max_queue{0, 0, 0};  ///< admin maxqueue; 0 = unlimited
  std::size_t jobs = 0;                             ///< queued + running
  std::size_t running = 0;
  std::size_t held = 0;                ///< >0: hold() is active for this function
  std::vector<connection_id> workers;  ///< connections with CAN_DO for it
};

/// Where a submit's (function, unique, workload) goes in the coalescing
/// indexes; computed once per submit, used to look up and then to insert.
struct coalescing_key {
  enum class index : std::uint8_t { none, unique, data };
  std::uint32_t function = 0;
  std::uint32_t hash = 0;
  index where = index::none;  ///< none: the submit never coalesces
};

/// Memory the store holds, by part (for tests and the benchmark).
struct store_footprint {
  std::size_t arena = 0;       ///< job records, from the system
  std::size_t indexes = 0;     ///< coalescing index tables
  std::size_t number_map = 0;  ///< handle number window (approximate: deque blocks)
  std::size_t total() const noexcept { return arena + indexes + number_map; }
};

class job_store {
 public:
  /// Function index by name, creating it when absent.
  std::uint32_t function_id(std::string_view name);
  /// Function index by name, or -1.
  std::int64_t find_function(std::string_view name) const;
  function_entry& function(std::uint32_t id) { return functions_[id]; }
  const std::vector<function_entry>& functions() const { return functions_; }

  /// gearmand's coalescing rules: an empty unique never coalesces; "-"
  /// coalesces by a non-empty workload; any other unique by its bytes.
  static coalescing_key key_of(std::uint32_t function, std::string_view unique, std::string_view data);
  /// The job an incoming submit coalesces with, or null; `k` is
  /// key_of(function, unique, data).
  job* find_coalescing(const coalescing_key& k, std::string_view unique, std::string_view data);
  job* find_coalescing(std::uint32_t function, std::string_view unique, std::string_view data) {
    return find_coalescing(key_of(function, unique, data), unique, data);
  }
  /// Create and queue a new job (held back until `when` if set); `k` is
  /// key_of(function, unique, data). Null when no memory is left for it.
  job* add(const coalescing_key& k, proto::priority prio, bool background, std::string_view unique,
           std::string_view data, std::int64_t when);
  job* add(std::uint32_t function, proto::priority prio, bool background, std::string_view unique,
           std::string_view data, std::int64_t when) {
    return add(key_of(function, unique, data), prio, background, unique, data, when);
  }
  job* find(std::uint64_t number);
  /// Remove a job from every index and queue and free it (and its extra state).
  void remove(job& j);
  /// Take the next waiting job for one of `functions`, highest priority
  /// first across all of them (FIFO within a priority); frees ignored jobs
  /// it meets on the way; moves EPOCH jobs due at `now` to their queue.
  job* take_next(const std::vector<std::uint32_t>& functions, std::int64_t now);
  /// Any waiting job for one of `functions` (for PRE_SLEEP wake-ups).
  bool has_waiting(const std::vector<std::uint32_t>& functions) const;

  std::size_t size() const { return live_; }
  std::size_t running() const { return running_; }
  void mark_running(job& j, connection_id worker);
  /// A running job goes back to the front of its queue (its worker left).
  void requeue(job& j);
  std::uint64_t created() const { return numbers_.next() - 1; }

  job_extra* extra(const job& j) { return j.has_extra ? &extras_.at(j.self) : nullptr; }
  job_extra& ensure_extra(job& j) {
    auto& e = extras_[j.self];
    j.has_extra = true;
    return e;
  }

  /// Jobs in handle order (admin listings).
  std::vector<const job*> sorted_jobs() const;

  store_footprint footprint() const;

 private:
  job& at(job_ref r) const { return *static_cast<job*>(arena_.get(r)); }
  sharded_index& index_for(coalescing_key::index where) {
    return where == coalescing_key::index::data ? by_data_ : by_unique_;
  }
  void push_back(job& j);
  void unlink(job& j);

  std::vector<function_entry> functions_;
  std::unordered_map<std::string, std::uint32_t> function_ids_;
  std::uint32_t last_id_ = 0;  // submits repeat the same function: checked first
  bool have_last_ = false;

  job_arena arena_;
  number_map numbers_;       // handle number -> job
  sharded_index by_unique_;  // (function, unique) -> job
  sharded_index by_data_;    // (function, workload) -> job, for unique "-"
  std::unordered_map<job_ref, job_extra> extras_;
  std::vector<job_ref> scheduled_;  // EPOCH jobs waiting for their time
  std::size_t live_ = 0;
  std::size_t running_ = 0;
};

}  // namespace gearspec::mock::detail
