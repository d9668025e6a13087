// Differential test: the same calls through the real libgearman 1.1.20 and
// through the reference client produce the same bytes on the wire, captured
// by a loopback recorder that answers like a minimal server. Expected
// differences: generated uniques (compared by form only) and the documented
// divergences (docs/divergences.md), each asserted exactly here.
//
// The reference side uses the C++ API: the reference C API exports the same
// symbol names as libgearman and cannot be linked into the same program; the
// C API is a thin layer over the same calls (tests/client/capi_args_test.cpp,
// loopback_test.cpp and the installed-program test cover it).
#include <gtest/gtest.h>
#include <libgearman-1.0/gearman.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gearspec/client/client.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/scripted_peer.hpp"

namespace {

namespace gc = gearspec::client;
namespace proto = gearspec::proto;
using namespace std::string_literals;

constexpr int test_timeout_ms = 3000;

// Answers like a queue server: JOB_CREATED (plus WORK_COMPLETE for a
// foreground submit), STATUS_RES, ECHO_RES.
std::string answer(const std::string& raw) {
  std::error_code ec;
  const auto packets = proto::decode_all(raw, ec);
  if (ec || packets.empty()) return {};
  const proto::packet& p = packets.front();
  static int counter = 0;
  if (proto::is_submit(p.cmd)) {
    const std::string handle = "H:rec:" + std::to_string(++counter);
    std::string out = proto::encode(proto::magic::response, proto::command::job_created, {handle});
    if (!proto::is_background_submit(p.cmd))
      out += proto::encode(proto::magic::response, proto::command::work_complete, {handle}, "done");
    return out;
  }
  if (p.cmd == proto::command::get_status)
    return proto::encode(proto::magic::response, proto::command::status_res, {p.args[0], "1", "0", "0", "0"});
  if (p.cmd == proto::command::echo_req)
    return proto::encode(proto::magic::response, proto::command::echo_res, {}, p.data);
  return {};
}

// Bytes the client sent on its (single) connection.
template <typename Calls>
std::string record(Calls&& calls) {
  gearspec::test::scripted_peer peer{answer};
  calls(peer.port());
  const auto received = peer.received();
  EXPECT_EQ(received.size(), 1u) << "one connection";
  return received.empty() ? std::string{} : received.front();
}

std::vector<proto::packet> packets(const std::string& bytes) {
  std::error_code ec;
  auto out = proto::decode_all(bytes, ec);
  EXPECT_FALSE(ec) << ec.message();
  return out;
}

// ---- the two clients ------------------------------------------------------------

struct job {
  std::string function;
  const char* unique;  // nullptr: absent
  std::string workload;
  gearman_job_priority_t prio = GEARMAN_JOB_PRIORITY_NORMAL;
  bool background = true;
};

gc::priority to_cpp(gearman_job_priority_t p) {
  return p == GEARMAN_JOB_PRIORITY_HIGH  ? gc::priority::high
         : p == GEARMAN_JOB_PRIORITY_LOW ? gc::priority::low
                                         : gc::priority::normal;
}

// add_task_* for each job, then one run_tasks.
std::string libgearman_batch(const std::vector<job>& jobs, const char* ns = nullptr) {
  return record([&](std::uint16_t port) {
    gearman_client_st* c = gearman_client_create(nullptr);
    gearman_client_add_server(c, "127.0.0.1", port);
    gearman_client_set_timeout(c, test_timeout_ms);
    if (ns != nullptr) gearman_client_set_namespace(c, ns, std::strlen(ns));
    for (const job& j : jobs) {
      gearman_return_t rc;
      using add_fn = decltype(&gearman_client_add_task_background);
      add_fn add = j.background
                       ? (j.prio == GEARMAN_JOB_PRIORITY_HIGH  ? gearman_client_add_task_high_background
                          : j.prio == GEARMAN_JOB_PRIORITY_LOW ? gearman_client_add_task_low_background
                                                               : gearman_client_add_task_background)
                       : (j.prio == GEARMAN_JOB_PRIORITY_HIGH  ? gearman_client_add_task_high
                          : j.prio == GEARMAN_JOB_PRIORITY_LOW ? gearman_client_add_task_low
                                                               : gearman_client_add_task);
      add(c, nullptr, nullptr, j.function.c_str(), j.unique, j.workload.empty() ? nullptr : j.workload.data(),
          j.workload.size(), &rc);
      EXPECT_EQ(rc, GEARMAN_SUCCESS);
    }
    EXPECT_EQ(gearman_client_run_tasks(c), GEARMAN_SUCCESS);
    gearman_client_free(c);
  });
}

std::string reference_batch(const std::vector<job>& jobs, const char* ns = nullptr) {
  return record([&](std::uint16_t port) {
    gc::client c;
    c.add_server("127.0.0.1", port);
    c.set_timeout(test_timeout_ms);
    if (ns != nullptr) c.set_namespace(ns);
    std::vector<gc::task> tasks(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const job& j = jobs[i];
      EXPECT_EQ(c.add_task(tasks[i],
                           {j.function, j.unique ? j.unique : "", j.workload, to_cpp(j.prio), j.background}),
                gc::return_code::success);
    }
    EXPECT_EQ(c.run_tasks(), gc::return_code::success) << c.error();
  });
}

// ---- comparisons -----------------------------------------------------------------

TEST(Differential, EachSubmitVariantIsByteIdentical) {
  for (gearman_job_priority_t prio :
       {GEARMAN_JOB_PRIORITY_NORMAL, GEARMAN_JOB_PRIORITY_HIGH, GEARMAN_JOB_PRIORITY_LOW}) {
    for (bool background : {true, false}) {
      const std::vector<job> jobs{{"g_capi", "u-1", "payload", prio, background}};
      const std::string lib = libgearman_batch(jobs);
      EXPECT_EQ(proto::escape_bytes(reference_batch(jobs)), proto::escape_bytes(lib))
          << "prio " << prio << " background " << background;
      EXPECT_FALSE(lib.empty());
    }
  }
}

TEST(Differential, WorkloadsWithNulsEmptyAndLargeAreByteIdentical) {
  for (const std::string& workload : {"ab\0cd\0\0ef"s, ""s, std::string(100000, '\xee')}) {
    const std::vector<job> jobs{{"fn", "u", workload}};
    EXPECT_EQ(reference_batch(jobs), libgearman_batch(jobs)) << workload.size();
  }
}

TEST(Differential, HashDashAnd63ByteUniquesAreByteIdentical) {
  const std::string sixty_three(63, 'q');
  for (const char* unique : {"#", "-", sixty_three.c_str()}) {
    const std::vector<job> jobs{{"fn", unique, "hello"}};
    EXPECT_EQ(reference_batch(jobs), libgearman_batch(jobs)) << unique;
  }
}

TEST(Differential, NamespaceIsPrependedTheSameWay) {
  const std::vector<job> jobs{{"fn", "u", "w"}};
  EXPECT_EQ(reference_batch(jobs, "ns_"), libgearman_batch(jobs, "ns_"));
}

TEST(Differential, GeneratedUniquesDifferOnlyInValue) {
  const std::vector<job> jobs{{"fn", nullptr, "w"}};
  const auto lib = packets(libgearman_batch(jobs));
  const auto ref = packets(reference_batch(jobs));
  ASSERT_EQ(lib.size(), 1u);
  ASSERT_EQ(ref.size(), 1u);
  EXPECT_EQ(ref[0].cmd, lib[0].cmd);
  EXPECT_EQ(ref[0].args[0], lib[0].args[0]);
  EXPECT_EQ(ref[0].data, lib[0].data);
  EXPECT_EQ(lib[0].args[1].size(), 36u);
  EXPECT_EQ(ref[0].args[1].size(), 36u);
  // Divergence: libgearman generates a time-based v1 UUID, the reference a random v4.
  EXPECT_EQ(lib[0].args[1][14], '1');
  EXPECT_EQ(ref[0].args[1][14], '4');
}

TEST(Differential, DivergenceSixtyFourByteUniqueIsCutByLibgearmanOnly) {
  const std::string sixty_four(64, 'u');
  const std::vector<job> jobs{{"fn", sixty_four.c_str(), "w"}};
  const auto lib = packets(libgearman_batch(jobs));
  const auto ref = packets(reference_batch(jobs));
  ASSERT_EQ(lib.size(), 1u);
  ASSERT_EQ(ref.size(), 1u);
  EXPECT_EQ(lib[0].args[1], sixty_four.substr(0, 63));
  EXPECT_EQ(ref[0].args[1], sixty_four);
}

TEST(Differential, DivergenceBatchOrderLibgearmanReversesTheReferenceKeepsAddOrder) {
  const std::vector<job> jobs{{"fn", "m1", "1"}, {"fn", "m2", "2"}, {"fn", "m3", "3"}};
  const auto lib = packets(libgearman_batch(jobs));
  const auto ref = packets(reference_batch(jobs));
  ASSERT_EQ(lib.size(), 3u);
  ASSERT_EQ(ref.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(ref[i].args[1], "m" + std::to_string(i + 1)) << "reference: add order";
    EXPECT_EQ(lib[i].args[1], "m" + std::to_string(3 - i)) << "libgearman 1.1.20: reverse order";
    EXPECT_EQ(ref[i], lib[2 - i]) << "same packets otherwise";
  }
}

TEST(Differential, DoBackgroundJobStatusAndEchoAreByteIdentical) {
  const std::string lib = record([](std::uint16_t port) {
    gearman_client_st* c = gearman_client_create(nullptr);
    gearman_client_add_server(c, "127.0.0.1", port);
    gearman_client_set_timeout(c, test_timeout_ms);
    gearman_job_handle_t h;
    EXPECT_EQ(gearman_client_do_background(c, "fn", "a", "1", 1, h), GEARMAN_SUCCESS);
    EXPECT_EQ(gearman_client_do_high_background(c, "fn", "b", "2", 1, h), GEARMAN_SUCCESS);
    EXPECT_EQ(gearman_client_do_low_background(c, "fn", "c", "3", 1, h), GEARMAN_SUCCESS);
    bool known, running;
    uint32_t n, d;
    EXPECT_EQ(gearman_client_job_status(c, "H:rec:x", &known, &running, &n, &d), GEARMAN_SUCCESS);
    EXPECT_EQ(gearman_client_echo(c, "ping\0", 5), GEARMAN_SUCCESS);
    gearman_client_free(c);
  });
  const std::string ref = record([](std::uint16_t port) {
    gc::client c;
    c.add_server("127.0.0.1", port);
    c.set_timeout(test_timeout_ms);
    std::string h;
    EXPECT_EQ(c.do_background({"fn", "a", "1", gc::priority::normal}, h), gc::return_code::success);
    EXPECT_EQ(c.do_background({"fn", "b", "2", gc::priority::high}, h), gc::return_code::success);
    EXPECT_EQ(c.do_background({"fn", "c", "3", gc::priority::low}, h), gc::return_code::success);
    gc::job_status status;
    EXPECT_EQ(c.get_job_status("H:rec:x", status), gc::return_code::success);
    EXPECT_EQ(c.echo("ping\0"s), gc::return_code::success);
  });
  EXPECT_EQ(proto::escape_bytes(ref), proto::escape_bytes(lib));
}

}  // namespace
