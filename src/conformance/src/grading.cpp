#include "gearspec/conformance/grading.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "gearspec/conformance/status_grading.hpp"

namespace gearspec::conformance {
namespace {

constexpr auto no_match = static_cast<std::size_t>(-1);

bool same_job(const job_spec& j, const sent_submit& s, bool compare_unique) {
  return s.packet.cmd == j.submit_command() && s.packet.args.size() == 2 && s.function() == j.function &&
         s.packet.data == j.workload && (!compare_unique || s.unique() == *j.unique);
}

std::string describe_submit(const sent_submit& s) {
  std::string out = std::string(proto::name(s.packet.cmd)) + " on connection " + std::to_string(s.connection);
  if (s.packet.args.size() == 2)
    out += ": function " + describe_bytes(s.function()) + ", unique " + describe_bytes(s.unique()) +
           ", workload " + describe_bytes(s.packet.data);
  return out;
}

std::string describe_job(const job_spec& j) {
  return std::string(proto::name(j.submit_command())) + ": function " + describe_bytes(j.function) +
         ", unique " + (j.unique ? describe_bytes(*j.unique) : std::string("(the library's choice)")) +
         ", workload " + describe_bytes(j.workload);
}

std::string describe_difference(const std::string& what, const std::string& expected,
                                const std::string& sent) {
  if (sent.size() < expected.size() && expected.compare(0, sent.size(), sent) == 0)
    return what + " truncated from " + std::to_string(expected.size()) + " to " +
           std::to_string(sent.size()) + " bytes";
  if (sent.size() > expected.size() && sent.compare(0, expected.size(), expected) == 0)
    return what + " has " + std::to_string(sent.size() - expected.size()) + " extra trailing byte(s) " +
           describe_bytes(sent.substr(expected.size()));
  const auto mismatch = std::mismatch(expected.begin(), expected.end(), sent.begin(), sent.end());
  return what + " differs at byte " + std::to_string(mismatch.first - expected.begin()) + ": sent " +
         describe_bytes(sent);
}

/// How the submit differs from the job, in plain words.
std::string differences(const job_spec& j, const sent_submit& s) {
  std::vector<std::string> d;
  if (s.packet.cmd != j.submit_command())
    d.push_back("command " + std::string(proto::name(s.packet.cmd)) + " (" +
                std::to_string(static_cast<unsigned>(s.packet.cmd)) + ") instead of " +
                std::string(proto::name(j.submit_command())) + " (" +
                std::to_string(static_cast<unsigned>(j.submit_command())) + ")");
  if (s.packet.args.size() != 2) {
    d.push_back(std::to_string(s.packet.args.size()) + " arguments");
  } else {
    if (s.function() != j.function) d.push_back(describe_difference("function", j.function, s.function()));
    if (j.unique && !j.unique->empty() && s.unique() != *j.unique)
      d.push_back(describe_difference("unique", *j.unique, s.unique()));
  }
  if (s.packet.data != j.workload) d.push_back(describe_difference("workload", j.workload, s.packet.data));
  std::string out;
  for (const auto& x : d) out += (out.empty() ? "" : "; ") + x;
  return out;
}

std::string describe_reply(const sent_submit* s) {
  if (!s) return "nothing was sent for it";
  if (!s->reply && !s->reply_problem.empty())
    return "the server's reply to its submit was not a valid packet (" + s->reply_problem + ")";
  if (!s->reply) return "the server never sent a whole reply to its submit";
  if (s->reply->cmd == proto::command::error)
    return "the server answered ERROR " + describe_bytes(s->reply->code) + " " +
           describe_bytes(s->reply->text);
  return std::string("the server answered JOB_CREATED ") + describe_bytes(s->reply->handle) +
         (s->reply->response_magic ? "" : " with the request magic \"\\0REQ\"");
}

/// Generated-unique form, for the informational note.
std::string unique_form(const std::vector<std::string>& uniques) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-([1-5])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::map<std::string, int> forms;
  for (const auto& u : uniques) {
    std::smatch m;
    if (u.empty()) {
      ++forms["empty"];
    } else if (std::regex_match(u, m, uuid)) {
      ++forms["RFC 4122 UUID version " + m[1].str()];
    } else {
      ++forms["other (" + std::to_string(u.size()) + " bytes, e.g. " + describe_bytes(u) + ")"];
    }
  }
  std::string out;
  for (const auto& [form, n] : forms) out += (out.empty() ? "" : ", ") + form + " x" + std::to_string(n);
  return out;
}

}  // namespace

std::string describe_result(const job_result& r) {
  if (r.ok)
    return "success, handle " + (r.handle ? describe_bytes(*r.handle) : std::string("(none reported)"));
  std::string out = "error " + r.error_class;
  if (!r.error.empty()) out += " (" + r.error + ")";
  if (!r.message.empty()) out += ": " + r.message;
  return out;
}

std::optional<std::string> wrong_class(const std::vector<std::string>& allowed, const std::string& got) {
  if (allowed.empty() || std::find(allowed.begin(), allowed.end(), got) != allowed.end()) return std::nullopt;
  std::string list;
  for (const auto& c : allowed) list += (list.empty() ? "" : " or ") + c;
  return "error_class " + list;
}

grade severity_of(requirement level) noexcept {
  return level == requirement::must     ? grade::failed
         : level == requirement::should ? grade::non_strict
                                        : grade::informational;
}

std::string describe_bytes(const std::string& bytes) {
  constexpr std::size_t shown = 72;
  std::string text = proto::escape_bytes(bytes.size() > shown ? bytes.substr(0, shown) : bytes);
  if (bytes.size() > shown) text += "...";
  return text + " (" + std::to_string(bytes.size()) + (bytes.size() == 1 ? " byte)" : " bytes)");
}

namespace {

/// One job of the case as the grader saw it: where it is, what the adapter
/// reported, and the submit matched to it.
struct graded_job {
  std::string who;
  const job_spec* job = nullptr;
  const job_result* result = nullptr;
  std::size_t submit = no_match;
};

std::string submit_key(const sent_submit& s) {
  std::string key = std::to_string(static_cast<unsigned>(s.packet.cmd));
  for (const auto& a : s.packet.args) key += '\0' + a;
  return key + '\0' + s.packet.data;
}

/// How many of function, unique and workload the submit has as the job does.
int likeness(const job_spec& j, const sent_submit& s) {
  if (s.packet.args.size() != 2) return 0;
  return (s.packet.cmd == j.submit_command()) + (s.function() == j.function) +
         (j.unique && s.unique() == *j.unique) + (s.packet.data == j.workload);
}

/// Rule: every submit the client sent belongs to one job. A leftover is a
/// job sent twice (a retry), a job sent with altered arguments, or a job
/// sent although the adapter said it was rejected before sending.
void grade_leftover_submits(const case_spec& c, const wire_analysis& analysis, const std::vector<bool>& used,
                            const std::vector<graded_job>& jobs, case_result& r) {
  std::map<std::string, std::string> matched;  // submit bytes -> the job it was matched to
  for (const auto& g : jobs)
    if (g.submit != no_match) matched.emplace(submit_key(analysis.submits[g.submit]), g.who);
  constexpr int detailed = 5;
  int leftovers = 0, retries = 0;
  for (std::size_t i = 0; i < analysis.submits.size(); ++i) {
    if (used[i]) continue;
    const auto& s = analysis.submits[i];
    const auto same = matched.find(submit_key(s));
    if (same != matched.end() && c.allow_retry) {
      ++retries;
      continue;
    }
    if (++leftovers > detailed) continue;
    std::string why;
    if (same != matched.end()) {
      why =
          "the same bytes as the submit of " + same->second + " sent again (a retry the case does not allow)";
    } else {
      const graded_job* nearest = nullptr;
      int best = 0;
      for (const auto& g : jobs)
        if (const int l = likeness(*g.job, s); l > best) best = l, nearest = &g;
      why = "it is the submit of no job";
      if (nearest) {
        const auto diff = differences(*nearest->job, s);
        why += "; closest is " + nearest->who + ": " +
               (diff.empty() ? "the same job again, with another generated unique" : diff);
        if (nearest->result) why += "; the adapter reported " + describe_result(*nearest->result);
      }
    }
    add_finding(r, grade::failed, "every submit the client sends belongs to one job of the request",
                "leftover " + describe_submit(s) + ": " + why);
  }
  if (leftovers > detailed)
    add_finding(r, grade::failed, "every submit the client sends belongs to one job of the request",
                std::to_string(leftovers - detailed) + " more leftover submit(s)");
  if (retries > 0)
    r.notes.push_back(std::to_string(retries) + " submit(s) sent again (retries this case allows)");
}

std::string format_ms(double ms) { return std::to_string(static_cast<long long>(ms + 0.5)) + " ms"; }

}  // namespace

void grade_case(const case_spec& c, const case_observation& obs, case_result& r) {
  if (c.work) return grade_worker_case(c, obs, r);
  const grade level = severity_of(c.level);
  const auto analysis = analyse(obs.wire);
  const bool handle_readback =
      std::find(obs.features.begin(), obs.features.end(), "handle_readback") != obs.features.end();

  for (const auto& p : analysis.client_stream_problems)
    add_finding(r, level, "only well-formed request packets from the client", p);

  std::vector<bool> used(analysis.submits.size(), false);
  std::size_t first_unused = 0;  // submits before it are all used (keeps big batches linear)
  std::vector<std::string> generated_uniques;
  std::vector<graded_job> graded;
  std::uint64_t first_connection = 0;
  for (std::size_t p = 0; p < obs.answers.size(); ++p) {
    const std::uint64_t last_connection =
        p < obs.last_connection.size() ? obs.last_connection[p] : static_cast<std::uint64_t>(-1);
    const auto in_process = [&](const sent_submit& s) {
      return s.connection > first_connection && s.connection <= last_connection;
    };
    const auto find_submit = [&](auto&& pred) {
      while (first_unused < used.size() && used[first_unused]) ++first_unused;
      for (std::size_t i = first_unused; i < analysis.submits.size(); ++i)
        if (!used[i] && in_process(analysis.submits[i]) && pred(analysis.submits[i])) return i;
      return no_match;
    };
    for (std::size_t q = 0; q < obs.answers[p].size() && q < c.requests.size(); ++q) {
      const auto& answers = obs.answers[p][q];
      const auto& request = c.requests[q];
      const auto& jobs = request.jobs;
      for (std::size_t k = 0; k < jobs.size(); ++k) {
        const auto& job = jobs[k];
        const grade job_level = job.outcome_level ? severity_of(*job.outcome_level) : level;
        const std::string who = "job " + std::to_string(k + 1) + " of request " + std::to_string(q + 1) +
                                (obs.answers.size() > 1 ? " in process " + std::to_string(p + 1) : "");
        const job_result* result = answers ? &(*answers)[k] : nullptr;
        graded.push_back(graded_job{who, &job, result, no_match});

        // 1. The submit on the wire.
        const bool explicit_unique = !job.unique_is_default();
        // Identical jobs (same function and workload, the unique left to the
        // client) are told apart by what the adapter reported: the unique read
        // back, else the handle. Clients need not send jobs in request order.
        std::size_t idx = no_match;
        if (result && result->unique)
          idx = find_submit([&](const sent_submit& s) {
            return same_job(job, s, explicit_unique) && s.unique() == *result->unique;
          });
        if (idx == no_match && result && result->ok && result->handle)
          idx = find_submit([&](const sent_submit& s) {
            return same_job(job, s, explicit_unique) && s.created() && s.reply->handle == *result->handle;
          });
        if (idx == no_match)
          idx = find_submit([&](const sent_submit& s) { return same_job(job, s, explicit_unique); });
        const sent_submit* sent = nullptr;
        if (idx != no_match) {
          used[idx] = true;
          sent = &analysis.submits[idx];
          if (!explicit_unique) generated_uniques.push_back(sent->unique());
        } else {
          // The same job sent with something altered, else (when the job had to be
          // sent) the next unused submit, to say what came instead.
          idx = find_submit([&](const sent_submit& s) {
            return s.packet.cmd == job.submit_command() && s.packet.args.size() == 2 &&
                   s.function() == job.function;
          });
          const bool rejected = job.wire == expected_wire::sent_or_rejected && result && !result->ok;
          if (idx == no_match && job.wire == expected_wire::sent)
            idx = find_submit([](const sent_submit&) { return true; });
          if (idx != no_match) {
            used[idx] = true;
            sent = &analysis.submits[idx];
            if (job.wire != expected_wire::unchecked)
              add_finding(r, level, who + " sent as " + describe_job(job),
                          differences(job, *sent) + " (" + describe_submit(*sent) + ")");
          } else if (!rejected && answers && job.wire != expected_wire::unchecked) {
            add_finding(r, level, who + " sent as " + describe_job(job),
                        "no matching submit reached the server" +
                            (result && !result->ok ? "; the adapter reported " + describe_result(*result)
                                                   : std::string()));
          }
        }
        graded.back().submit = idx;
        if (!result) continue;
        ++(result->ok ? r.jobs_reported_ok : r.jobs_reported_error);

        // 2. Generic rules: success only for a job the server created, with its
        // handle; "rejected before sending" only for a job that was not sent.
        const bool created_any = sent && sent->created();
        const bool created = created_any && sent->reply->response_magic;
        if (result->ok && !created_any) {
          add_finding(r, grade::failed, who + ": success only for a job the server created",
                      "reported " + describe_result(*result) + ", but " + describe_reply(sent));
        } else if (result->ok && result->handle && *result->handle != sent->reply->handle) {
          add_finding(r, grade::failed,
                      who + ": the handle the server sent, " + describe_bytes(sent->reply->handle),
                      "reported handle " + describe_bytes(*result->handle));
        } else if (result->ok && !result->handle && handle_readback) {
          add_finding(r, grade::failed,
                      who + ": success reported with the handle the server sent, " +
                          describe_bytes(sent->reply->handle) + " (the adapter lists handle_readback)",
                      "reported success without a handle");
        }
        if (!result->ok && result->error_class == "invalid_argument" && sent &&
            job.wire != expected_wire::unchecked)
          add_finding(r, grade::failed,
                      who + ": error_class invalid_argument only for a job rejected before anything was sent",
                      "reported " + describe_result(*result) + ", but its submit reached the server (" +
                          describe_submit(*sent) + ")");

        // 3. The case's expectation.
        bool want_ok = false, want_error = false;
        switch (job.outcome) {
          case expected_outcome::as_server:
            want_ok = created;
            want_error = !created;
            break;
          case expected_outcome::ok:
            want_ok = true;
            break;
          case expected_outcome::error:
            want_error = true;
            break;
          case expected_outcome::ok_or_error:
            break;
        }
        if (want_ok && !result->ok) {
          add_finding(r, job_level, who + ": success (" + describe_reply(sent) + ")",
                      "reported " + describe_result(*result));
        } else if (want_error && result->ok && created_any) {
          add_finding(r, job_level, who + ": an error (" + describe_reply(sent) + ")",
                      "reported " + describe_result(*result));
        }
        if (const auto want = wrong_class(job.error_classes, result->error_class); want && !result->ok)
          add_finding(r,
                      job.error_class_level ? severity_of(*job.error_class_level)
                                            : std::min(level, grade::non_strict),
                      who + ": " + *want, "reported " + describe_result(*result));
        if (result->unique && sent && sent->packet.args.size() == 2 && *result->unique != sent->unique())
          add_finding(r, grade::non_strict,
                      who + ": the unique read back is the one sent, " + describe_bytes(sent->unique()),
                      "read back " + describe_bytes(*result->unique));
      }
      // The time the request took: against the case's budget, and reported
      // when the caller set no timeout (how long the library waited by itself).
      if (p < obs.request_ms.size() && q < obs.request_ms[p].size() && answers) {
        const double ms = obs.request_ms[p][q];
        if (c.budget_ms && ms > *c.budget_ms)
          add_finding(r, level,
                      "request " + std::to_string(q + 1) + " (" + std::to_string(jobs.size()) +
                          " jobs) answered within " + format_ms(*c.budget_ms),
                      "answered after " + format_ms(ms));
        if (c.budget_ms || request.library_default_timeout)
          r.notes.push_back("request " + std::to_string(q + 1) + " answered after " + format_ms(ms));
      }
    }
    first_connection = last_connection;
  }

  // Status polls: their bytes and what was reported of the server's fields.
  grade_status_requests(c, obs, analysis, r);

  // 4. Every submit belongs to one job.
  grade_leftover_submits(c, analysis, used, graded, r);

  // 5. Generated uniques never repeat (jobs would be silently coalesced).
  if (!generated_uniques.empty()) {
    std::map<std::string, int> seen;
    for (const auto& u : generated_uniques)
      if (!u.empty()) ++seen[u];
    for (const auto& [u, n] : seen)
      if (n > 1 && c.fresh_uniques_distinct) {
        add_finding(r, grade::failed, "a generated unique is never reused (or the unique is left empty)",
                    "unique " + describe_bytes(u) + " sent for " + std::to_string(n) + " jobs");
        break;
      }
    r.notes.push_back("unique form used when the caller gives none: " + unique_form(generated_uniques));
  }
  if (c.level == requirement::may && r.verdict == grade::ok) r.verdict = grade::informational;
}

}  // namespace gearspec::conformance
