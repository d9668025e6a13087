// Unique assignment (SEMANTICS.md 3): byte-exact caller uniques, the '#'
// MurmurHash3 vectors, '-' verbatim, and RFC 4122 v4 UUIDs that are unique
// across tasks and across forked processes.
#include "gearspec/client/unique.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <unordered_set>

#include "gearspec/client/session.hpp"

namespace gearspec::client {
namespace {

using namespace std::string_literals;

std::string assigned(std::string_view caller, std::string_view workload, unique_rule* rule = nullptr) {
  unique_value out;
  const unique_rule r = assign_unique(caller, workload, out);
  if (rule != nullptr) *rule = r;
  return std::string{out.view()};
}

bool is_v4_uuid(std::string_view s) {
  if (s.size() != uuid_size) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  const char variant = s[19];
  return s[14] == '4' && (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

TEST(Unique, MurmurVectorsOfTheHashRule) {
  EXPECT_EQ(assigned("#", "coalescence_by_data_hash_TEST"), "2285535048");
  EXPECT_EQ(assigned("#", "w"), "3041190541");
  EXPECT_EQ(assigned("#", "hello"), "1067880409");
  EXPECT_EQ(assigned("#", ""), "0");
  EXPECT_EQ(assigned("#", "payload"), "3534499601");
  unique_rule rule{};
  assigned("#", "w", &rule);
  EXPECT_EQ(rule, unique_rule::workload_hash);
}

TEST(Unique, MurmurReferenceValues) {
  // Published MurmurHash3_x86_32 test values.
  EXPECT_EQ(murmur3_x86_32("", 0, 0), 0u);
  EXPECT_EQ(murmur3_x86_32("", 0, 1), 0x514E28B7u);
  EXPECT_EQ(murmur3_x86_32("", 0, 0xffffffffu), 0x81F16F39u);
  EXPECT_EQ(murmur3_x86_32("\0\0\0\0", 4, 0), 0x2362F9DEu);
  EXPECT_EQ(murmur3_x86_32("aaaa", 4, 0x9747b28cu), 0x5A97808Au);
  EXPECT_EQ(murmur3_x86_32("Hello, world!", 13, 0x9747b28cu), 0x24884CBAu);
  EXPECT_EQ(workload_hash("w"), 3041190541u);
}

TEST(Unique, CallerBytesAreKeptByteExactUpTo64) {
  for (std::size_t n : {1u, 2u, 36u, 63u, 64u}) {
    std::string u(n, 'x');
    u[0] = '\x01';
    u[n - 1] = '\xff';
    unique_rule rule{};
    EXPECT_EQ(assigned(u, "w", &rule), u) << n;
    EXPECT_EQ(rule, unique_rule::caller);
  }
  EXPECT_EQ(assigned("##", "w"), "##");
  EXPECT_EQ(assigned(" #", "w"), " #");
}

TEST(Unique, DashIsVerbatim) {
  unique_rule rule{};
  EXPECT_EQ(assigned("-", "workload", &rule), "-");
  EXPECT_EQ(rule, unique_rule::dash);
}

TEST(Unique, EmptyGetsAVersion4Uuid) {
  unique_rule rule{};
  const std::string u = assigned("", "w", &rule);
  EXPECT_EQ(rule, unique_rule::generated_uuid);
  EXPECT_TRUE(is_v4_uuid(u)) << u;
}

TEST(Unique, UuidsAreDistinctAcross100kTasks) {
  session s;
  std::unordered_set<std::string> seen;
  seen.reserve(100000);
  std::vector<task> tasks(1000);
  for (int round = 0; round < 100; ++round) {
    for (task& t : tasks) {
      ASSERT_EQ(s.submit(t, {"f", "", "w"}), return_code::success);
      ASSERT_TRUE(is_v4_uuid(t.unique())) << t.unique();
      ASSERT_TRUE(seen.emplace(t.unique()).second) << "repeated " << t.unique();
    }
    for (task& t : tasks) s.detach(t);
  }
  EXPECT_EQ(seen.size(), 100000u);
}

TEST(Unique, UuidsAreDistinctAcrossForkedProcesses) {
  constexpr int children = 4;
  constexpr int per_child = 5000;
  int fds[children][2];
  pid_t pids[children];
  for (int i = 0; i < children; ++i) {
    ASSERT_EQ(::pipe(fds[i]), 0);
    pids[i] = ::fork();
    ASSERT_GE(pids[i], 0);
    if (pids[i] == 0) {  // child: write per_child UUIDs and exit without running gtest teardown
      ::close(fds[i][0]);
      for (int k = 0; k < per_child; ++k) {
        char uuid[uuid_size];
        generate_uuid(uuid);
        if (::write(fds[i][1], uuid, uuid_size) != static_cast<ssize_t>(uuid_size)) ::_exit(1);
      }
      ::_exit(0);
    }
    ::close(fds[i][1]);
  }
  std::unordered_set<std::string> seen;
  for (int k = 0; k < per_child; ++k) {  // the parent's own
    char uuid[uuid_size];
    generate_uuid(uuid);
    seen.emplace(uuid, uuid_size);
  }
  for (int i = 0; i < children; ++i) {
    std::string all;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::read(fds[i][0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      all.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[i][0]);
    int status = 0;
    ASSERT_EQ(::waitpid(pids[i], &status, 0), pids[i]);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_EQ(all.size(), per_child * uuid_size);
    for (std::size_t off = 0; off < all.size(); off += uuid_size) {
      const std::string u = all.substr(off, uuid_size);
      ASSERT_TRUE(is_v4_uuid(u)) << u;
      ASSERT_TRUE(seen.insert(u).second) << "UUID repeated across processes: " << u;
    }
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>((children + 1) * per_child));
}

}  // namespace
}  // namespace gearspec::client
