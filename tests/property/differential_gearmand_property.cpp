// Differential property against the real gearmand 1.1.20 (issue 6 item 6):
// the same random sequence of background-submit batches, sent by the
// reference client to gearmock's queue mode and to gearmand, gets equivalent
// answers: every task succeeds on both or on neither with the same code,
// handles coincide up to renaming (same coalescing: two submits share a
// handle on one server exactly when they do on the other), and GET_STATUS of
// every handle reports the same known/running/numerator/denominator. Each
// case uses its own function names, so cases never see each other's jobs.
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "gearspec/client/client.hpp"
#include "gearspec/mock/server.hpp"
#include "gearspec/property/cases.hpp"
#include "gearspec/test/property.hpp"
#include "gearspec/test/real_gearmand.hpp"

namespace gearspec::property {
namespace {

using proto::priority;
using proto::return_code;

struct small_submit {
  int function = 0;  ///< index: names are made unique per case
  std::string unique;
  std::string workload;
  priority prio = priority::normal;
};

void showValue(const small_submit& s, std::ostream& os) {
  os << "{f" << s.function << ", unique=" << proto::escape_bytes(s.unique)
     << ", workload=" << proto::escape_bytes(s.workload) << ", " << proto::name(s.prio) << "}";
}

/// Small value sets, so that sequences coalesce.
rc::Gen<small_submit> small_submit_gen() {
  return rc::gen::build<small_submit>(
      rc::gen::set(&small_submit::function, rc::gen::inRange(0, 2)),
      rc::gen::set(&small_submit::unique,
                   rc::gen::element<std::string>("", "-", "#", "u1", "u2", std::string(63, 'q'))),
      rc::gen::set(&small_submit::workload,
                   rc::gen::element<std::string>("", "w1", "w2", std::string("\0z", 2))),
      rc::gen::set(&small_submit::prio, rc::gen::element(priority::high, priority::normal, priority::low)));
}

/// What one server answered for the whole sequence.
struct server_answers {
  std::vector<return_code> results;
  std::vector<std::string> handles;
  std::vector<client::job_status> statuses;  ///< per task, GET_STATUS of its handle after all batches
  std::vector<return_code> status_codes;
};

server_answers play(std::uint16_t port, const std::string& prefix,
                    const std::vector<std::vector<small_submit>>& batches) {
  client::client c;
  c.add_server("127.0.0.1", port);
  c.set_timeout(3000);
  server_answers out;
  for (const auto& batch : batches) {
    std::vector<client::task> tasks(batch.size());
    std::vector<std::string> names;
    for (const auto& s : batch) names.push_back(prefix + std::to_string(s.function));
    for (std::size_t i = 0; i < batch.size(); ++i)
      RC_ASSERT(c.add_task(tasks[i], {names[i], batch[i].unique, batch[i].workload, batch[i].prio, true}) ==
                return_code::success);
    c.run_tasks();
    for (const auto& t : tasks) {
      out.results.push_back(t.result());
      out.handles.emplace_back(t.handle());
    }
  }
  for (const auto& h : out.handles) {
    client::job_status st;
    out.status_codes.push_back(h.empty() ? return_code::success : c.get_job_status(h, st));
    out.statuses.push_back(st);
  }
  return out;
}

TEST(DifferentialGearmandProperty, QueueModeAnswersLikeGearmand) {
  GEARSPEC_REQUIRE_GEARMAND();
  test::real_gearmand gearmand;
  mock::server mock{mock::options{}};
  mock.start();
  int case_number = 0;
  test::check_property(
      [&] {
        const auto batches = *rc::gen::resize(
            4,
            rc::gen::nonEmpty(rc::gen::container<std::vector<std::vector<small_submit>>>(rc::gen::resize(
                6, rc::gen::nonEmpty(rc::gen::container<std::vector<small_submit>>(small_submit_gen()))))));
        const std::string prefix =
            "diff-" + std::to_string(::getpid()) + "-" + std::to_string(++case_number) + "-f";
        const auto real = play(gearmand.port(), prefix, batches);
        const auto ours = play(mock.port(), prefix, batches);
        RC_ASSERT(ours.results == real.results);
        std::map<std::string, std::string> renaming, reverse;
        for (std::size_t i = 0; i < real.handles.size(); ++i) {
          RC_LOG() << "task " << i << ": gearmand " << real.handles[i] << ", gearmock " << ours.handles[i]
                   << "\n";
          const auto [it, fresh] = renaming.emplace(ours.handles[i], real.handles[i]);
          const auto [rit, rfresh] = reverse.emplace(real.handles[i], ours.handles[i]);
          RC_ASSERT(it->second == real.handles[i]);   // same coalescing, seen from gearmock
          RC_ASSERT(rit->second == ours.handles[i]);  // and from gearmand
          (void)fresh;
          (void)rfresh;
        }
        for (std::size_t i = 0; i < real.statuses.size(); ++i) {
          RC_ASSERT(ours.status_codes[i] == real.status_codes[i]);
          RC_ASSERT(ours.statuses[i].known == real.statuses[i].known);
          RC_ASSERT(ours.statuses[i].running == real.statuses[i].running);
          RC_ASSERT(ours.statuses[i].numerator == real.statuses[i].numerator);
          RC_ASSERT(ours.statuses[i].denominator == real.statuses[i].denominator);
        }
      },
      cases(1000, 150));
}

}  // namespace
}  // namespace gearspec::property
