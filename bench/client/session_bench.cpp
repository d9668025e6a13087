// The reference client's own cost per background submit, without a server or
// a socket: encode N submits, mark them written, feed N JOB_CREATED replies
// (in 256 KiB reads, as the I/O layer does). This is the ceiling the client
// puts on any server: it must be far above what servers reach.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "gearspec/client/session.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace {

namespace gc = gearspec::client;
namespace proto = gearspec::proto;

void BM_SessionBatch(benchmark::State& state) {
  const auto jobs = static_cast<std::size_t>(state.range(0));
  const bool generated_uniques = state.range(1) != 0;
  const std::string workload(100, 'w');
  std::vector<std::string> uniques(jobs);
  std::string replies;
  for (std::size_t i = 0; i < jobs; ++i) {
    uniques[i] = generated_uniques ? std::string{} : "bench-" + std::to_string(i);
    replies += proto::encode(proto::magic::response, proto::command::job_created,
                             {"H:mock:" + std::to_string(i + 1)});
  }
  std::vector<gc::task> tasks(jobs);
  gc::session session;
  for (auto _ : state) {
    for (std::size_t i = 0; i < jobs; ++i) session.submit(tasks[i], {"bench_fn", uniques[i], workload});
    session.connection_opened();
    session.wrote(session.output().size());
    for (std::size_t offset = 0; offset < replies.size(); offset += 256 * 1024)
      session.receive(std::string_view{replies}.substr(offset, 256 * 1024));
    if (session.busy() || tasks.back().result() != gc::return_code::success)
      state.SkipWithError("not all created");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * jobs));
}
BENCHMARK(BM_SessionBatch)->Args({100000, 0})->Args({100000, 1})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
