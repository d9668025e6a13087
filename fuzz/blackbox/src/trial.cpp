#include "gearspec/blackbox/trial.hpp"

#include <random>

#include "gearspec/fuzz/packet_stream.hpp"
#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::blackbox {

namespace proto = gearspec::proto;
namespace gc = gearspec::conformance;

namespace {

std::size_t draw(std::minstd_rand& rng, std::size_t bound) {
  return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng);
}

gc::job_spec draw_job(std::size_t index, std::minstd_rand& rng) {
  gc::job_spec job;
  job.function = "fz";
  job.unique = "u-" + std::to_string(index + 1);
  // Empty workloads and every priority are drawn too: they reach code paths
  // (and the reference adapter's broken modes) a fixed job never would.
  job.workload = draw(rng, 8) == 0 ? std::string() : "w" + std::to_string(index + 1);
  static constexpr proto::priority priorities[] = {proto::priority::normal, proto::priority::high,
                                                   proto::priority::low};
  job.prio = priorities[draw(rng, 3)];
  job.background = true;
  // Only the generic rules: no success for an uncreated job, the exact handle.
  job.outcome = gc::expected_outcome::ok_or_error;
  return job;
}

}  // namespace

std::string job_created_replies(std::size_t jobs) {
  std::string out;
  for (std::size_t i = 0; i < jobs; ++i) {
    const std::string handle = "H:fz:" + std::to_string(i + 1);
    out += proto::encode(proto::magic::response, proto::command::job_created, {handle});
  }
  return out;
}

std::string reply_scenario(const std::vector<gc::job_spec>& jobs, const std::string& reply,
                           bool close_after) {
  std::string yaml = close_after ? "then: close\n" : "then: silent\n";
  yaml += "steps:\n";
  for (const auto& job : jobs) yaml += "  - expect: " + std::string(proto::name(job.submit_command())) + "\n";
  if (!reply.empty()) yaml += "  - raw: {hex: \"" + gearspec::util::to_hex(reply) + "\"}\n";
  return yaml;
}

std::string assignment_reply(proto::command assignment, const std::string& workload) {
  std::vector<std::string> args{"H:fz:1", "fz", "u-1", ""};
  args.resize(proto::info(assignment).argc);
  return proto::encode(proto::packet(proto::magic::response, assignment, std::move(args), workload));
}

namespace {

/// The fields every trial's case sets alike: a MUST against a scripted
/// server, answered within the job timeout plus the grace.
gc::case_spec trial_case(const std::string& id, std::string title, const char* section,
                         const char* requirement, const trial_settings& settings) {
  gc::case_spec c;
  c.id = id;
  c.title = std::move(title);
  c.section = section;
  c.level = gc::requirement::must;
  c.requirement_text = requirement;
  c.server = gc::server_kind::scenario;
  c.deadline_ms = settings.job_timeout_ms + settings.answer_grace_ms;
  return c;
}

/// 1-4 structural mutations of `base` (or, one time in four, of a seed).
std::string mutated(std::string base, const trial_settings& settings, fuzz::packet_mutator& mutator) {
  auto& rng = mutator.rng();
  if (!settings.seeds.empty() && draw(rng, 4) == 0) base = settings.seeds[draw(rng, settings.seeds.size())];
  auto frames = fuzz::split_stream(base);
  const std::size_t operations = 1 + draw(rng, 4);
  for (std::size_t i = 0; i < operations; ++i) mutator.mutate_frames(frames, settings.max_reply_bytes);
  return fuzz::join_frames(frames);
}

/// A worker registers "fz" and grabs (any grab); the server answers with an
/// assignment of any kind, after a NOOP or a NO_JOB and NOOP at times. Either
/// that stream is mutated, or it stays whole and a mutated one follows while
/// the worker works on its job. Whatever comes, the worker must not crash or
/// hang, report no job it was not assigned, byte for byte, and send for its
/// job exactly what its function did.
trial make_worker_trial(const std::string& id, const trial_settings& settings,
                        fuzz::packet_mutator& mutator) {
  auto& rng = mutator.rng();
  static constexpr proto::command kinds[] = {proto::command::job_assign, proto::command::job_assign_uniq,
                                             proto::command::job_assign_all};
  const std::string workload = draw(rng, 8) == 0 ? std::string() : "w1";
  const std::string assignment = assignment_reply(kinds[draw(rng, 3)], workload);
  const auto noop = proto::encode(proto::magic::response, proto::command::noop, {});
  std::string prefix;
  switch (draw(rng, 3)) {
    case 1:
      prefix = noop;
      break;
    case 2:
      prefix = proto::encode(proto::magic::response, proto::command::no_job, {}) + noop;
      break;
    default:
      break;
  }
  trial t;
  t.reply = draw(rng, 2) == 0 ? mutated(prefix + assignment, settings, mutator)
                              : prefix + assignment + mutated(noop + assignment, settings, mutator);
  t.spec = trial_case(id, "Black-box fuzz trial: mutated assignment stream to a worker's grab", "WORKER 5",
                      "report no job the server did not assign, each assigned job byte-exact, never crash, "
                      "never hang past the timeout",
                      settings);
  auto& c = t.spec;
  c.scenario_yaml = std::string(draw(rng, 2) == 0 ? "then: close\n" : "then: silent\n") +
                    "steps:\n  - expect: {command: CAN_DO, args: [fz]}\n  - expect: GRAB\n"
                    "  - raw: {hex: \"" +
                    gearspec::util::to_hex(t.reply) + "\"}\n";
  gc::work_spec w;
  gc::work_action complete;
  complete.bytes = "done";
  w.functions.push_back({"fz", {complete}});
  w.timeout_ms = settings.job_timeout_ms;
  w.expect_either = true;
  c.work = std::move(w);
  return t;
}

}  // namespace

trial make_trial(const std::string& id, const trial_settings& settings, fuzz::packet_mutator& mutator) {
  if (settings.side == role::worker) return make_worker_trial(id, settings, mutator);
  auto& rng = mutator.rng();
  trial t;
  gc::request_spec request;
  request.timeout_ms = settings.job_timeout_ms;
  const std::size_t job_count = 1 + draw(rng, 3);
  for (std::size_t i = 0; i < job_count; ++i) request.jobs.push_back(draw_job(i, rng));

  // Start from the valid answer (or a seed), then apply 1-4 structural mutations.
  t.reply = mutated(job_created_replies(job_count), settings, mutator);

  t.spec = trial_case(
      id, "Black-box fuzz trial: mutated reply to " + std::to_string(job_count) + " background submit(s)",
      "SEMANTICS 6",
      "never report success for a job the server never created, report the handle the server "
      "sent, never crash, never hang past the timeout",
      settings);
  auto& c = t.spec;
  c.scenario_yaml = reply_scenario(request.jobs, t.reply, draw(rng, 2) == 0);
  c.requests.push_back(std::move(request));
  return t;
}

}  // namespace gearspec::blackbox
