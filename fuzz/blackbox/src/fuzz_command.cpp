#include "gearspec/blackbox/fuzz_command.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>

#include "gearspec/blackbox/campaign.hpp"
#include "gearspec/conformance/adapter_process.hpp"

namespace gearspec::blackbox {

namespace {

constexpr int exit_clean = 0;
constexpr int exit_findings = 1;
constexpr int exit_harness_error = 2;

/// "60s", "500ms", "2m", "1h" or a plain number of seconds.
std::optional<double> parse_duration(const std::string& text) {
  static const std::regex form(R"(^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) return std::nullopt;
  const double value = std::stod(m[1].str());
  const std::string unit = m[2].str();
  const double scale = unit == "ms" ? 0.001 : unit == "m" ? 60 : unit == "h" ? 3600 : 1;
  return value * scale;
}

void print_finding(const saved_finding& f) {
  std::cout << "finding " << to_string(f.kind) << " [" << f.signature << "] " << f.summary
            << "\n  case: " << f.case_file << "\n  bytes: " << f.bytes_file << std::endl;
}

}  // namespace

int fuzz_command(int argc, char** argv) {
  CLI::App app{"gearspec fuzz: black-box fuzzing of a client library through its adapter (ADAPTER.md)"};
  app.name("gearspec fuzz");
  app.footer("Exit status: 0 no findings, 1 findings, 2 harness error or bad flags.");
  std::string client;
  std::string time_text;
  std::uint64_t runs = 0;
  campaign_options opts;
  std::optional<std::uint64_t> seed;
  app.add_option("--client", client,
                 "adapter command line (ADAPTER.md); 'reference' = the built-in reference client")
      ->required();
  auto* time_opt = app.add_option("--time", time_text, "time budget: 60s, 500ms, 2m, or seconds");
  auto* runs_opt = app.add_option("--runs", runs, "number of adapter runs")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "PRNG seed, for a reproducible campaign (default: from the clock, printed)");
  app.add_option("--out", opts.out_dir, "folder for findings (case file + reply bytes)")
      ->capture_default_str();
  app.add_option("-j,--jobs", opts.parallel, "adapters running at once")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  app.add_option("--job-timeout", opts.trials.job_timeout_ms, "ms: the timeout_ms given to the library")
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  app.add_option(
         "--role", opts.trials.side,
         "client: mutated replies to background submits (op submit); worker: mutated assignment and NOOP "
         "streams to a worker's grab (op work)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, role>{{"client", role::client}, {"worker", role::worker}}))
      ->capture_default_str();
  app.add_option("--grace", opts.trials.answer_grace_ms, "ms beyond the job timeout before an answer is HUNG")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
    if (time_opt->count() == 0 && runs_opt->count() == 0)
      throw CLI::ValidationError("--time or --runs", "give a budget: --time DURATION or --runs N (or both)");
    if (time_opt->count()) {
      opts.seconds = parse_duration(time_text);
      if (!opts.seconds || *opts.seconds <= 0)
        throw CLI::ValidationError("--time",
                                   "'" + time_text + "' is not a positive duration (e.g. 60s, 500ms, 2m)");
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "gearspec fuzz: " << e.what() << "\n";
    return exit_harness_error;
  }
  if (runs_opt->count()) opts.runs = runs;
  opts.seed = seed ? *seed
                   : static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) %
                         1000000007u;

  try {
    opts.adapter_argv = conformance::resolve_client(client);
    opts.client_label = client;
    std::cout << "gearspec fuzz: client '" << client << "' ("
              << (opts.trials.side == role::worker ? "worker" : "client") << " role), seed " << opts.seed
              << ", " << opts.parallel << " adapter(s) at once, job timeout " << opts.trials.job_timeout_ms
              << " ms, findings in " << opts.out_dir << "/" << std::endl;
    const auto result = run_campaign(opts, print_finding);

    const double rate = result.seconds > 0 ? static_cast<double>(result.runs) / result.seconds : 0;
    char rate_text[32];
    std::snprintf(rate_text, sizeof rate_text, "%.1f", rate);
    std::cout << "runs: " << result.runs << " in " << result.seconds << " s (" << rate_text << " runs/s)\n";
    std::cout << "findings: " << result.findings.size() << " unique";
    for (const auto [kind, name] : finding_kind_names) {
      std::uint64_t unique = 0;
      for (const auto& f : result.findings) unique += f.kind == kind;
      const auto trials = result.trials_by_kind.count(kind) ? result.trials_by_kind.at(kind) : 0;
      std::cout << ", " << name << " " << unique << " (" << trials << " runs)";
    }
    std::cout << ", not reproduced alone " << result.unconfirmed << std::endl;
    if (result.harness_errors > 0) {
      std::cerr << "gearspec fuzz: " << result.harness_errors
                << " run(s) could not be played (harness error), first: " << result.first_harness_error
                << "\n";
      return exit_harness_error;
    }
    return result.findings.empty() ? exit_clean : exit_findings;
  } catch (const std::exception& e) {
    std::cerr << "gearspec fuzz: " << e.what() << "\n";
    return exit_harness_error;
  }
}

}  // namespace gearspec::blackbox
