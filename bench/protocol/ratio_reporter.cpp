#include "ratio_reporter.hpp"

#include <cstdio>
#include <iostream>

namespace gearspec::bench {

ratio_reporter::ratio_reporter() : inner_(benchmark::CreateDefaultDisplayReporter()) {}

bool ratio_reporter::ReportContext(const Context& context) { return inner_->ReportContext(context); }

void ratio_reporter::ReportRuns(const std::vector<Run>& runs) {
  inner_->ReportRuns(runs);
  for (const auto& run : runs) {
    const auto rate = run.counters.find("bytes_per_second");
    if (run.error_occurred || rate == run.counters.end()) continue;
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if (run.run_type == Run::RT_Aggregate && !median) continue;
    const std::string& name = run.run_name.function_name;
    if (bytes_per_second_.count(name) == 0) order_.push_back(name);
    bytes_per_second_[name] = rate->second.value;  // the median, reported last, wins
  }
}

void ratio_reporter::Finalize() {
  inner_->Finalize();
  // Console output gets the table on stdout; machine formats keep stdout clean.
  std::ostream& out = dynamic_cast<benchmark::ConsoleReporter*>(inner_.get()) ? std::cout : std::cerr;
  out << "\nthroughput relative to memcpy of the same bytes (median when repeated)\n";
  char line[160];
  std::snprintf(line, sizeof line, "%-28s %14s %14s %9s\n", "benchmark", "MB/s", "memcpy MB/s", "ratio");
  out << line;
  for (const auto& name : order_) {
    const auto slash = name.find('/');
    const std::string workload = slash == std::string::npos ? "" : name.substr(slash);
    const auto base = bytes_per_second_.find("memcpy" + workload);
    if (name.rfind("memcpy", 0) == 0 || base == bytes_per_second_.end() || base->second <= 0) continue;
    const double value = bytes_per_second_.at(name);
    std::snprintf(line, sizeof line, "%-28s %14.1f %14.1f %8.1f%%\n", name.c_str(), value / 1e6,
                  base->second / 1e6, 100.0 * value / base->second);
    out << line;
  }
}

}  // namespace gearspec::bench
