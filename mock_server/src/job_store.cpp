#include "job_store.hpp"

#include <algorithm>
#include <cstring>
#include <new>

namespace gearspec::mock::detail {

namespace {
constexpr job_ref none = job_arena::npos;

std::uint32_t mix32(std::uint64_t x) {  // splitmix64 finaliser, folded
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return static_cast<std::uint32_t>(x ^ (x >> 32));
}

bool is_dash(std::string_view unique) { return unique.size() == 1 && unique[0] == '-'; }

/// A quick hash for short keys (uniques are usually a few to 64 bytes): 8
/// bytes per multiply, the length folded in; mix32 finishes it.
std::uint64_t bytes_hash(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  if (n) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
  }
  return h;
}
}  // namespace

std::uint32_t job_store::function_id(std::string_view name) {
  if (have_last_ && functions_[last_id_].name == name) return last_id_;
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
  last_id_ = id;
  have_last_ = true;
  return id;
}

std::int64_t job_store::find_function(std::string_view name) const {
  auto it = function_ids_.find(std::string{name});
  return it == function_ids_.end() ? -1 : static_cast<std::int64_t>(it->second);
}

coalescing_key job_store::key_of(std::uint32_t function, std::string_view unique, std::string_view data) {
  coalescing_key k;
  k.function = function;
  if (unique.empty()) return k;
  const bool dash = is_dash(unique);
  if (dash && data.empty()) return k;
  k.where = dash ? coalescing_key::index::data : coalescing_key::index::unique;
  k.hash = mix32(bytes_hash(dash ? data : unique) + function * 0x9E3779B97F4A7C15ull);
  return k;
}

job* job_store::find_coalescing(const coalescing_key& k, std::string_view unique, std::string_view data) {
  if (k.where == coalescing_key::index::none) return nullptr;
  const bool dash = k.where == coalescing_key::index::data;
  const std::string_view key = dash ? data : unique;
  const auto r = index_for(k.where).find(k.hash, [&](job_ref c) {
    const job& j = at(c);
    return j.function == k.function && (dash ? is_dash(j.unique()) && j.data() == key : j.unique() == key);
  });
  return r == none ? nullptr : &at(r);
}

job* job_store::add(const coalescing_key& k, proto::priority prio, bool background, std::string_view unique,
                    std::string_view data, std::int64_t when) {
  const std::size_t bytes = sizeof(job) + unique.size() + data.size();
  const job_ref r = arena_.allocate(bytes);
  if (r == none) return nullptr;
  job& j = *new (arena_.get(r)) job{};
  j.number = numbers_.next();
  j.self = r;
  j.next = none;
  j.function = k.function;
  j.unique_size = static_cast<std::uint32_t>(unique.size());
  j.data_size = static_cast<std::uint32_t>(data.size());
  j.prio_bits = static_cast<std::uint8_t>(prio);
  j.background = background;
  char* tail = reinterpret_cast<char*>(&j + 1);
  if (!unique.empty()) std::memcpy(tail, unique.data(), unique.size());
  if (!data.empty()) std::memcpy(tail + unique.size(), data.data(), data.size());
  numbers_.push(r);
  if (k.where != coalescing_key::index::none) index_for(k.where).insert(k.hash, r);
  ++live_;
  ++functions_[k.function].jobs;
  if (when > 0) {
    ensure_extra(j).when = when;
    j.scheduled = true;
    scheduled_.push_back(r);
  } else {
    push_back(j);
  }
  return &j;
}

job* job_store::find(std::uint64_t number) {
  if (number == 0) return nullptr;
  const auto r = numbers_.find(number);
  return r == none ? nullptr : &at(r);
}

void job_store::push_back(job& j) {
  auto& q = functions_[j.function].queue[j.prio_bits];
  j.next = none;
  if (q.tail == none)
    q.head = j.self;
  else
    at(q.tail).next = j.self;
  q.tail = j.self;
  ++q.size;
  j.queued = true;
}

void job_store::unlink(job& j) {
  auto& q = functions_[j.function].queue[j.prio_bits];
  job_ref prev = none;
  for (job_ref r = q.head; r != none && r != j.self; r = at(r).next) prev = r;
  if (prev == none)
    q.head = j.next;
  else
    at(prev).next = j.next;
  if (q.tail == j.self) q.tail = prev;
  --q.size;
  j.queued = false;
}

void job_store::remove(job& j) {
  auto& f = functions_[j.function];
  if (const auto k = key_of(j.function, j.unique(), j.data()); k.where != coalescing_key::index::none)
    index_for(k.where).erase(k.hash, j.self);
  numbers_.erase(j.number);
  if (j.running) {
    --f.running;
    --running_;
  } else if (j.queued) {
    unlink(j);
  } else if (j.scheduled) {
    scheduled_.erase(std::find(scheduled_.begin(), scheduled_.end(), j.self));
  }
  --f.jobs;
  --live_;
  if (j.has_extra) extras_.erase(j.self);
  const job_ref r = j.self;
  const std::size_t bytes = sizeof(job) + j.unique_size + j.data_size;
  j.~job();
  arena_.release(r, bytes);
}

job* job_store::take_next(const std::vector<std::uint32_t>& functions, std::int64_t now) {
  for (auto it = scheduled_.begin(); it != scheduled_.end();) {
    job& j = at(*it);
    if (extras_.at(j.self).when <= now) {
      j.scheduled = false;
      push_back(j);
      it = scheduled_.erase(it);
    } else {
      ++it;
    }
  }
  for (std::size_t p = 0; p < 3; ++p) {
    for (auto id : functions) {
      auto& f = functions_[id];
      if (f.held) continue;
      auto& q = f.queue[p];
      while (q.head != none) {
        job& j = at(q.head);
        unlink(j);
        if (j.ignore) {  // its clients left before any worker took it
          remove(j);
          continue;
        }
        return &j;
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
      if (q.size) return true;
  }
  return false;
}

void job_store::mark_running(job& j, connection_id worker) {
  j.running = true;
  ensure_extra(j).worker = worker;
  ++functions_[j.function].running;
  ++running_;
}

void job_store::requeue(job& j) {
  if (!j.running) return;
  j.running = false;
  if (auto* e = extra(j)) e->worker = 0;
  --functions_[j.function].running;
  --running_;
  auto& q = functions_[j.function].queue[j.prio_bits];
  j.next = q.head;
  q.head = j.self;
  if (q.tail == none) q.tail = j.self;
  ++q.size;
  j.queued = true;
}

std::vector<const job*> job_store::sorted_jobs() const {
  std::vector<const job*> out;
  out.reserve(live_);
  numbers_.for_each([&](std::uint64_t, job_ref r) { out.push_back(&at(r)); });
  // Moved numbers come first, unordered, and are all older than the window.
  const auto moved_end = out.begin() + static_cast<std::ptrdiff_t>(numbers_.moved());
  std::sort(out.begin(), moved_end, [](const job* a, const job* b) { return a->number < b->number; });
  return out;
}

store_footprint job_store::footprint() const {
  store_footprint f;
  f.arena = arena_.reserved_bytes();
  f.indexes = (by_unique_.capacity() + by_data_.capacity()) * 8;
  f.number_map = numbers_.window() * sizeof(job_ref);
  return f;
}

}  // namespace gearspec::mock::detail
