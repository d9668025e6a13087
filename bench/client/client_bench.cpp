// Background-submit throughput: the reference client vs the real libgearman
// 1.1.20, side by side in one run, against the real gearmand (stock and with
// a large unique hash) and against gearmock in queue mode.
//
//   (a) batch:  N background submits of 100-byte workloads, one pipelined batch
//   (b) single: one do_background at a time
//
// Every figure is the median of --reps runs, each on a fresh server. Real
// libgearman's single 100k batch is very slow (its batch path grows faster
// than linearly: ~630 jobs/s measured), so it runs a capped batch
// (--lib-batch) and, for its best figure, chunks of 1000 per run_tasks.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../bench_args.hpp"
#include "gearspec/client/client.hpp"
#include "gearspec/test/real_gearmand.hpp"
#include "reference_batch.hpp"

#ifdef GEARSPEC_BENCH_HAVE_LIBGEARMAN
#include <libgearman-1.0/gearman.h>
#endif
#ifdef GEARSPEC_BENCH_HAVE_MOCK
#include "gearspec/mock/server.hpp"
#endif

namespace {

namespace gc = gearspec::client;
using clock_type = std::chrono::steady_clock;

struct settings {
  std::size_t jobs = 100000;
  std::size_t single = 20000;
  std::size_t lib_batch = 5000;
  std::size_t chunk = 1000;
  int reps = 3;
  bool gearmand = true;
  bool mock = true;
};

const std::string& workload = gearspec::bench::bench_workload();

using gearspec::bench::bench_unique;

// A running server for one measurement.
struct server_handle {
  std::uint16_t port = 0;
  std::shared_ptr<void> keep_alive;
};
using server_factory = std::function<server_handle()>;

// Returns seconds, or nullopt when a submit failed.
using client_run = std::function<std::optional<double>(std::uint16_t port, std::size_t jobs)>;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

// ---- reference client ----------------------------------------------------
using gearspec::bench::reference_batch;

std::optional<double> reference_single(std::uint16_t port, std::size_t jobs) {
  gc::client c;
  c.add_server("127.0.0.1", port);
  c.set_timeout(120000);
  std::string handle;
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < jobs; ++i) {
    if (c.do_background({"bench_fn", bench_unique(i), workload}, handle) != gc::return_code::success) {
      std::fprintf(stderr, "reference single: %s\n", c.error().c_str());
      return std::nullopt;
    }
  }
  return seconds_since(start);
}

#ifdef GEARSPEC_BENCH_HAVE_LIBGEARMAN
// ---- real libgearman ---------------------------------------------------------
using libgearman_client_ptr = std::unique_ptr<gearman_client_st, decltype(&gearman_client_free)>;

libgearman_client_ptr libgearman_client(std::uint16_t port) {
  libgearman_client_ptr c{gearman_client_create(nullptr), &gearman_client_free};
  gearman_client_add_server(c.get(), "127.0.0.1", port);
  gearman_client_set_timeout(c.get(), 120000);
  return c;
}

std::optional<double> libgearman_chunked(std::uint16_t port, std::size_t jobs, std::size_t chunk) {
  const libgearman_client_ptr c = libgearman_client(port);
  std::vector<std::string> uniques(jobs);
  for (std::size_t i = 0; i < jobs; ++i) uniques[i] = bench_unique(i);
  std::vector<gearman_task_st*> tasks;
  tasks.reserve(chunk);
  bool ok = true;
  const auto start = clock_type::now();
  for (std::size_t first = 0; first < jobs && ok; first += chunk) {
    tasks.clear();
    for (std::size_t i = first; i < std::min(jobs, first + chunk); ++i) {
      gearman_return_t rc;
      tasks.push_back(gearman_client_add_task_background(
          c.get(), nullptr, nullptr, "bench_fn", uniques[i].c_str(), workload.data(), workload.size(), &rc));
      ok = ok && rc == GEARMAN_SUCCESS;
    }
    ok = ok && gearman_client_run_tasks(c.get()) == GEARMAN_SUCCESS;
    for (gearman_task_st* t : tasks) {
      ok = ok && gearman_task_return(t) == GEARMAN_SUCCESS;
      gearman_task_free(t);
    }
  }
  return ok ? std::optional{seconds_since(start)} : std::nullopt;
}

std::optional<double> libgearman_single(std::uint16_t port, std::size_t jobs) {
  const libgearman_client_ptr c = libgearman_client(port);
  gearman_job_handle_t handle;
  bool ok = true;
  const auto start = clock_type::now();
  for (std::size_t i = 0; i < jobs && ok; ++i) {
    ok = gearman_client_do_background(c.get(), "bench_fn", bench_unique(i).c_str(), workload.data(),
                                      workload.size(), handle) == GEARMAN_SUCCESS;
  }
  return ok ? std::optional{seconds_since(start)} : std::nullopt;
}
#endif

// Median jobs/s over `reps` runs, each on a fresh server; 0 when a run failed.
double median_rate(const server_factory& make_server, const client_run& run, std::size_t jobs, int reps) {
  std::vector<double> rates;
  for (int r = 0; r < reps; ++r) {
    const server_handle server = make_server();
    const std::optional<double> seconds = run(server.port, jobs);
    if (!seconds) return 0;
    rates.push_back(static_cast<double>(jobs) / *seconds);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

void print_row(const char* server, const std::string& mode, double reference, const std::string& lib_mode,
               double lib) {
  std::printf("| %-28s | %-26s | %12.0f | %-30s | %12.0f | %7s |\n", server, mode.c_str(), reference,
              lib_mode.c_str(), lib, lib > 0 ? std::to_string(reference / lib).substr(0, 6).c_str() : "n/a");
}

void bench_server(const char* name, const server_factory& make_server, const settings& s) {
  const std::string batch_mode = "batch " + std::to_string(s.jobs);
  const std::string single_mode = "do_background x" + std::to_string(s.single);
  const double ref_batch = median_rate(make_server, reference_batch, s.jobs, s.reps);
  const double ref_single = median_rate(make_server, reference_single, s.single, s.reps);
#ifdef GEARSPEC_BENCH_HAVE_LIBGEARMAN
  const client_run lib_one_batch = [&](std::uint16_t port, std::size_t jobs) {
    return libgearman_chunked(port, jobs, jobs);
  };
  const client_run lib_chunks = [&](std::uint16_t port, std::size_t jobs) {
    return libgearman_chunked(port, jobs, s.chunk);
  };
  const double lib_capped = median_rate(make_server, lib_one_batch, s.lib_batch, 1);
  const double lib_chunked = median_rate(make_server, lib_chunks, s.jobs, s.reps);
  const double lib_single = median_rate(make_server, libgearman_single, s.single, s.reps);
  print_row(name, batch_mode, ref_batch, "one batch of " + std::to_string(s.lib_batch) + " (capped)",
            lib_capped);
  print_row(name, batch_mode, ref_batch, std::to_string(s.jobs) + " in chunks of " + std::to_string(s.chunk),
            lib_chunked);
  print_row(name, single_mode, ref_single, single_mode, lib_single);
#else
  print_row(name, batch_mode, ref_batch, "libgearman not built", 0);
  print_row(name, single_mode, ref_single, "libgearman not built", 0);
#endif
}

server_factory gearmand_factory(std::vector<std::string> options) {
  return [options] {
    auto server = std::make_shared<gearspec::test::real_gearmand>(options);
    return server_handle{server->port(), server};
  };
}

}  // namespace

int main(int argc, char** argv) {
  settings s;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&](std::size_t& out) {
      if (i + 1 < argc) out = gearspec::bench::flag_number(arg, argv[++i], 1, 100'000'000);
    };
    if (arg == "--jobs")
      value(s.jobs);
    else if (arg == "--single")
      value(s.single);
    else if (arg == "--lib-batch")
      value(s.lib_batch);
    else if (arg == "--chunk")
      value(s.chunk);
    else if (arg == "--reps" && i + 1 < argc)
      s.reps = static_cast<int>(gearspec::bench::flag_number(arg, argv[++i], 1, 1000));
    else if (arg == "--no-gearmand")
      s.gearmand = false;
    else if (arg == "--no-mock")
      s.mock = false;
    else {
      std::fprintf(stderr,
                   "usage: %s [--jobs N] [--single N] [--lib-batch N] [--chunk N] [--reps N] [--no-gearmand] "
                   "[--no-mock]\n",
                   argv[0]);
      return 2;
    }
  }
  std::printf(
      "background submits, 100-byte workloads, explicit distinct uniques; median of %d runs, fresh server "
      "each\n\n",
      s.reps);
  std::printf("| %-28s | %-26s | %12s | %-30s | %12s | %7s |\n", "server", "reference mode", "ref jobs/s",
              "libgearman mode", "lib jobs/s", "ratio");
  std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(30, '-').c_str(), std::string(28, '-').c_str(),
              std::string(14, '-').c_str(), std::string(32, '-').c_str(), std::string(14, '-').c_str(),
              std::string(9, '-').c_str());
  std::fflush(stdout);
  if (s.gearmand && !gearspec::test::gearmand_path().empty()) {
    // gearmand's own default thread count (the fixture's default is one thread).
    bench_server("gearmand stock (4 threads)", gearmand_factory({"--threads=4"}), s);
    std::fflush(stdout);
    bench_server("gearmand buckets=200003 thr=1",
                 gearmand_factory({"--hashtable-buckets=200003", "--threads=1"}), s);
    std::fflush(stdout);
  } else if (s.gearmand) {
    std::printf("(gearmand not installed: skipped)\n");
  }
#ifdef GEARSPEC_BENCH_HAVE_MOCK
  if (s.mock) {
    bench_server(
        "gearmock queue mode",
        [] {
          gearspec::mock::options o;
          o.journal_in_memory = false;
          auto server = std::make_shared<gearspec::mock::server>(o);
          server->start();
          return server_handle{server->port(), server};
        },
        s);
  }
#endif
  return 0;
}
