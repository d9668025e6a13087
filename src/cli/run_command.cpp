// `gearspec run`, `gearspec list` and `gearspec report`.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "commands.hpp"
#include "gearspec/conformance/adapter_process.hpp"
#include "gearspec/conformance/case_loader.hpp"
#include "gearspec/conformance/known_failures.hpp"
#include "gearspec/conformance/report.hpp"
#include "gearspec/conformance/runner.hpp"
#include "gearspec/conformance/selftest.hpp"
#include "progress.hpp"

namespace gearspec::cli {
namespace {

namespace fs = std::filesystem;
namespace gc = gearspec::conformance;

/// Case selection shared by run and list.
struct selection {
  std::vector<std::string> suite;  // files or directories
  std::vector<std::string> cases;  // ID globs to keep
  std::vector<std::string> skip;   // ID globs to drop

  void add_options(CLI::App& app) {
    app.add_option("--suite", suite, "case files or directories (default: the shipped suite)");
    app.add_option("--cases", cases, "run only case IDs matching these globs (e.g. 'submit-bg/*')")
        ->delimiter(',');
    app.add_option("--skip", skip, "leave out case IDs matching these globs")->delimiter(',');
  }

  std::vector<gc::case_spec> all() const {
    return gc::load_cases(suite.empty() ? std::vector<std::string>{gc::default_cases_dir()} : suite);
  }

  std::vector<gc::case_spec> select(const std::vector<gc::case_spec>& from) const {
    std::vector<gc::case_spec> out;
    for (const auto& c : from) {
      bool keep = cases.empty();
      for (const auto& g : cases) keep = keep || gc::id_matches(g, c.id);
      for (const auto& g : skip) keep = keep && !gc::id_matches(g, c.id);
      if (keep) out.push_back(c);
    }
    return out;
  }
};

void write_file(const std::string& path, const std::string& content) {
  if (const auto dir = fs::path(path).parent_path(); !dir.empty()) fs::create_directories(dir);
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string file_name_for(const std::string& id) {
  std::string name = id;
  for (auto& ch : name)
    if (ch == '/' || ch == '\\' || ch == ' ') ch = '_';
  return name + ".log";
}

struct run_settings {
  selection sel;
  std::string client = "reference";
  std::string label;
  std::string scenario;
  std::string known_failures;
  std::string junit, json, html, wire_log;
  unsigned jobs = 0;
  int case_timeout_ms = 0;
  double global_timeout_s = 0;
  int startup_timeout_ms = 10000;
  bool verbose = false;
  bool no_progress = false;
  bool isolate = false;
};

int run(const run_settings& s) {
  const auto all = s.scenario.empty() ? s.sel.all() : gc::load_case_or_scenario(s.scenario);
  const auto chosen = s.sel.select(all);
  if (chosen.empty()) {
    std::cerr << "gearspec: no case selected (check --cases / --skip)\n";
    return exit_harness_error;
  }
  std::vector<gc::known_failure_entry> known;
  if (!s.known_failures.empty()) known = gc::load_known_failures(s.known_failures, all);

  gc::run_options o;
  o.adapter_argv = gc::resolve_client(s.client);
  o.client_label = !s.label.empty()          ? s.label
                   : s.client == "reference" ? "reference"
                                             : fs::path(o.adapter_argv.back()).stem().string();
  o.jobs = s.jobs;
  if (s.case_timeout_ms > 0) o.case_timeout_ms = s.case_timeout_ms;
  if (s.global_timeout_s > 0) o.global_timeout_ms = static_cast<int>(s.global_timeout_s * 1000);
  o.startup_timeout_ms = s.startup_timeout_ms;
  o.isolate = s.isolate;
  progress_line progress(!s.no_progress && ::isatty(2));
  o.on_result = [&](const gc::case_result& r, std::size_t done, std::size_t total) {
    progress.update(r, done, total);
  };

  auto suite = gc::run_suite(chosen, o);
  progress.finish();
  const auto gate = gc::apply_known_failures(known, s.known_failures, suite.results);

  gc::print_summary(std::cout, suite, gate, s.verbose, ::isatty(1));
  if (!s.junit.empty()) write_file(s.junit, gc::junit_xml(suite, gate));
  if (!s.json.empty()) write_file(s.json, gc::json_report(suite, gate));
  if (!s.html.empty()) write_file(s.html, gc::html_matrix({suite}));
  if (!s.wire_log.empty()) {
    fs::create_directories(s.wire_log);
    for (const auto& r : suite.results)
      write_file((fs::path(s.wire_log) / file_name_for(r.case_id)).string(),
                 r.case_id + ": " + r.title + "\ngrade: " + std::string(gc::to_string(r.verdict)) + "\n" +
                     r.summary() + "\n\n" + r.wire_log);
  }
  return gc::exit_status(gate, suite.results);
}

int list(const selection& sel, bool long_form, bool catches) {
  const auto cases = sel.select(sel.all());
  gc::validate_scenarios(cases);
  // --catches: which broken modes of the reference adapter each case fails.
  std::optional<gc::mode_coverage> coverage;
  if (catches) {
    gc::run_options o;
    o.adapter_argv = gc::resolve_client("reference");
    coverage = gc::broken_mode_coverage(cases, o, gc::list_broken_modes(o.adapter_argv));
  }
  std::size_t width = 8;
  for (const auto& c : cases) width = std::max(width, c.id.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    std::cout << c.id << std::string(width + 2 - c.id.size(), ' ') << std::string(gc::to_string(c.level))
              << std::string(c.level == gc::requirement::must ? 4 : 2, ' ') << c.section << "  " << c.title
              << "\n";
    if (long_form) std::cout << std::string(width + 2, ' ') << c.requirement_text << "\n";
    if (coverage) {
      std::string modes;
      for (const auto& m : coverage->caught_by[i]) modes += (modes.empty() ? "" : ", ") + m;
      std::cout << std::string(width + 2, ' ') << "catches: " << (modes.empty() ? "(no broken mode)" : modes)
                << "\n";
    }
  }
  std::cerr << cases.size() << " case(s)\n";
  if (coverage) {
    const auto uncaught = gc::uncaught_cases(cases, *coverage);
    std::cerr << uncaught.size() << " MUST/SHOULD case(s) that no broken mode fails\n";
    if (!uncaught.empty()) return exit_failures;
  }
  return exit_conforming;
}

int report(const std::vector<std::string>& inputs, const std::string& html, const std::string& markdown) {
  std::vector<gc::suite_result> suites;
  for (const auto& in : inputs) suites.push_back(gc::parse_json_report(read_file(in), in));
  if (!html.empty()) write_file(html, gc::html_matrix(suites));
  if (!markdown.empty()) write_file(markdown, gc::markdown_summary(suites));
  return exit_conforming;
}

}  // namespace

int main_commands(int argc, char** argv) {
  CLI::App app{"gearspec: conformance runner for Gearman client libraries"};
  app.require_subcommand(1);
  app.footer("Exit status: 0 conforming, 1 failures (or stale known failures), 2 harness error.");

  run_settings rs;
  auto* run_cmd = app.add_subcommand("run", "run the conformance suite against a client adapter");
  run_cmd
      ->add_option("--client", rs.client,
                   "adapter command line (ADAPTER.md); 'reference' = the built-in reference client")
      ->capture_default_str();
  run_cmd->add_option("--label", rs.label, "client name in reports (default: from --client)");
  rs.sel.add_options(*run_cmd);
  run_cmd->add_option("--scenario", rs.scenario,
                      "run one case file, or a bare gearmock scenario with one background submit");
  run_cmd->add_option(
      "--known-failures", rs.known_failures,
      "file of case IDs/globs that may fail; a listed case that passes fails the run (stale)");
  run_cmd->add_option("--case-timeout", rs.case_timeout_ms, "ms to wait for each answer (default: per case)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--timeout", rs.global_timeout_s, "seconds for the whole run (default: none)")
      ->check(CLI::PositiveNumber);
  run_cmd->add_option("--startup-timeout", rs.startup_timeout_ms, "ms for an adapter to answer hello")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run_cmd->add_option("--junit", rs.junit, "write JUnit XML here");
  run_cmd->add_option("--json", rs.json, "write the JSON report here");
  run_cmd->add_option("--html", rs.html, "write the self-contained HTML report here");
  run_cmd->add_option("--wire-log", rs.wire_log, "write one wire log per case into this directory");
  run_cmd->add_option("-j,--jobs", rs.jobs, "cases in parallel (default: number of cores)")
      ->check(CLI::Range(1u, 256u));
  run_cmd->add_flag("-v,--verbose", rs.verbose, "list every case, not only those that are not OK");
  run_cmd->add_flag("--no-progress", rs.no_progress, "no progress line on the terminal");
  run_cmd->add_flag("--isolate", rs.isolate,
                    "a fresh adapter process for every case (default: each of the --jobs workers keeps one "
                    "process for consecutive cases, restarted after a crash, hang, garbage answer or exit)");

  selection ls;
  bool long_form = false;
  auto* list_cmd = app.add_subcommand("list", "list case IDs, requirement levels, spec sections and titles");
  ls.add_options(*list_cmd);
  list_cmd->add_flag("-l,--long", long_form, "also print the requirement each case checks");
  bool catches = false;
  list_cmd->add_flag(
      "--catches", catches,
      "run every case against each broken mode of the reference adapter and print which modes it "
      "fails (exit 1 if a MUST/SHOULD case fails none)");

  std::vector<std::string> inputs;
  std::string html_out, markdown_out;
  auto* report_cmd = app.add_subcommand(
      "report", "combine JSON reports of several clients into one HTML matrix / Markdown table");
  report_cmd->add_option("--html", html_out, "write the cases x clients HTML matrix here");
  report_cmd->add_option("--markdown", markdown_out, "write the Markdown summary (docs/results.md) here");
  report_cmd->add_option("reports", inputs, "JSON reports written by `gearspec run --json`")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_conforming : exit_harness_error;
  }
  try {
    if (*run_cmd) return run(rs);
    if (*list_cmd) return list(ls, long_form, catches);
    if (*report_cmd) {
      if (html_out.empty() && markdown_out.empty())
        throw std::runtime_error("report needs --html and/or --markdown");
      return report(inputs, html_out, markdown_out);
    }
  } catch (const std::exception& e) {
    std::cerr << "gearspec: " << e.what() << "\n";
    return exit_harness_error;
  }
  return exit_harness_error;
}

}  // namespace gearspec::cli
