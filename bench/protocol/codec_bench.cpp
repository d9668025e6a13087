// Decode and encode throughput of a stream of SUBMIT_JOB_BG packets with
// 0 B, 100 B and 64 KiB workloads, beside memcpy of the same bytes in the
// same run; each codec benchmark also counts heap allocations per packet.
//
// Reading the numbers: "decode/<w>" gets the whole stream at once, so every
// packet is decoded as views into it and the workload is never touched
// (with 64 KiB workloads bytes/s is then far above memcpy: it measures the
// per-packet cost only). "decode_4KiB_reads/<w>" feeds 4 KiB reads, as from
// a socket: packets crossing a read are assembled in the decoder's buffer.
// Rates are per CPU second (Google Benchmark's default).
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/allocation_counter.hpp"
#include "ratio_reporter.hpp"

namespace gp = gearspec::proto;

namespace {

constexpr std::string_view function = "bench_function";
constexpr std::string_view unique =
    "6f1c3a52-4e0b-11ef-9a2b-02fc00000001";           // UUID-sized, as libgearman sends
constexpr std::size_t target_stream_bytes = 1 << 20;  // about 1 MiB per iteration

struct workload_stream {
  std::string workload;
  std::string bytes;  // the encoded stream
  std::size_t packets = 0;
};

workload_stream make_stream(std::size_t workload_size) {
  workload_stream s;
  s.workload.assign(workload_size, 'w');
  const std::size_t packet_size = gp::header_size + function.size() + 1 + unique.size() + 1 + workload_size;
  s.packets = std::max<std::size_t>(16, target_stream_bytes / packet_size);
  for (std::size_t i = 0; i < s.packets; ++i)
    gp::encode_to(s.bytes, gp::magic::request, gp::command::submit_job_bg, {function, unique}, s.workload);
  return s;
}

void report(benchmark::State& state, const workload_stream& s,
            const gearspec::test::allocation_stats& allocs) {
  const auto iterations = static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.packets));
  state.counters["allocs/packet"] =
      static_cast<double>(allocs.count) / (iterations * static_cast<double>(s.packets));
}

void bm_memcpy(benchmark::State& state, std::size_t workload_size) {
  const auto s = make_stream(workload_size);
  std::vector<char> target(s.bytes.size());
  for (auto _ : state) {
    std::memcpy(target.data(), s.bytes.data(), s.bytes.size());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(s.bytes.size()));
}

// Decode the stream as delivered in reads of `read_size` bytes (0: the whole stream at once).
void bm_decode(benchmark::State& state, std::size_t workload_size, std::size_t read_size) {
  const auto s = make_stream(workload_size);
  gp::decoder dec;
  std::size_t decoded = 0;
  gearspec::test::allocation_stats allocs;
  {
    gearspec::test::allocation_scope scope;
    for (auto _ : state) {
      std::string_view rest{s.bytes};
      while (!rest.empty()) {
        std::string_view read = read_size == 0 ? rest : rest.substr(0, read_size);
        rest.remove_prefix(read.size());
        while (!read.empty()) {
          std::error_code ec;
          read.remove_prefix(dec.put(read, ec));
          if (ec) {
            state.SkipWithError(ec.message().c_str());
            return;
          }
          if (dec.ready()) {
            benchmark::DoNotOptimize(dec.packet().data.size());
            ++decoded;
            dec.next();
          }
        }
      }
    }
    allocs = scope.stats();
  }
  if (decoded != s.packets * state.iterations()) state.SkipWithError("wrong packet count");
  report(state, s, allocs);
}

void bm_encode(benchmark::State& state, std::size_t workload_size) {
  const auto s = make_stream(workload_size);
  std::string out;
  out.reserve(s.bytes.size());
  gearspec::test::allocation_stats allocs;
  {
    gearspec::test::allocation_scope scope;
    for (auto _ : state) {
      out.clear();
      for (std::size_t i = 0; i < s.packets; ++i)
        gp::encode_to(out, gp::magic::request, gp::command::submit_job_bg, {function, unique}, s.workload);
      benchmark::DoNotOptimize(out.data());
    }
    allocs = scope.stats();
  }
  if (out != s.bytes) state.SkipWithError("encoded bytes differ");
  report(state, s, allocs);
}

void register_all() {
  for (auto [label, size] : {std::pair{"0B", 0u}, std::pair{"100B", 100u}, std::pair{"64KiB", 65536u}}) {
    const std::string w = label;
    benchmark::RegisterBenchmark(("memcpy/" + w).c_str(), bm_memcpy, size);
    benchmark::RegisterBenchmark(("decode/" + w).c_str(), bm_decode, size, 0u);
    benchmark::RegisterBenchmark(("decode_4KiB_reads/" + w).c_str(), bm_decode, size, 4096u);
    benchmark::RegisterBenchmark(("encode/" + w).c_str(), bm_encode, size);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_all();
  gearspec::bench::ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
