#include "gearspec/conformance/status_grading.hpp"

#include <algorithm>

namespace gearspec::conformance {
namespace {

std::string describe_status(const status_values& v) {
  std::string out = std::string("known=") + (v.known ? "1" : "0") + " running=" + (v.running ? "1" : "0") +
                    " numerator=" + std::to_string(v.numerator) +
                    " denominator=" + std::to_string(v.denominator);
  if (v.client_count) out += " client_count=" + std::to_string(*v.client_count);
  return out;
}

std::string describe_answer(const job_result& r) {
  if (!r.ok) return describe_result(r);
  return r.status ? "success, " + describe_status(*r.status) : "success";
}

std::string describe_packet(const sent_status& s) {
  return "connection " + std::to_string(s.connection) + ": " + std::string(proto::name(s.packet.cmd)) + " " +
         (s.packet.args.empty() ? std::string("(no argument)") : describe_bytes(s.packet.args.front())) +
         (s.packet.args.size() > 1 ? " and " + std::to_string(s.packet.args.size() - 1) + " more argument(s)"
                                   : "");
}

/// The differences between what the server sent and what the adapter reported.
std::string differences(const status_values& want, const status_values& got) {
  std::string out;
  const auto add = [&out](const char* field, std::uint64_t w, std::uint64_t g) {
    if (w != g)
      out += (out.empty() ? "" : ", ") + std::string(field) + " " + std::to_string(g) + " instead of " +
             std::to_string(w);
  };
  add("known", want.known, got.known);
  add("running", want.running, got.running);
  add("numerator", want.numerator, got.numerator);
  add("denominator", want.denominator, got.denominator);
  if (want.client_count && got.client_count) add("client_count", *want.client_count, *got.client_count);
  return out;
}

void grade_answer(const status_spec& st, const std::string& who, grade level, const job_result& result,
                  case_result& r) {
  if (st.error_or_ok) return;
  if (!st.expect) {
    if (result.ok)
      add_finding(r, level, who + ": an error (the server sent no valid status), never made-up values",
                  "reported " + describe_answer(result));
    else if (const auto want = wrong_class(st.error_classes, result.error_class))
      add_finding(r, std::min(level, grade::non_strict), who + ": " + *want,
                  "reported " + describe_answer(result));
    return;
  }
  if (!result.ok) {
    add_finding(r, level, who + ": the status the server sent, " + describe_status(*st.expect),
                "reported " + describe_answer(result));
    return;
  }
  if (!result.status) return;  // the parser demands the fields of a success
  const auto diff = differences(*st.expect, *result.status);
  if (!diff.empty())
    add_finding(r, level, who + ": the status the server sent, " + describe_status(*st.expect),
                "reported " + describe_status(*result.status) + " (" + diff + ")");
}

}  // namespace

void grade_status_requests(const case_spec& c, const case_observation& obs, const wire_analysis& analysis,
                           case_result& r) {
  const grade level = severity_of(c.level);
  std::vector<bool> used(analysis.status_requests.size(), false);
  std::uint64_t first_connection = 0;
  for (std::size_t p = 0; p < obs.answers.size(); ++p) {
    const std::uint64_t last_connection =
        p < obs.last_connection.size() ? obs.last_connection[p] : static_cast<std::uint64_t>(-1);
    for (std::size_t q = 0; q < obs.answers[p].size() && q < c.requests.size(); ++q) {
      if (!c.requests[q].status) continue;
      const auto& st = *c.requests[q].status;
      const auto& answers = obs.answers[p][q];
      const std::string who = "status request " + std::to_string(q + 1) +
                              (obs.answers.size() > 1 ? " in process " + std::to_string(p + 1) : "");
      const auto cmd = st.by_unique ? proto::command::get_status_unique : proto::command::get_status;
      std::size_t match = used.size();
      for (std::size_t i = 0; i < used.size() && match == used.size(); ++i) {
        const auto& s = analysis.status_requests[i];
        if (!used[i] && s.connection > first_connection && s.connection <= last_connection &&
            s.packet.cmd == cmd && s.packet.args.size() == 1 && s.packet.args.front() == st.key)
          match = i;
      }
      const bool sent = match < used.size();
      if (sent) used[match] = true;
      const job_result* result = answers && !answers->empty() ? &answers->front() : nullptr;
      const std::string wanted = std::string(proto::name(cmd)) + " " + describe_bytes(st.key);
      if (!sent && st.wire == expected_wire::sent) {
        add_finding(r, level, who + ": " + wanted + " on the wire, byte-exact", "not sent");
      } else if (!sent && st.wire == expected_wire::sent_or_rejected && result && result->ok) {
        add_finding(r, level, who + ": " + wanted + " sent byte-exact, or the request rejected",
                    "nothing sent, yet reported " + describe_answer(*result));
      } else if (!sent && st.wire == expected_wire::sent_or_rejected && result &&
                 result->error_class != "invalid_argument") {
        add_finding(r, std::min(level, grade::non_strict),
                    who + ": a request rejected before sending is reported as invalid_argument",
                    "reported " + describe_answer(*result));
      }
      // A request rejected before sending has no server answer to compare with.
      const bool rejected = !sent && st.wire == expected_wire::sent_or_rejected && result && !result->ok;
      if (result && !rejected) grade_answer(st, who, level, *result, r);
    }
    first_connection = last_connection;
  }
  for (std::size_t i = 0; i < used.size(); ++i)
    if (!used[i])
      add_finding(r, level, "only the status requests the case asks for, byte-exact",
                  "also sent " + describe_packet(analysis.status_requests[i]));
}

}  // namespace gearspec::conformance
