#include "gearspec/conformance/case.hpp"

#include <algorithm>

#include "gearspec/util/encoding.hpp"

namespace gearspec::conformance {

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
