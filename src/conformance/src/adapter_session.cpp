#include "gearspec/conformance/adapter_session.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gearspec::conformance {

std::optional<long long> answer_id(const std::string& line) {
  const auto o = nlohmann::json::parse(line, nullptr, false);
  if (o.is_discarded() || !o.is_object()) return std::nullopt;
  const auto it = o.find("id");
  if (it == o.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<long long>();
}

adapter_process::io_status adapter_session::read_answer(std::string& line, clock::time_point deadline,
                                                        std::vector<std::string>& late) {
  for (;;) {
    const auto st = proc_.read_line(line, deadline);
    if (st != adapter_process::io_status::done) return st;
    const auto id = answer_id(line);
    if (!id || *id < 0 || *id >= first_id_of_case_) return st;
    late.push_back(line);
  }
}

void adapter_session::collect_idle_output(std::vector<std::string>& lines, std::string& stderr_text) {
  proc_.drain();
  std::string line;
  while (proc_.read_line(line, clock::now()) == adapter_process::io_status::done) lines.push_back(line);
  stderr_text = proc_.take_stderr();
}

void grade_exit(const exit_info& exit, const std::string& context, case_result& r) {
  if (exit.signaled)
    add_finding(r, grade::crashed, "the adapter exits normally after answering", exit.describe() + context);
  else if (exit.code != 0)
    add_finding(r, grade::failed, "the adapter exits with status 0 when its stdin closes",
                exit.describe() + context);
}

std::string end_process(adapter_process& proc, int exit_timeout_ms, clock::time_point hard_deadline,
                        bool graded, const std::string& context, case_result& r) {
  proc.close_stdin();
  if (!proc.wait_exit(std::min(clock::now() + std::chrono::milliseconds(exit_timeout_ms), hard_deadline))) {
    proc.kill();
    if (graded)
      add_finding(r, grade::hung, "the adapter exits when its stdin closes",
                  "still running after " + std::to_string(exit_timeout_ms) + " ms; killed" + context);
    return "killed by gearspec (still running " + std::to_string(exit_timeout_ms) +
           " ms after its stdin closed)";
  }
  if (graded) grade_exit(proc.exit(), context, r);
  return proc.exit().describe();
}

}  // namespace gearspec::conformance
