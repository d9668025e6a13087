// gearmock (queue mode) against the real gearmand, side by side from one run:
// background submits per second at 25k, 200k and 2M queued jobs, memory per
// queued job, the worst submit-to-JOB_CREATED wait, and the reference
// client's one-batch figure against gearmock.
//
//   gearmock-queue-bench [--quick] [--levels N,N,...] [--reps R] [--conns C]
//                        [--gearmock PATH] [--baseline PATH] [--no-gearmand]
//
// Every server is started fresh by the bench on 127.0.0.1 and stopped at the
// end; gearmand is run twice, stock and with --threads=1
// --hashtable-buckets=200003 (stock gearmand stops at 200k: filling 2M at its
// ~25k/s would take minutes). Per level: fill to the level with C pipelining
// connections, then R timed windows of distinct-unique, 100-byte submits.
// The CPU used by other processes during the windows is measured; above
// 0.3 cores the level's windows are measured once more (the queue grows by
// those windows too: the report shows the queue range actually measured).
// A probe connection submits one job per millisecond throughout and records
// its round trips. --baseline adds another gearmock binary (e.g. an older
// build) as one more column.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../bench_args.hpp"
#include "load_tools.hpp"
#include "reference_batch.hpp"

namespace {

namespace gb = gearspec::bench;
using clock_type = std::chrono::steady_clock;

constexpr double busy_cores = 0.3;

struct stats {
  double median = 0, min = 0, max = 0;
};
stats summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

struct level_result {
  std::size_t level = 0;
  std::size_t queued_from = 0, queued_to = 0;  // queue size over the timed windows
  double fill_rate = 0;
  stats rate;
  std::uint64_t peak_rss = 0;  // VmHWM after filling to the level
  double bytes_per_job = 0;    // (peak RSS - idle RSS) / jobs queued, after the fill
  gb::latency_probe::result latency;
  double other_cores = 0;  // CPU used by other processes during the windows
  int attempts = 0;
};

struct server_result {
  std::string label;
  std::uint64_t idle_rss = 0;
  std::map<std::size_t, level_result> levels;
};

struct config {
  std::string label;
  std::vector<std::string> argv;
  bool port_from_stdout;
  std::size_t max_level;
};

struct settings {
  std::vector<std::size_t> levels{25'000, 200'000, 2'000'000};
  int reps = 3;
  int conns = 4;
  std::size_t client_jobs = 100'000;
  std::string gearmock = GEARMOCK_PATH;
  std::string baseline;
  bool gearmand = true;
};

std::size_t window_for(std::size_t level) { return level >= 1'000'000 ? 100'000 : 25'000; }

/// CPU seconds the machine spent on anything but this bench and `srv`.
double other_cpu(const gb::server_process& srv) {
  return gb::machine_busy_seconds() - gb::own_cpu_seconds() - srv.cpu_seconds();
}

server_result measure(const config& cfg, const settings& s) {
  server_result out;
  out.label = cfg.label;
  gb::server_process srv{cfg.label, cfg.argv, cfg.port_from_stdout};
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  out.idle_rss = srv.memory("VmRSS:");
  std::size_t queued = 0;
  for (const auto level : s.levels) {
    if (level > cfg.max_level) continue;
    level_result r;
    r.level = level;
    gb::latency_probe probe{srv.port()};
    if (queued < level) {
      r.fill_rate = gb::submit_window(srv.port(), s.conns, level - queued);
      queued = level;
    }
    r.peak_rss = srv.memory("VmHWM:");
    const std::size_t jobs_now = queued + probe.submitted();
    r.bytes_per_job = static_cast<double>(r.peak_rss - out.idle_rss) / static_cast<double>(jobs_now);
    const std::size_t window = window_for(level);
    for (r.attempts = 1;; ++r.attempts) {
      r.queued_from = queued + probe.submitted();
      const double other_before = other_cpu(srv);
      const auto start = clock_type::now();
      std::vector<double> rates;
      for (int i = 0; i < s.reps; ++i) rates.push_back(gb::submit_window(srv.port(), s.conns, window));
      queued += window * static_cast<std::size_t>(s.reps);
      const double wall = std::chrono::duration<double>(clock_type::now() - start).count();
      r.other_cores = std::max(0.0, (other_cpu(srv) - other_before) / wall);
      r.rate = summarize(rates);
      r.queued_to = queued + probe.submitted();
      if (r.other_cores <= busy_cores || r.attempts == 2) break;
      std::fprintf(stderr, "%s at %zu: other processes used %.2f cores; measuring again\n", cfg.label.c_str(),
                   level, r.other_cores);
    }
    r.latency = probe.stop();
    queued += r.latency.submits;
    std::fprintf(stderr,
                 "%-16s %8zu queued: %9.0f submits/s (fill %9.0f/s), %5.0f B/job, worst wait %.2f ms\n",
                 cfg.label.c_str(), level, r.rate.median, r.fill_rate, r.bytes_per_job, r.latency.worst_ms);
    out.levels[level] = r;
  }
  return out;
}

/// The reference client's batch against fresh gearmock processes: median jobs/s.
double reference_client_rate(const config& cfg, const settings& s) {
  std::vector<double> rates;
  for (int i = 0; i < s.reps; ++i) {
    gb::server_process srv{cfg.label, cfg.argv, true};
    const auto secs = gb::reference_batch(srv.port(), s.client_jobs);
    if (!secs) return 0;
    rates.push_back(static_cast<double>(s.client_jobs) / *secs);
  }
  return summarize(rates).median;
}

std::string rate_text(double r) {
  char b[32];
  if (r >= 1e6)
    std::snprintf(b, sizeof b, "%.2fM", r / 1e6);
  else
    std::snprintf(b, sizeof b, "%.0fk", r / 1e3);
  return b;
}

std::vector<std::size_t> parse_list(const std::string& text) {
  std::vector<std::size_t> out;
  std::stringstream in{text};
  for (std::string item; std::getline(in, item, ',');)
    out.push_back(gearspec::bench::flag_number("--levels", item.c_str(), 1, 100'000'000));
  return out;
}

void print_report(const std::vector<server_result>& all, const settings& s, double client_rate,
                  double baseline_client_rate) {
  const server_result& mock = all.front();
  auto cell = [](const server_result& r, std::size_t level) -> const level_result* {
    auto it = r.levels.find(level);
    return it == r.levels.end() ? nullptr : &it->second;
  };
  std::printf(
      "\n== Background submits/s: %d connections, 100-byte workloads, distinct uniques; median (min-max) of "
      "%d windows ==\n",
      s.conns, s.reps);
  std::printf("%-9s", "queued");
  for (const auto& r : all) std::printf(" | %-27s", r.label.c_str());
  std::printf(" | %s\n", "gearmock / other");
  for (const auto level : s.levels) {
    std::printf("%-9zu", level);
    for (const auto& r : all) {
      const auto* c = cell(r, level);
      std::string text = "(not measured)";
      if (c)
        text = rate_text(c->rate.median) + " (" + rate_text(c->rate.min) + "-" + rate_text(c->rate.max) + ")";
      std::printf(" | %-27s", text.c_str());
    }
    std::printf(" |");
    const auto* m = cell(mock, level);
    for (std::size_t i = 1; i < all.size(); ++i)
      if (const auto* c = cell(all[i], level); c && m)
        std::printf(" %s %.2fx", all[i].label.c_str(), m->rate.median / c->rate.median);
    std::printf("\n");
  }
  std::printf("\nQueue size over the timed windows (includes the windows' own jobs):\n");
  for (const auto& r : all)
    for (const auto& [level, c] : r.levels)
      std::printf("  %-16s level %8zu: %zu-%zu, measured %d time(s), other processes %.2f cores\n",
                  r.label.c_str(), level, c.queued_from, c.queued_to, c.attempts, c.other_cores);

  if (const auto* ref = cell(mock, 200'000)) {
    std::printf("\ngearmock flatness (rate / rate at 200000 queued):");
    for (const auto& [level, c] : mock.levels)
      std::printf("  %zu: %.2f", level, c.rate.median / ref->rate.median);
    std::printf("\n");
  }

  std::printf("\n== Memory after filling to each level: peak RSS, (peak RSS - idle RSS) / jobs queued ==\n");
  for (const auto& r : all) {
    std::printf("%-16s idle %6.1f MiB", r.label.c_str(), static_cast<double>(r.idle_rss) / (1 << 20));
    for (const auto& [level, c] : r.levels)
      std::printf(" | %zu: %7.1f MiB, %4.0f B/job", level, static_cast<double>(c.peak_rss) / (1 << 20),
                  c.bytes_per_job);
    std::printf("\n");
  }

  std::printf(
      "\n== Submit-to-JOB_CREATED of a probe connection (1 submit/ms during fill and windows): worst, p99, "
      "median ==\n");
  for (const auto& r : all) {
    std::printf("%-16s", r.label.c_str());
    for (const auto& [level, c] : r.levels)
      std::printf(" | %zu: %s%.2f / %.2f / %.2f ms (%zu)", level, c.latency.unanswered ? ">=" : "",
                  c.latency.worst_ms, c.latency.p99_ms, c.latency.median_ms, c.latency.submits);
    std::printf("\n");
  }

  std::printf(
      "\n== Reference client: one batch of %zu background submits (run_tasks), median of %d, fresh server "
      "each ==\n",
      s.client_jobs, s.reps);
  std::printf("%-16s %s jobs/s\n", mock.label.c_str(), rate_text(client_rate).c_str());
  if (!s.baseline.empty())
    std::printf("%-16s %s jobs/s (ratio %.2fx)\n", "gearmock-base", rate_text(baseline_client_rate).c_str(),
                client_rate / baseline_client_rate);
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--quick") {
      s.levels = {25'000, 200'000};
      s.reps = 1;
    } else if (a == "--levels" && has_value) {
      s.levels = parse_list(argv[++i]);
    } else if (a == "--reps" && has_value) {
      s.reps = static_cast<int>(gearspec::bench::flag_number("--reps", argv[++i], 1, 1000));
    } else if (a == "--conns" && has_value) {
      s.conns = static_cast<int>(gearspec::bench::flag_number("--conns", argv[++i], 1, 1000));
    } else if (a == "--gearmock" && has_value) {
      s.gearmock = argv[++i];
    } else if (a == "--baseline" && has_value) {
      s.baseline = argv[++i];
    } else if (a == "--no-gearmand") {
      s.gearmand = false;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--quick] [--levels N,N,...] [--reps R] [--conns C] [--gearmock PATH] "
                   "[--baseline PATH] [--no-gearmand]\n",
                   argv[0]);
      return 2;
    }
  }
  std::sort(s.levels.begin(), s.levels.end());

  std::vector<config> configs{{"gearmock", {s.gearmock, "--listen", "127.0.0.1:0"}, true, SIZE_MAX}};
  if (!s.baseline.empty())
    configs.push_back({"gearmock-base", {s.baseline, "--listen", "127.0.0.1:0"}, true, SIZE_MAX});
  if (s.gearmand && ::access("/usr/sbin/gearmand", X_OK) == 0) {
    configs.push_back({"gearmand-tuned",
                       {"/usr/sbin/gearmand", "-L", "127.0.0.1", "--log-file", "none", "--threads=1",
                        "--hashtable-buckets=200003"},
                       false,
                       SIZE_MAX});
    configs.push_back(
        {"gearmand", {"/usr/sbin/gearmand", "-L", "127.0.0.1", "--log-file", "none"}, false, 200'000});
  } else if (s.gearmand) {
    std::fprintf(stderr, "note: /usr/sbin/gearmand not installed; measuring gearmock only\n");
  }

  const auto started = clock_type::now();
  const std::string load_before = gb::load_average();
  std::fprintf(stderr, "load average before: %s (%ld cores)\n", load_before.c_str(),
               ::sysconf(_SC_NPROCESSORS_ONLN));
  std::vector<server_result> all;
  try {
    for (const auto& cfg : configs) all.push_back(measure(cfg, s));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  const double client_rate = reference_client_rate(configs[0], s);
  const double baseline_client_rate = s.baseline.empty() ? 0 : reference_client_rate(configs[1], s);
  const std::string load_after = gb::load_average();

  std::printf("load average before: %s   after: %s   (%ld cores; the bench itself keeps ~2 busy)\n",
              load_before.c_str(), load_after.c_str(), ::sysconf(_SC_NPROCESSORS_ONLN));
  print_report(all, s, client_rate, baseline_client_rate);
  std::printf("\nTotal time %.0f s\n", std::chrono::duration<double>(clock_type::now() - started).count());
  return 0;
}
