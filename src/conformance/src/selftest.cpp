#include "gearspec/conformance/selftest.hpp"

#include "gearspec/conformance/adapter_process.hpp"

namespace gearspec::conformance {

std::vector<std::string> list_broken_modes(const std::vector<std::string>& adapter_argv) {
  auto argv = adapter_argv;
  argv.push_back("--list-breaks");
  adapter_process proc(argv);
  proc.close_stdin();
  const auto deadline = clock::now() + std::chrono::seconds(10);
  std::vector<std::string> modes;
  std::string line;
  while (proc.read_line(line, deadline) == adapter_process::io_status::done)
    if (!line.empty()) modes.push_back(line);
  if (!proc.wait_exit(deadline)) proc.kill();
  if (proc.exit().signaled || proc.exit().code != 0)
    throw spawn_error("the adapter does not list broken modes (--list-breaks: " + proc.exit().describe() +
                      ")");
  return modes;
}

bool catches(grade clean, grade broken) noexcept {
  return broken > clean && broken >= grade::non_strict && broken != grade::harness_error;
}

mode_coverage broken_mode_coverage(const std::vector<case_spec>& cases, const run_options& base,
                                   const std::vector<std::string>& modes) {
  mode_coverage out;
  out.clean = run_suite(cases, base);
  out.modes = modes;
  out.caught_by.resize(cases.size());
  for (const auto& mode : modes) {
    run_options o = base;
    o.adapter_argv.push_back("--break=" + mode);
    o.client_label = mode;
    out.broken.push_back(run_suite(cases, o));
    const auto& run = out.broken.back();
    for (std::size_t i = 0; i < cases.size(); ++i)
      if (catches(out.clean.results[i].verdict, run.results[i].verdict)) out.caught_by[i].push_back(mode);
  }
  return out;
}

std::vector<std::string> uncaught_cases(const std::vector<case_spec>& cases, const mode_coverage& coverage) {
  std::vector<std::string> out;
  // A case the correct client does not pass is failable already.
  for (std::size_t i = 0; i < cases.size(); ++i)
    if (cases[i].level != requirement::may && coverage.caught_by[i].empty() &&
        coverage.clean.results[i].verdict <= grade::informational)
      out.push_back(cases[i].id);
  return out;
}

}  // namespace gearspec::conformance
