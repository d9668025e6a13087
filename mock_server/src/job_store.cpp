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

job* job_store::find_coalescing(std::uint32_t function, std::string_view unique, std::string_view data) {
  if (unique.empty()) return nullptr;  // gearmand never coalesces an empty unique
  auto& f = functions_[function];
  if (unique == "-") {
    if (data.empty()) return nullptr;
    auto it = f.by_data.find(data);
    return it == f.by_data.end() ? nullptr : it->second;
  }
  auto it = f.by_unique.find(unique);
  return it == f.by_unique.end() ? nullptr : it->second;
}

job& job_store::add(std::uint32_t function, proto::priority prio, bool background, std::string_view unique,
                    std::string_view data, std::int64_t when) {
  const std::uint64_t number = next_number_++;
  job& j = jobs_[number];
  j.number = number;
  j.function = function;
  j.prio = prio;
  j.background = background;
  j.when = when;
  j.unique.assign(unique);
  j.data.assign(data);
  auto& f = functions_[function];
  if (j.unique == "-") {
    if (!j.data.empty()) f.by_data.emplace(std::string_view{j.data}, &j);
  } else if (!j.unique.empty()) {
    f.by_unique.emplace(std::string_view{j.unique}, &j);
  }
  ++f.jobs;
  if (when > 0)
    scheduled_.push_back(&j);
  else
    f.queue[prio_index(prio)].push_back(&j);
  return j;
}

job* job_store::find(std::uint64_t number) {
  auto it = jobs_.find(number);
  return it == jobs_.end() ? nullptr : &it->second;
}

void job_store::remove(job& j) {
  auto& f = functions_[j.function];
  if (j.unique == "-") {
    auto it = f.by_data.find(j.data);
    if (it != f.by_data.end() && it->second == &j) f.by_data.erase(it);
  } else if (!j.unique.empty()) {
    auto it = f.by_unique.find(j.unique);
    if (it != f.by_unique.end() && it->second == &j) f.by_unique.erase(it);
  }
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
  jobs_.erase(j.number);
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
  out.reserve(jobs_.size());
  for (const auto& [number, j] : jobs_) out.push_back(&j);
  std::sort(out.begin(), out.end(), [](const job* a, const job* b) { return a->number < b->number; });
  return out;
}

}  // namespace gearspec::mock::detail
