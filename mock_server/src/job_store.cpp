#include "job_store.hpp"

#include <algorithm>

namespace gearspec::mock::detail {

namespace {
std::size_t prio_index(proto::priority p) { return static_cast<std::size_t>(p); }
}  // namespace

std::uint32_t job_store::function_id(std::string_view name) {
  if (have_last_ && name == last_name_) return last_id_;
  auto it = function_ids_.find(std::string{name});
  std::uint32_t id;
  if (it != function_ids_.end()) {
    id = it->second;
  } else {
    id = static_cast<std::uint32_t>(functions_.size());
    functions_.emplace_back();
    functions_.back().name = std::string{name};
    function_ids_.emplace(std::string{name}, id);
  }
  last_name_.assign(name);
  last_id_ = id;
  have_last_ = true;
  return id;
}

std::int64_t job_store::find_function(std::string_view name) const {
  auto it = function_ids_.find(std::string{name});
  return it == function_ids_.end() ? -1 : static_cast<std::int64_t>(it->second);
}

namespace {
std::uint32_t hash32(std::uint64_t x) {  // splitmix64 finaliser, folded
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return static_cast<std::uint32_t>(x ^ (x >> 32));
}
}  // namespace

std::uint32_t job_store::unique_hash(std::uint32_t function, std::string_view key) const {
  return hash32(std::hash<std::string_view>{}(key) + function * 0x9E3779B97F4A7C15ull);
}

std::uint32_t job_store::find_slot(const flat_index& index, std::uint32_t function, std::string_view key,
                                   bool by_data) const {
  return index.find(unique_hash(function, key), [&](std::uint32_t slot) {
    const job& j = pool_[slot];
    return j.function == function && (by_data ? j.unique == "-" && j.data == key : j.unique == key);
  });
}

job* job_store::find_coalescing(std::uint32_t function, std::string_view unique, std::string_view data) {
  if (unique.empty()) return nullptr;  // gearmand never coalesces an empty unique
  const bool dash = unique == "-";
  if (dash && data.empty()) return nullptr;
  const auto slot = find_slot(dash ? by_data_ : by_unique_, function, dash ? data : unique, dash);
  return slot == flat_index::npos ? nullptr : &pool_[slot];
}

job& job_store::add(std::uint32_t function, proto::priority prio, bool background, std::string_view unique,
                    std::string_view data, std::int64_t when) {
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(pool_.size());
    pool_.emplace_back();
  }
  job& j = pool_[slot];
  j.number = next_number_++;
  j.slot = slot;
  j.function = function;
  j.prio = prio;
  j.background = background;
  j.running = j.ignore = false;
  j.when = when;
  j.unique.assign(unique);
  j.data.assign(data);
  ++live_;
  by_number_.insert(hash32(j.number), slot);
  if (j.unique == "-") {
    if (!j.data.empty()) by_data_.insert(unique_hash(function, j.data), slot);
  } else if (!j.unique.empty()) {
    by_unique_.insert(unique_hash(function, j.unique), slot);
  }
  auto& f = functions_[function];
  ++f.jobs;
  if (when > 0)
    scheduled_.push_back(&j);
  else
    f.queue[prio_index(prio)].push_back(&j);
  return j;
}

job* job_store::find(std::uint64_t number) {
  if (number == 0) return nullptr;
  const auto slot = by_number_.find(hash32(number), [&](std::uint32_t s) { return pool_[s].number == number; });
  return slot == flat_index::npos ? nullptr : &pool_[slot];
}

void job_store::remove(job& j) {
  auto& f = functions_[j.function];
  if (j.unique == "-") {
    if (!j.data.empty()) by_data_.erase(unique_hash(j.function, j.data), j.slot);
  } else if (!j.unique.empty()) {
    by_unique_.erase(unique_hash(j.function, j.unique), j.slot);
  }
  by_number_.erase(hash32(j.number), j.slot);
  if (j.running) {
    --f.running;
    --running_;
  } else {
    auto& q = f.queue[prio_index(j.prio)];
    auto it = std::find(q.begin(), q.end(), &j);
    if (it != q.end()) q.erase(it);
    auto s = std::find(scheduled_.begin(), scheduled_.end(), &j);
    if (s != scheduled_.end()) scheduled_.erase(s);
  }
  --f.jobs;
  --live_;
  const auto slot = j.slot;
  j = job{};  // releases the workload and extra state
  free_.push_back(slot);
}

job* job_store::take_next(const std::vector<std::uint32_t>& functions, std::int64_t now) {
  if (!scheduled_.empty()) {
    for (auto it = scheduled_.begin(); it != scheduled_.end();) {
      if ((*it)->when <= now) {
        functions_[(*it)->function].queue[prio_index((*it)->prio)].push_back(*it);
        it = scheduled_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (std::size_t p = 0; p < 3; ++p) {
    for (auto id : functions) {
      auto& f = functions_[id];
      if (f.held) continue;
      auto& q = f.queue[p];
      while (!q.empty()) {
        job* j = q.front();
        q.pop_front();
        if (j->ignore) {  // its clients left before any worker took it
          remove(*j);
          continue;
        }
        return j;
      }
    }
  }
  return nullptr;
}

bool job_store::has_waiting(const std::vector<std::uint32_t>& functions) const {
  for (auto id : functions) {
    const auto& f = functions_[id];
    if (f.held) continue;
    for (const auto& q : f.queue)
      if (!q.empty()) return true;
  }
  return false;
}

void job_store::mark_running(job& j, connection_id worker) {
  j.running = true;
  j.ensure_extra().worker = worker;
  ++functions_[j.function].running;
  ++running_;
}

void job_store::requeue(job& j) {
  if (!j.running) return;
  j.running = false;
  if (j.extra) j.extra->worker = 0;
  --functions_[j.function].running;
  --running_;
  functions_[j.function].queue[prio_index(j.prio)].push_front(&j);
}

std::vector<const job*> job_store::sorted_jobs() const {
  std::vector<const job*> out;
  out.reserve(live_);
  for (const auto& j : pool_)
    if (j.number) out.push_back(&j);
  std::sort(out.begin(), out.end(), [](const job* a, const job* b) { return a->number < b->number; });
  return out;
}

}  // namespace gearspec::mock::detail
