// Unique-assignment properties (issue 6 item 3, SEMANTICS.md 3): caller
// uniques of 1..64 bytes travel byte-exact; absent or empty ones become valid,
// distinct RFC 4122 version-4 UUIDs in any batch and across processes; "#"
// is the MurmurHash3 rule (checked against an independent implementation
// below, not the client's); gearman_task_unique is always the unique on the
// wire, from the moment the add call returns.
#include <libgearman/gearman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <set>
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

/// MurmurHash3_x86_32 written from Austin Appleby's description, independent
/// of the client's copy, so a mistake there cannot hide here.
std::uint32_t reference_murmur3(std::string_view key, std::uint32_t seed) {
  const auto rotl = [](std::uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  constexpr std::uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
  std::uint32_t h = seed;
  const std::size_t blocks = key.size() / 4;
  for (std::size_t i = 0; i < blocks; ++i) {
    std::uint32_t k = 0;
    for (int b = 3; b >= 0; --b)
      k = (k << 8) | static_cast<unsigned char>(key[i * 4 + static_cast<std::size_t>(b)]);
    h ^= rotl(k * c1, 15) * c2;
    h = rotl(h, 13) * 5 + 0xe6546b64u;
  }
  std::uint32_t tail = 0;
  for (std::size_t i = key.size() % 4; i > 0; --i)
    tail = (tail << 8) | static_cast<unsigned char>(key[blocks * 4 + i - 1]);
  if (key.size() % 4 != 0) h ^= rotl(tail * c1, 15) * c2;
  h ^= static_cast<std::uint32_t>(key.size());
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

std::string hash_rule(std::string_view workload) {
  const auto seed = static_cast<std::uint32_t>(0xdeadbeefu * static_cast<std::uint32_t>(workload.size()));
  return std::to_string(reference_murmur3(workload, seed));
}

/// 36 lowercase chars 8-4-4-4-12, version nibble 4, variant 10xx (RFC 4122 4.4).
bool is_v4_uuid(std::string_view u) {
  if (u.size() != client::uuid_size) return false;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const bool dash_place = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = (u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f');
    if (dash_place ? u[i] != '-' : !hex) return false;
  }
  return u[14] == '4' && std::strchr("89ab", u[19]) != nullptr;
}

/// Submit each input through a session; returns the uniques on the wire and
/// asserts each equals the task's unique().
std::vector<std::string> wire_uniques(const std::vector<submit_input>& inputs) {
  client::session s;
  std::vector<client::task> tasks(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i)
    RC_ASSERT(s.submit(tasks[i], inputs[i].request()) == return_code::success);
  std::error_code ec;
  const auto packets = proto::decode_all(s.output(), ec);
  RC_ASSERT(!ec);
  RC_ASSERT(packets.size() == inputs.size());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    RC_ASSERT(packets[i].args[1] == tasks[i].unique());
    out.push_back(packets[i].args[1]);
  }
  return out;
}

std::vector<submit_input> with_unique(std::vector<submit_input> inputs, const std::string& unique) {
  for (auto& in : inputs) in.unique = unique;
  return inputs;
}

TEST(UniqueProperty, CallerUniquesTravelByteExact) {
  test::check_property(
      [] {
        auto in = *valid_submit(256);
        in.unique = *rc::gen::weightedOneOf<std::string>(
            {{9, caller_unique()}, {1, rc::gen::just(std::string{"-"})}});
        RC_ASSERT(wire_uniques({in}) == std::vector<std::string>{in.unique});
      },
      standard_cases);
}

TEST(UniqueProperty, AbsentUniquesAreDistinctVersion4Uuids) {
  test::check_property(
      [] {
        const auto count = *rc::gen::inRange<std::size_t>(1, 300);
        const auto uniques =
            wire_uniques(with_unique(std::vector<submit_input>(count, *valid_submit(16)), ""));
        for (const auto& u : uniques) RC_ASSERT(is_v4_uuid(u));
        RC_ASSERT(std::set<std::string>(uniques.begin(), uniques.end()).size() == uniques.size());
      },
      standard_cases);
}

/// `count` uniques generated in a forked child (sent back through a pipe,
/// 36 bytes each). Parent and child continue from the same memory, which is
/// exactly where a generator seeded once per process repeats itself.
std::vector<std::string> uniques_from_child(std::size_t count) {
  int fds[2];
  RC_ASSERT(::pipe(fds) == 0);
  const pid_t child = ::fork();
  RC_ASSERT(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    client::session s;
    std::vector<client::task> tasks(count);
    std::string out;
    for (auto& t : tasks) {
      if (s.submit(t, {"f", "", "w"}) != return_code::success) ::_exit(2);
      out.append(t.unique());
    }
    const bool ok = ::write(fds[1], out.data(), out.size()) == static_cast<ssize_t>(out.size());
    ::_exit(ok ? 0 : 3);
  }
  ::close(fds[1]);
  std::string bytes;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
    bytes.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  RC_ASSERT(::waitpid(child, &status, 0) == child);
  RC_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  RC_ASSERT(bytes.size() == count * client::uuid_size);
  std::vector<std::string> all;
  for (std::size_t i = 0; i < count; ++i)
    all.push_back(bytes.substr(i * client::uuid_size, client::uuid_size));
  return all;
}

TEST(UniqueProperty, AbsentUniquesAreDistinctAcrossProcesses) {
  test::check_property(
      [] {
        const auto in_child = *rc::gen::inRange<std::size_t>(1, 16);
        const auto in_parent = *rc::gen::inRange<std::size_t>(1, 16);
        auto uniques = uniques_from_child(in_child);
        const auto mine =
            wire_uniques(with_unique(std::vector<submit_input>(in_parent, *valid_submit(16)), ""));
        uniques.insert(uniques.end(), mine.begin(), mine.end());
        for (const auto& u : uniques) RC_ASSERT(is_v4_uuid(u));
        RC_ASSERT(std::set<std::string>(uniques.begin(), uniques.end()).size() == uniques.size());
      },
      cases(1000, 100));
}

TEST(UniqueProperty, HashUniqueIsMurmur3OfTheWorkload) {
  // The published vectors (SEMANTICS.md 3) pin the reference implementation itself.
  ASSERT_EQ(hash_rule("coalescence_by_data_hash_TEST"), "2285535048");
  ASSERT_EQ(hash_rule("w"), "3041190541");
  ASSERT_EQ(hash_rule("hello"), "1067880409");
  ASSERT_EQ(hash_rule(""), "0");
  test::check_property(
      [] {
        auto in = *valid_submit(64 * 1024);
        in.unique = "#";
        RC_ASSERT(wire_uniques({in}) == std::vector<std::string>{hash_rule(in.workload)});
      },
      standard_cases);
}

TEST(UniqueProperty, TaskUniqueIsTheUniqueOnTheWire) {
  test::check_property(
      [] {
        const auto inputs = *rc::gen::resize(
            6, rc::gen::nonEmpty(rc::gen::container<std::vector<submit_input>>(valid_submit(256))));
        const auto null_unique =
            *rc::gen::container<std::vector<bool>>(inputs.size(), rc::gen::arbitrary<bool>());
        mock::server server{mock::options{}};
        server.start();
        std::vector<std::string> at_add, after_run;
        gearman_client_st* c = gearman_client_create(nullptr);
        gearman_client_add_server(c, "127.0.0.1", server.port());
        gearman_client_set_timeout(c, 2000);
        std::vector<gearman_task_st*> tasks;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const auto& in = inputs[i];
          gearman_return_t ret = GEARMAN_UNKNOWN_STATE;
          const char* unique = in.unique.empty() && null_unique[i] ? nullptr : in.unique.c_str();
          tasks.push_back(gearman_client_add_task_background(
              c, nullptr, nullptr, in.function.c_str(), unique,
              in.workload.empty() ? nullptr : in.workload.data(), in.workload.size(), &ret));
          RC_ASSERT(ret == GEARMAN_SUCCESS);
          at_add.emplace_back(gearman_task_unique(tasks.back()));
        }
        const gearman_return_t run = gearman_client_run_tasks(c);
        for (gearman_task_st* t : tasks) {
          after_run.emplace_back(gearman_task_unique(t));
          gearman_task_free(t);
        }
        gearman_client_free(c);
        server.stop();
        RC_ASSERT(run == GEARMAN_SUCCESS);
        std::error_code ec;
        const auto packets = proto::decode_all(received_by(server), ec);
        RC_ASSERT(!ec);
        RC_ASSERT(packets.size() == inputs.size());
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          RC_ASSERT(at_add[i] == packets[i].args[1]);
          RC_ASSERT(after_run[i] == packets[i].args[1]);
        }
      },
      cases(1000, 200));
}

}  // namespace
}  // namespace gearspec::property
