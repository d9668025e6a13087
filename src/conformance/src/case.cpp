#include "gearspec/conformance/case.hpp"

#include <algorithm>

#include "gearspec/util/encoding.hpp"

namespace gearspec::conformance {

std::string_view to_string(requirement r) noexcept {
  switch (r) {
    case requirement::must:
      return "MUST";
    case requirement::should:
      return "SHOULD";
    case requirement::may:
      break;
  }
  return "MAY";
}

std::string_view to_string(expected_outcome o) noexcept {
  switch (o) {
    case expected_outcome::as_server:
      return "as-server";
    case expected_outcome::ok:
      return "ok";
    case expected_outcome::error:
      return "error";
    case expected_outcome::ok_or_error:
      break;
  }
  return "ok-or-error";
}

std::string_view to_string(server_kind k) noexcept {
  switch (k) {
    case server_kind::scenario:
      return "scenario";
    case server_kind::queue:
      return "queue";
    case server_kind::refused:
      break;
  }
  return "refused";
}

const std::vector<std::string>& known_features() {
  static const std::vector<std::string> features{
      "background",      "high",    "low",  "batch",  "unique_readback",
      "handle_readback", "timeout", "work", "status", "status_unique"};
  return features;
}

std::vector<std::string> required_features(const case_spec& c) {
  // A worker case needs `work`, a submitter case background submission.
  std::vector<std::string> out{c.work ? "work" : "background"};
  auto add = [&out](const std::string& f) {
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  };
  for (const auto& r : c.requests)
    for (const auto& j : r.jobs) {
      if (j.prio == proto::priority::high) add("high");
      if (j.prio == proto::priority::low) add("low");
    }
  for (const auto& r : c.requests)
    if (r.status) add(r.status->by_unique ? "status_unique" : "status");
  for (const auto& f : c.needs) add(f);
  return out;
}

int required_protocol(const case_spec& c) {
  int p = c.protocol;
  if (c.work) {
    auto text = [](const std::string& b) { return util::is_valid_utf8(b); };
    for (const auto& f : c.work->functions)
      if (!text(f.name)) p = std::max(p, 2);
    for (const auto& j : c.work->queued)
      if (!text(j.function) || !text(j.unique)) p = std::max(p, 2);
  }
  for (const auto& r : c.requests) {
    if (r.status) p = std::max(p, 2);  // the `status` op exists from protocol 2 on
    for (const auto& j : r.jobs)
      if (!util::is_valid_utf8(j.function) || (j.unique && !util::is_valid_utf8(*j.unique)))
        p = std::max(p, 2);
  }
  return p;
}

}  // namespace gearspec::conformance
