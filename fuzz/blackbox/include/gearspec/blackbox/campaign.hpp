// A black-box campaign: trials in parallel batches until a run count or a
// time budget is reached, each graded by the conformance runner, findings
// deduplicated and saved as replayable case files plus the exact reply bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gearspec/blackbox/trial.hpp"
#include "gearspec/conformance/names.hpp"

namespace gearspec::blackbox {

enum class finding_kind { crashed, hung, misbehaved };
inline constexpr conformance::named<finding_kind> finding_kind_names[] = {
    {finding_kind::crashed, "CRASHED"},
    {finding_kind::hung, "HUNG"},
    {finding_kind::misbehaved, "MISBEHAVED"}};
inline std::string_view to_string(finding_kind k) noexcept {
  return conformance::name_in(finding_kind_names, k);
}

struct campaign_options {
  std::vector<std::string> adapter_argv;
  std::string client_label;
  std::optional<std::uint64_t> runs;  ///< stop after this many trials
  std::optional<double> seconds;      ///< stop starting trials after this long
  std::uint64_t seed = 1;
  unsigned parallel = 16;  ///< adapters running at once
  std::string out_dir = "gearspec-fuzz-findings";
  trial_settings trials;
};

struct saved_finding {
  finding_kind kind = finding_kind::misbehaved;
  std::string signature;   ///< kind + hex of the reply's first bytes
  std::string summary;     ///< the grader's words
  std::string case_file;   ///< path of the replayable case
  std::string bytes_file;  ///< path of the exact reply bytes
  std::uint64_t hits = 0;  ///< trials that fell in this bucket
};

struct campaign_result {
  std::uint64_t runs = 0;
  double seconds = 0;
  std::uint64_t harness_errors = 0;
  std::string first_harness_error;
  std::uint64_t unconfirmed = 0;        ///< findings that did not reproduce when replayed alone (not saved)
  std::vector<saved_finding> findings;  ///< unique, in discovery order
  std::map<finding_kind, std::uint64_t> trials_by_kind;
};

/// Run the campaign. A trial graded CRASHED, HUNG or FAILED is replayed once
/// on its own and saved only when it reproduces. `on_new_finding` is called
/// as each new unique finding is saved. Throws conformance::spawn_error when the adapter cannot be started
/// and std::runtime_error when the output folder cannot be written.
campaign_result run_campaign(const campaign_options& opts,
                             const std::function<void(const saved_finding&)>& on_new_finding);

}  // namespace gearspec::blackbox
