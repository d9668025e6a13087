// The queue-mode job store on its own: coalescing rules, priority queues,
// handle numbers, EPOCH jobs, memory reuse and footprint, and a randomized
// run against a plain model.
#include "job_store.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>

namespace gearspec::mock::detail {
namespace {

using proto::priority;

std::vector<std::uint64_t> numbers_of(const std::vector<const job*>& jobs) {
  std::vector<std::uint64_t> out;
  for (const job* j : jobs) out.push_back(j->number);
  return out;
}

std::vector<std::uint64_t> drain(job_store& s, const std::vector<std::uint32_t>& functions) {
  std::vector<std::uint64_t> out;
  while (job* j = s.take_next(functions, 0)) {
    out.push_back(j->number);
    s.mark_running(*j, 1);
  }
  return out;
}

TEST(JobStore, KeepsUniqueAndWorkloadBytesExactly) {
  job_store s;
  const auto f = s.function_id("f");
  const std::string data{"a\0b\xff", 4};
  job* j = s.add(f, priority::low, true, std::string{"u\0x", 3}, data, 0);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->unique(), std::string_view("u\0x", 3));
  EXPECT_EQ(j->data(), data);
  EXPECT_EQ(j->prio(), priority::low);
  EXPECT_TRUE(j->background);
  EXPECT_EQ(j->number, 1u);
  EXPECT_EQ(s.find(1), j);
  job* empty = s.add(f, priority::high, false, "", "", 0);
  EXPECT_EQ(empty->unique(), "");
  EXPECT_EQ(empty->data(), "");
  EXPECT_EQ(empty->number, 2u);
}

TEST(JobStore, CoalescesByFunctionAndUniqueOnly) {
  job_store s;
  const auto f = s.function_id("f"), g = s.function_id("g");
  job* a = s.add(f, priority::normal, true, "u1", "x", 0);
  EXPECT_EQ(s.find_coalescing(f, "u1", "other workload"), a);
  EXPECT_EQ(s.find_coalescing(g, "u1", "x"), nullptr);  // another function
  EXPECT_EQ(s.find_coalescing(f, "u2", "x"), nullptr);
  EXPECT_EQ(s.find_coalescing(f, "U1", "x"), nullptr);  // byte-exact
  EXPECT_EQ(s.find_coalescing(f, std::string{"u1\0", 3}, "x"), nullptr);
  s.remove(*a);
  EXPECT_EQ(s.find_coalescing(f, "u1", "x"), nullptr);  // a finished job frees its unique
}

TEST(JobStore, EmptyUniqueNeverCoalesces) {
  job_store s;
  const auto f = s.function_id("f");
  s.add(f, priority::normal, true, "", "x", 0);
  EXPECT_EQ(s.find_coalescing(f, "", "x"), nullptr);
}

TEST(JobStore, DashCoalescesByNonEmptyWorkload) {
  job_store s;
  const auto f = s.function_id("f"), g = s.function_id("g");
  job* a = s.add(f, priority::normal, true, "-", "payload", 0);
  s.add(f, priority::normal, true, "-", "", 0);
  job* named = s.add(f, priority::normal, true, "payload", "payload", 0);
  EXPECT_EQ(s.find_coalescing(f, "-", "payload"), a);
  EXPECT_EQ(s.find_coalescing(f, "-", "other"), nullptr);
  EXPECT_EQ(s.find_coalescing(g, "-", "payload"), nullptr);
  EXPECT_EQ(s.find_coalescing(f, "-", ""), nullptr);         // empty workload never
  EXPECT_EQ(s.find_coalescing(f, "payload", "zzz"), named);  // "-" jobs are not in the unique index
  s.remove(*a);
  EXPECT_EQ(s.find_coalescing(f, "-", "payload"), nullptr);
}

// Within one priority, the functions are tried in the order given (the
// worker's CAN_DO order), each FIFO.
TEST(JobStore, HighestPriorityFirstAcrossFunctionsFifoWithin) {
  job_store s;
  const auto f = s.function_id("f"), g = s.function_id("g");
  const priority order[] = {priority::low,  priority::normal, priority::high, priority::low,
                            priority::high, priority::normal, priority::high};
  std::map<std::pair<int, bool>, std::vector<std::uint64_t>> by_prio_g_first;
  for (int i = 0; i < 7; ++i) {
    job* j = s.add(i % 2 ? g : f, order[i], true, "u" + std::to_string(i), "d", 0);
    by_prio_g_first[{static_cast<int>(order[i]), i % 2 == 0}].push_back(j->number);
  }
  std::vector<std::uint64_t> expected;
  for (auto& [key, numbers] : by_prio_g_first)
    expected.insert(expected.end(), numbers.begin(), numbers.end());
  EXPECT_EQ(drain(s, {g, f}), expected);
  EXPECT_EQ(expected, (std::vector<std::uint64_t>{3, 5, 7, 2, 6, 4, 1}));
  EXPECT_EQ(s.running(), 7u);
  EXPECT_EQ(s.function(f).running + s.function(g).running, 7u);
}

TEST(JobStore, TakesOnlyTheGivenFunctionsAndSkipsHeldOnes) {
  job_store s;
  const auto f = s.function_id("f"), g = s.function_id("g");
  s.add(f, priority::high, true, "a", "", 0);
  job* b = s.add(g, priority::low, true, "b", "", 0);
  EXPECT_EQ(s.take_next({g}, 0), b);
  s.requeue(*b);  // not running: nothing happens
  s.mark_running(*b, 7);
  EXPECT_EQ(s.extra(*b)->worker, 7u);
  ++s.function(f).held;
  EXPECT_FALSE(s.has_waiting({f}));
  EXPECT_EQ(s.take_next({f, g}, 0), nullptr);
  --s.function(f).held;
  EXPECT_TRUE(s.has_waiting({f}));
  EXPECT_EQ(s.take_next({f, g}, 0)->unique(), "a");
}

TEST(JobStore, RequeuePutsARunningJobAtTheFront) {
  job_store s;
  const auto f = s.function_id("f");
  for (int i = 0; i < 3; ++i) s.add(f, priority::normal, true, "u" + std::to_string(i), "", 0);
  job* first = s.take_next({f}, 0);
  s.mark_running(*first, 1);
  s.requeue(*first);
  EXPECT_EQ(s.running(), 0u);
  EXPECT_EQ(s.extra(*first)->worker, 0u);
  EXPECT_EQ(s.function(f).queue[1].size, 3u);
  EXPECT_EQ(drain(s, {f}), (std::vector<std::uint64_t>{1, 2, 3}));
  // The queue's tail is right after requeueing into an empty queue.
  job* j = s.find(3);
  s.requeue(*j);
  s.add(f, priority::normal, true, "u9", "", 0);
  EXPECT_EQ(drain(s, {f}), (std::vector<std::uint64_t>{3, 4}));
}

TEST(JobStore, RemovingFromTheMiddleHeadOrTailKeepsTheQueue) {
  job_store s;
  const auto f = s.function_id("f");
  for (int i = 0; i < 6; ++i) s.add(f, priority::low, true, "u" + std::to_string(i), "", 0);
  s.remove(*s.find(3));  // middle
  s.remove(*s.find(1));  // head
  s.remove(*s.find(6));  // tail
  s.add(f, priority::low, true, "u7", "", 0);
  EXPECT_EQ(s.function(f).queue[2].size, 4u);
  EXPECT_EQ(s.function(f).jobs, 4u);
  EXPECT_EQ(drain(s, {f}), (std::vector<std::uint64_t>{2, 4, 5, 7}));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(s.created(), 7u);
}

TEST(JobStore, IgnoredJobsAreFreedWhenTheirTurnComes) {
  job_store s;
  const auto f = s.function_id("f");
  job* a = s.add(f, priority::normal, false, "a", "", 0);
  s.ensure_extra(*a).clients.push_back(5);
  s.add(f, priority::normal, true, "b", "", 0);
  a->ignore = true;
  EXPECT_EQ(s.take_next({f}, 0)->unique(), "b");
  EXPECT_EQ(s.find(1), nullptr);
  EXPECT_EQ(s.find_coalescing(f, "a", ""), nullptr);
  EXPECT_EQ(s.size(), 1u);
}

TEST(JobStore, EpochJobsWaitForTheirTime) {
  job_store s;
  const auto f = s.function_id("f");
  job* later = s.add(f, priority::normal, true, "later", "", 2000);
  s.add(f, priority::normal, true, "now", "", 0);
  EXPECT_EQ(s.extra(*later)->when, 2000);
  EXPECT_EQ(s.take_next({f}, 1000)->unique(), "now");
  EXPECT_EQ(s.take_next({f}, 1999), nullptr);
  EXPECT_EQ(s.take_next({f}, 2000), later);
  // A scheduled job can be removed (admin cancel) before its time.
  job* gone = s.add(f, priority::normal, true, "gone", "", 5000);
  s.remove(*gone);
  EXPECT_EQ(s.take_next({f}, 9999), nullptr);
}

TEST(JobStore, ListsJobsInHandleOrderEvenAfterOldOnesMovedOutOfTheWindow) {
  job_store s;
  const auto f = s.function_id("f");
  s.add(f, priority::normal, true, "old-1", "", 0);
  s.add(f, priority::normal, true, "old-2", "", 0);
  // Many later jobs finish while the two oldest stay: they leave the window.
  for (int i = 0; i < 5000; ++i) s.remove(*s.add(f, priority::normal, true, "t" + std::to_string(i), "", 0));
  s.add(f, priority::normal, true, "new", "", 0);
  EXPECT_EQ(numbers_of(s.sorted_jobs()), (std::vector<std::uint64_t>{1, 2, 5003}));
  EXPECT_EQ(s.find(2)->unique(), "old-2");
  EXPECT_EQ(s.find(5003)->unique(), "new");
  EXPECT_EQ(s.find(5002), nullptr);
  EXPECT_LT(s.footprint().number_map, 4096u * sizeof(job_ref));  // the holes were dropped
  s.remove(*s.find(1));
  EXPECT_EQ(s.find(1), nullptr);
  EXPECT_EQ(numbers_of(s.sorted_jobs()), (std::vector<std::uint64_t>{2, 5003}));
}

TEST(JobStore, ReusesTheMemoryOfFinishedJobs) {
  job_store s;
  const auto f = s.function_id("f");
  const std::string workload(100, 'w');
  std::size_t first_peak = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20000; ++i) s.add(f, priority::normal, true, "u" + std::to_string(i), workload, 0);
    const auto reserved = s.footprint().arena;
    if (round == 0) first_peak = reserved;
    drain(s, {f});
    for (std::uint64_t n = s.created() - 19999; n <= s.created(); ++n) s.remove(*s.find(n));
    EXPECT_EQ(s.size(), 0u);
    if (round > 0) {
      EXPECT_EQ(reserved, first_peak) << "round " << round;
    }
  }
}

TEST(JobStore, LargeWorkloadsGetTheirOwnBlockAndGiveItBack) {
  job_store s;
  const auto f = s.function_id("f");
  const auto before = s.footprint().arena;
  const std::string big(1 << 20, 'b');
  job* j = s.add(f, priority::normal, true, "big", big, 0);
  EXPECT_EQ(j->data(), big);
  EXPECT_GE(s.footprint().arena, before + big.size());
  s.remove(*j);
  EXPECT_EQ(s.footprint().arena, before);
}

TEST(JobStore, AQueued100ByteJobTakesAtMost200BytesOfStore) {
  job_store s;
  const auto f = s.function_id("bench");
  const std::string workload(100, 'w');
  constexpr std::size_t jobs = 200'000;
  for (std::size_t i = 0; i < jobs; ++i)
    s.add(f, priority::normal, true, "u" + std::to_string(i), workload, 0);
  const auto fp = s.footprint();
  // Record (32-byte header + unique + workload, 8-byte units) + index entry + window slot.
  EXPECT_LE(fp.total() / jobs, 200u) << "arena " << fp.arena << " indexes " << fp.indexes;
  EXPECT_LE(fp.arena / jobs, 32u + 8u + 100u + 8u);
}

/// Random adds, removes, grabs and requeues against a plain model, with
/// colliding uniques across two functions.
TEST(JobStore, MatchesAModelUnderRandomOperations) {
  struct model_job {
    std::uint32_t function;
    std::string unique, data;
    int prio;
    bool running = false;
  };
  job_store s;
  const std::uint32_t fn[2] = {s.function_id("f"), s.function_id("g")};
  std::map<std::uint64_t, model_job> model;
  std::deque<std::uint64_t> queues[2][3];
  std::mt19937 rng{2024};
  std::uint64_t next = 1;
  for (int step = 0; step < 40000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    const std::uint32_t fi = rng() % 2;
    if (op < 5) {  // submit, coalescing if the (function, unique) is live
      const std::string unique = rng() % 8 == 0 ? "-" : "u" + std::to_string(rng() % 300);
      const std::string data = "d" + std::to_string(rng() % 50);
      const int prio = static_cast<int>(rng() % 3);
      std::uint64_t expect = 0;
      for (const auto& [n, m] : model)
        if (m.function == fi && (unique == "-" ? m.unique == "-" && m.data == data : m.unique == unique))
          expect = n;
      job* found = s.find_coalescing(fn[fi], unique, data);
      ASSERT_EQ(found ? found->number : 0, expect) << "step " << step;
      if (found) continue;
      job* j = s.add(fn[fi], static_cast<priority>(prio), true, unique, data, 0);
      ASSERT_EQ(j->number, next++);
      model[j->number] = {fi, unique, data, prio};
      queues[fi][prio].push_back(j->number);
    } else if (op < 7 && !model.empty()) {  // remove any job (finish or cancel)
      auto it = model.begin();
      std::advance(it, static_cast<long>(rng() % model.size()));
      s.remove(*s.find(it->first));
      auto& q = queues[it->second.function][it->second.prio];
      q.erase(std::remove(q.begin(), q.end(), it->first), q.end());
      model.erase(it);
    } else if (op < 9) {  // grab for one or both functions
      const std::vector<std::uint32_t> can =
          rng() % 2 ? std::vector<std::uint32_t>{fn[fi]} : std::vector<std::uint32_t>{fn[0], fn[1]};
      std::uint64_t expect = 0;
      for (int p = 0; p < 3 && !expect; ++p)
        for (auto id : can) {
          auto& q = queues[id == fn[0] ? 0 : 1][p];
          if (!q.empty()) {
            expect = q.front();
            q.pop_front();
            break;
          }
        }
      job* j = s.take_next(can, 0);
      ASSERT_EQ(j ? j->number : 0, expect) << "step " << step;
      if (j) {
        s.mark_running(*j, 1);
        model[j->number].running = true;
      }
    } else {  // a worker leaves: one running job goes back to the front
      for (auto& [n, m] : model) {
        if (!m.running) continue;
        s.requeue(*s.find(n));
        m.running = false;
        queues[m.function][m.prio].push_front(n);
        break;
      }
    }
    ASSERT_EQ(s.size(), model.size());
  }
  std::vector<std::uint64_t> listed = numbers_of(s.sorted_jobs()), expected;
  for (const auto& [n, m] : model) expected.push_back(n);
  EXPECT_EQ(listed, expected);
  for (const auto& [n, m] : model) {
    const job* j = s.find(n);
    ASSERT_NE(j, nullptr);
    EXPECT_EQ(j->unique(), m.unique);
    EXPECT_EQ(j->data(), m.data);
    EXPECT_EQ(static_cast<bool>(j->running), m.running);
  }
}

}  // namespace
}  // namespace gearspec::mock::detail
