#include "gearspec/blackbox/campaign.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/conformance/case_loader.hpp"
#include "gearspec/conformance/runner.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::blackbox {

namespace gc = gearspec::conformance;
namespace fs = std::filesystem;

namespace {

/// How many leading reply bytes name a bucket: magic and command number.
constexpr std::size_t signature_bytes = 8;

/// True when the adapter cannot report a handle in the reply as the server
/// sent it: a JOB_CREATED carries one that is not UTF-8 and the adapter
/// speaks protocol v1, whose handles are JSON strings; a "different handle"
/// is then the protocol's limit, not the client's. From v2 on, handle_b64
/// carries any bytes, and the handle is graded byte for byte.
bool sends_unreportable_handle(const std::string& reply, int adapter_protocol) {
  if (adapter_protocol >= gc::adapter_protocol_v2) return false;
  std::error_code ec;
  for (const auto& p : proto::decode_all(reply, ec))
    if (p.cmd == proto::command::job_created) {
      for (const auto& a : p.args)
        if (!util::is_valid_utf8(a)) return true;
      if (!util::is_valid_utf8(p.data)) return true;
    }
  return false;
}

/// The grader's words for SEMANTICS 6's generic rules (grading.cpp, rule 2):
/// the only FAILED findings the reply stream is to blame for. Others (the
/// submit's own encoding, a library refusing an empty workload) are what the
/// conformance suite grades, the same whatever the server answers.
constexpr std::string_view success_rule = "success only for a job the server created";
constexpr std::string_view handle_rule = "the handle the server sent";

/// For a worker (worker_grading.cpp): the jobs it reports, and the WORK_*
/// packets it sends for a job it took (its handle, what the function did,
/// nothing after the end), which no assignment stream excuses.
constexpr std::string_view worker_rules[] = {
    "only jobs the server assigned are reported", "reaches the worker byte-exact",
    "every WORK_* packet carries the handle", "the worker sends ", "nothing more for the job after it ended"};

bool misbehaved(const gc::case_result& r, const trial& t, int adapter_protocol) {
  for (const auto& f : r.findings) {
    if (f.severity != gc::grade::failed) continue;
    if (t.spec.work) {
      for (const auto rule : worker_rules)
        if (f.expected.find(rule) != std::string::npos) return true;
      continue;
    }
    if (f.expected.find(success_rule) != std::string::npos) return true;
    if (f.expected.find(handle_rule) != std::string::npos &&
        !sends_unreportable_handle(t.reply, adapter_protocol))
      return true;
  }
  return false;
}

std::optional<finding_kind> classify(const gc::case_result& r, const trial& t, int adapter_protocol) {
  if (r.verdict == gc::grade::failed)
    return misbehaved(r, t, adapter_protocol) ? std::optional(finding_kind::misbehaved) : std::nullopt;
  switch (r.verdict) {
    case gc::grade::crashed:
      return finding_kind::crashed;
    case gc::grade::hung:
      return finding_kind::hung;
    default:
      return std::nullopt;
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  return out;
}

/// One case as the single entry of a case file's `cases:` list.
std::string as_case_file(const gc::case_spec& c) {
  std::string out = "cases:\n";
  const std::string body = gc::to_case_file(c);
  bool first = true;
  std::size_t begin = 0;
  while (begin < body.size()) {
    const std::size_t end = body.find('\n', begin);
    const std::size_t stop = end == std::string::npos ? body.size() : end;
    out += (first ? "  - " : "    ") + body.substr(begin, stop - begin) + "\n";
    first = false;
    begin = stop + 1;
  }
  return out;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

saved_finding save_finding(const campaign_options& opts, finding_kind kind, const std::string& signature,
                           trial t, const gc::case_result& r) {
  saved_finding f;
  f.kind = kind;
  f.signature = signature;
  f.summary = r.summary();
  const std::string stem = lower(to_string(kind)) + "-" + signature;
  t.spec.id = "fuzz/" + stem;
  t.spec.title = "Black-box fuzz finding " + std::string(to_string(kind)) + ": " + f.summary;
  const fs::path dir(opts.out_dir);
  f.case_file = (dir / (stem + ".yaml")).string();
  f.bytes_file = (dir / (stem + ".bin")).string();
  write_file(f.case_file, "# Found by gearspec fuzz --client '" + opts.client_label + "' --seed " +
                              std::to_string(opts.seed) + "\n# Replay: gearspec run --scenario " +
                              f.case_file + " --client ...\n" + as_case_file(t.spec));
  write_file(f.bytes_file, t.reply);
  return f;
}

}  // namespace

campaign_result run_campaign(const campaign_options& opts,
                             const std::function<void(const saved_finding&)>& on_new_finding) {
  std::error_code ec;
  fs::create_directories(opts.out_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + opts.out_dir + ": " + ec.message());

  gc::run_options run;
  run.adapter_argv = opts.adapter_argv;
  run.client_label = opts.client_label;
  run.jobs = opts.parallel;
  // An adapter built with sanitizers checks for leaks as it exits, which on a
  // busy machine takes more than a second; five is still a hang.
  run.exit_timeout_ms = 5000;

  fuzz::packet_mutator mutator(static_cast<unsigned>(opts.seed), nullptr);
  campaign_result result;
  std::map<std::string, std::size_t> bucket_index;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  while ((!opts.runs || result.runs < *opts.runs) && (!opts.seconds || elapsed() < *opts.seconds)) {
    // A batch is two trials per adapter slot: enough to keep the slots busy,
    // small enough that the time budget is kept to about one trial's deadline.
    std::uint64_t batch = 2ull * opts.parallel;
    if (opts.runs) batch = std::min(batch, *opts.runs - result.runs);
    std::vector<trial> trials;
    std::vector<gc::case_spec> cases;
    for (std::uint64_t i = 0; i < batch; ++i) {
      trials.push_back(make_trial("fuzz/" + std::to_string(result.runs + i + 1), opts.trials, mutator));
      cases.push_back(trials.back().spec);
    }
    const auto suite = gc::run_suite(cases, run);
    result.runs += batch;
    for (std::size_t i = 0; i < suite.results.size(); ++i) {
      const auto& r = suite.results[i];
      // A worker trial the adapter cannot run (no feature `work`) cannot be played either.
      if (r.verdict == gc::grade::harness_error ||
          (trials[i].spec.work && r.verdict == gc::grade::unimplemented)) {
        if (result.harness_errors++ == 0) result.first_harness_error = r.summary();
        continue;
      }
      const auto kind = classify(r, trials[i], suite.adapter.protocol);
      if (!kind) continue;
      ++result.trials_by_kind[*kind];
      const std::string signature =
          gearspec::util::to_hex(std::string_view(trials[i].reply).substr(0, signature_bytes));
      const std::string key = std::string(to_string(*kind)) + "-" + signature;
      const auto found = bucket_index.find(key);
      if (found != bucket_index.end()) {
        ++result.findings[found->second].hits;
        continue;
      }
      // Keep only what reproduces when played again alone: a trial slowed
      // down by its neighbours can time out before it even sends its submit.
      const auto again = gc::run_case(trials[i].spec, run);
      if (classify(again, trials[i], suite.adapter.protocol) != kind) {
        ++result.unconfirmed;
        continue;
      }
      bucket_index.emplace(key, result.findings.size());
      result.findings.push_back(
          save_finding(opts, *kind, signature.empty() ? "empty" : signature, std::move(trials[i]), again));
      result.findings.back().hits = 1;
      if (on_new_finding) on_new_finding(result.findings.back());
    }
  }
  result.seconds = elapsed();
  return result;
}

}  // namespace gearspec::blackbox
