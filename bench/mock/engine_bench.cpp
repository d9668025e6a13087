// The queue engine alone (no sockets): background submits per second it can
// take at a given queue size. The upper bound of what gearmock can accept.
#include <benchmark/benchmark.h>

#include "gearspec/mock/queue_engine.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace {

using gearspec::proto::command;
using gearspec::proto::magic;

/// `count` pipelined SUBMIT_JOB_BG packets with distinct uniques from `first`.
std::string batch(std::uint64_t first, std::size_t count) {
  std::string out;
  const std::string workload(100, 'w');
  for (std::size_t i = 0; i < count; ++i)
    gearspec::proto::encode_to(out, magic::request, command::submit_job_bg,
                               {"bench", "u" + std::to_string(first + i)}, workload);
  return out;
}

void BM_EngineSubmitBackground(benchmark::State& state) {
  const auto prefill = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t per_batch = 512;  // about one 64 KiB read
  gearspec::mock::queue_engine e;
  const auto c = e.connect("127.0.0.1");
  std::uint64_t next = 0;
  for (std::size_t done = 0; done < prefill; done += per_batch) {
    e.receive(c, batch(next, per_batch));
    next += per_batch;
    e.take_ready();
    e.output(c).clear();
  }
  std::vector<std::string> batches;
  for (int i = 0; i < 64; ++i, next += per_batch) batches.push_back(batch(next, per_batch));
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == batches.size()) {  // fresh uniques, untimed
      state.PauseTiming();
      for (auto& b : batches) b = batch(next, per_batch), next += per_batch;
      i = 0;
      state.ResumeTiming();
    }
    e.receive(c, batches[i++]);
    benchmark::DoNotOptimize(e.take_ready());
    e.output(c).clear();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * per_batch));
  state.counters["queued_at_end"] = static_cast<double>(e.stats().queued);
}
BENCHMARK(BM_EngineSubmitBackground)
    ->Arg(25'000)
    ->Arg(200'000)
    ->Arg(2'000'000)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(0.3);

}  // namespace

BENCHMARK_MAIN();
