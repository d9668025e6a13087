// A display reporter that prints what the default one prints and, at the
// end, each benchmark's bytes/s as a ratio to the memcpy benchmark of the
// same workload (medians when repetitions are used).
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gearspec::bench {

class ratio_reporter final : public benchmark::BenchmarkReporter {
 public:
  /// Benchmarks are named "<operation>/<workload>"; "memcpy/<workload>" is the baseline.
  ratio_reporter();

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  std::map<std::string, double> bytes_per_second_;  // by benchmark name; medians win
  std::vector<std::string> order_;
};

}  // namespace gearspec::bench
