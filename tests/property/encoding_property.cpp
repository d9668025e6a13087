// Encoding properties (issue 6 item 2, SEMANTICS.md 2 and 4): whatever valid
// (function, unique, workload, priority) a caller passes, the reference
// client sends exactly one SUBMIT_*_BG packet per task whose arguments are the
// inputs byte for byte; whatever invalid arguments, it refuses them locally
// with the documented code and sends nothing. Checked in memory through the
// sans-I/O session and over TCP through the C API to an in-process gearmock.
#include <libgearman/gearman.h>

#include <string>
#include <vector>

#include "gearspec/client/session.hpp"
#include "gearspec/mock/server.hpp"
#include "gearspec/property/cases.hpp"
#include "gearspec/property/mock_capture.hpp"
#include "gearspec/property/submit_input.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/test/generators.hpp"
#include "gearspec/test/property.hpp"

namespace gearspec::property {
namespace {

using proto::return_code;

/// The unique the client must put on the wire for a caller's value, where the
/// rule makes it predictable (generated UUIDs are checked by the unique suite).
bool unique_as_required(const submit_input& in, std::string_view sent) {
  if (in.unique.empty()) return sent.size() == client::uuid_size;
  if (in.unique == "#") return sent == std::to_string(client::workload_hash(in.workload));
  return sent == in.unique;  // caller bytes and "-" travel unchanged
}

/// RC_ASSERTs that `p` is the background submit of `in` carrying `unique`.
void assert_submit_packet(const proto::packet& p, const submit_input& in, std::string_view unique) {
  RC_ASSERT(p.mag == proto::magic::request);
  RC_ASSERT(p.cmd == in.command());
  RC_ASSERT(p.args.size() == 2u);
  RC_ASSERT(p.args[0] == in.function);
  RC_ASSERT(p.args[1] == unique);
  RC_ASSERT(p.data == in.workload);
  RC_ASSERT(unique_as_required(in, p.args[1]));
}

std::vector<proto::packet> decode_requests(std::string_view bytes) {
  std::error_code ec;
  std::size_t rest = 0;
  auto packets = proto::decode_all(bytes, ec, &rest);
  RC_ASSERT(!ec);
  RC_ASSERT(rest == 0u);
  return packets;
}

// ---- in memory: the session ---------------------------------------------------

TEST(EncodingProperty, SessionSendsOnePacketPerTaskWithTheInputBytes) {
  test::check_property(
      [] {
        const auto inputs = *rc::gen::resize(
            20, rc::gen::nonEmpty(rc::gen::container<std::vector<submit_input>>(valid_submit(64 * 1024))));
        client::session s;
        std::vector<client::task> tasks(inputs.size());
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          std::string why;
          RC_ASSERT(s.submit(tasks[i], inputs[i].request(), &why) == return_code::success);
          RC_ASSERT(tasks[i].command() == inputs[i].command());
        }
        s.connection_opened();
        const auto packets = decode_requests(s.output());
        RC_ASSERT(packets.size() == inputs.size());
        for (std::size_t i = 0; i < inputs.size(); ++i)
          assert_submit_packet(packets[i], inputs[i], tasks[i].unique());
      },
      standard_cases);
}

TEST(EncodingProperty, SessionRejectsInvalidArgumentsAndSendsNothing) {
  test::check_property(
      [] {
        const auto bad = *invalid_submit_gen(false);
        const auto good = *valid_submit(256);
        client::session s;
        client::task accepted, refused;
        RC_ASSERT(s.submit(accepted, good.request()) == return_code::success);
        const std::string before{s.output()};
        RC_ASSERT(s.submit(refused, bad.input.request()) == return_code::invalid_argument);
        // Nothing queued, nothing changed: the output holds only the good task.
        RC_ASSERT(std::string{s.output()} == before);
        RC_ASSERT(s.queued() == 1u);
        RC_ASSERT(refused.phase() == client::task_phase::idle);
        RC_ASSERT(refused.result() == return_code::unknown_state);
        RC_ASSERT(refused.unique().empty());
      },
      standard_cases);
}

// ---- over TCP: the C API against gearmock ---------------------------------------

using add_fn = gearman_task_st* (*)(gearman_client_st*, gearman_task_st*, void*, const char*, const char*,
                                    const void*, size_t, gearman_return_t*);

add_fn add_background_for(proto::priority p) {
  switch (p) {
    case proto::priority::high:
      return gearman_client_add_task_high_background;
    case proto::priority::low:
      return gearman_client_add_task_low_background;
    case proto::priority::normal:
      break;
  }
  return gearman_client_add_task_background;
}

/// A C client with `server` added and a short timeout; freed on scope exit.
struct c_client {
  gearman_client_st* raw = gearman_client_create(nullptr);
  explicit c_client(const mock::server& server) {
    gearman_client_add_server(raw, "127.0.0.1", server.port());
    gearman_client_set_timeout(raw, 2000);
  }
  ~c_client() { gearman_client_free(raw); }
};

TEST(EncodingProperty, CApiSendsTheInputBytesToGearmock) {
  test::check_property(
      [] {
        const auto in = *valid_submit(64 * 1024);
        const bool null_unique = in.unique.empty() && *rc::gen::arbitrary<bool>();
        mock::server server{mock::options{}};
        server.start();
        std::string unique_reported;
        {
          c_client c{server};
          gearman_return_t ret = GEARMAN_UNKNOWN_STATE;
          gearman_task_st* task = add_background_for(in.prio)(
              c.raw, nullptr, nullptr, in.function.c_str(), null_unique ? nullptr : in.unique.c_str(),
              in.workload.empty() ? nullptr : in.workload.data(), in.workload.size(), &ret);
          RC_ASSERT(ret == GEARMAN_SUCCESS);
          const bool added = task != nullptr;
          RC_ASSERT(added);
          RC_ASSERT(gearman_client_run_tasks(c.raw) == GEARMAN_SUCCESS);
          RC_ASSERT(gearman_task_return(task) == GEARMAN_SUCCESS);
          unique_reported = gearman_task_unique(task);
          gearman_task_free(task);
        }
        server.stop();
        const auto packets = decode_requests(received_by(server));
        RC_ASSERT(packets.size() == 1u);
        assert_submit_packet(packets[0], in, unique_reported);
      },
      cases(1000, 200));
}

/// C-level argument errors: the shared invalid rules plus the two workload
/// pointer/size rules only a C caller can break.
enum class c_fault { from_rule, workload_null_with_size, workload_pointer_with_zero_size, function_null };

TEST(EncodingProperty, CApiRejectsInvalidArgumentsAndSendsNothing) {
  mock::server server{mock::options{}};
  server.start();
  test::check_property(
      [&server] {
        const auto fault =
            *rc::gen::element(c_fault::from_rule, c_fault::workload_null_with_size,
                              c_fault::workload_pointer_with_zero_size, c_fault::function_null);
        auto in = fault == c_fault::from_rule ? (*invalid_submit_gen(true)).input : *valid_submit(256);
        const char* function = fault == c_fault::function_null ? nullptr : in.function.c_str();
        const void* workload = in.workload.empty() ? nullptr : in.workload.data();
        std::size_t size = in.workload.size();
        if (fault == c_fault::workload_null_with_size) {
          workload = nullptr;
          size = *rc::gen::inRange<std::size_t>(1, 1u << 20);
        }
        if (fault == c_fault::workload_pointer_with_zero_size) {
          workload = "x";
          size = 0;
        }
        RC_TAG(static_cast<int>(fault));
        const std::size_t received_before = received_by(server).size();
        c_client c{server};
        gearman_task_st caller_task{};
        caller_task.options.is_allocated = true;  // sentinel: must be left untouched
        gearman_return_t ret = GEARMAN_UNKNOWN_STATE;
        gearman_task_st* task = add_background_for(in.prio)(c.raw, &caller_task, nullptr, function,
                                                            in.unique.c_str(), workload, size, &ret);
        const bool refused = task == nullptr;
        RC_ASSERT(refused);
        RC_ASSERT(ret == GEARMAN_INVALID_ARGUMENT);
        RC_ASSERT(caller_task.options.is_allocated);
        const bool untouched = caller_task._impl == nullptr;
        RC_ASSERT(untouched);
        RC_ASSERT(gearman_client_run_tasks(c.raw) == GEARMAN_SUCCESS);  // nothing queued
        RC_ASSERT(received_by(server).size() == received_before);
      },
      standard_cases);
}

}  // namespace
}  // namespace gearspec::property
