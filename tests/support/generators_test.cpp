// The shared generators produce what they promise: valid, encodable values,
// and every edge case they document, often enough to matter in 1000 cases.
#include "gearspec/test/generators.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/limits.hpp"

namespace gp = gearspec::proto;
namespace tg = gearspec::test::gen;

namespace {

// `count` values of `g` drawn with a fixed seed over the whole size range
// RapidCheck uses (0..100), as in a 1000-case property run.
template <typename T>
std::vector<T> sample(const rc::Gen<T>& g, int count = 1000) {
  std::vector<T> out;
  rc::Random random{0x9ea5'5bec};
  for (int i = 0; i < count; ++i) out.push_back(g(random.split(), i % 101).value());
  return out;
}

std::set<std::size_t> lengths_of(const std::vector<std::string>& values) {
  std::set<std::size_t> lengths;
  for (const auto& v : values) lengths.insert(v.size());
  return lengths;
}

bool any_of(const std::vector<std::string>& values, bool (*pred)(const std::string&)) {
  return std::any_of(values.begin(), values.end(), pred);
}

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }
bool has_high_byte(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

void expect_lengths(const std::vector<std::string>& values, std::initializer_list<std::size_t> wanted) {
  const auto lengths = lengths_of(values);
  for (std::size_t n : wanted) EXPECT_TRUE(lengths.count(n)) << "no value of length " << n;
}

}  // namespace

TEST(Generators, FilledBytesAreDeterministicAndHonourNul) {
  EXPECT_EQ(tg::filled_bytes(300, 7, true), tg::filled_bytes(300, 7, true));
  EXPECT_NE(tg::filled_bytes(300, 7, true), tg::filled_bytes(300, 8, true));
  EXPECT_EQ(tg::filled_bytes(0, 7, true), "");
  EXPECT_FALSE(has_nul(tg::filled_bytes(100000, 3, false)));
  EXPECT_TRUE(has_nul(tg::filled_bytes(100000, 3, true)));
}

TEST(Generators, BytesCoverEdgesAndStayWithinMax) {
  const auto values = sample(tg::bytes(9000));
  expect_lengths(values, {0, 1, 63, 64, 65, 512, 513, 8192});
  EXPECT_TRUE(any_of(values, has_nul));
  EXPECT_TRUE(any_of(values, has_high_byte));
  EXPECT_TRUE(std::any_of(values.begin(), values.end(), [](const auto& s) { return s.size() > 1024; }));
  for (const auto& v : values) EXPECT_LE(v.size(), 9000u);
  for (const auto& v : sample(tg::bytes(3))) EXPECT_LE(v.size(), 3u);
}

TEST(Generators, NulFreeBytesNeverHoldNul) {
  const auto values = sample(tg::nul_free_bytes());
  EXPECT_FALSE(any_of(values, has_nul));
  expect_lengths(values, {0, 1, 64, 8192});
  for (const auto& v : values) EXPECT_LE(v.size(), tg::max_generated_argument);
}

TEST(Generators, FunctionNamesReachEveryLimit) {
  const auto values = sample(tg::function_name(), 2000);
  EXPECT_FALSE(any_of(values, has_nul));
  expect_lengths(values, {0, 1, 63, 64, 65, gp::max_function_size, gp::max_function_size + 1});
  EXPECT_TRUE(any_of(values, has_high_byte));
  EXPECT_TRUE(std::count(values.begin(), values.end(), "-"));
  EXPECT_TRUE(std::count(values.begin(), values.end(), "#"));
}

TEST(Generators, UniquesReachEveryLimit) {
  const auto values = sample(tg::unique(), 2000);
  EXPECT_FALSE(any_of(values, has_nul));
  expect_lengths(values, {0, 1, gp::uuid_size, 63, gp::max_unique_size, gp::max_unique_size + 1});
  EXPECT_TRUE(any_of(values, has_high_byte));
  EXPECT_TRUE(std::count(values.begin(), values.end(), "-"));
  EXPECT_TRUE(std::count(values.begin(), values.end(), "#"));
}

TEST(Generators, HandlesAndWorkloadsCoverEdges) {
  const auto handles = sample(tg::job_handle());
  expect_lengths(handles, {0, gp::max_job_handle_length, gp::job_handle_buffer_size});
  EXPECT_TRUE(
      std::any_of(handles.begin(), handles.end(), [](const auto& h) { return h.rfind("H:", 0) == 0; }));
  const auto workloads = sample(tg::workload());
  expect_lengths(workloads, {0, 1, 100});
  EXPECT_TRUE(any_of(workloads, has_nul));
  EXPECT_TRUE(std::any_of(workloads.begin(), workloads.end(), [](const auto& w) {
    return !w.empty() && w.find_first_not_of('\0') == std::string::npos;
  }));
  EXPECT_TRUE(std::any_of(workloads.begin(), workloads.end(), [](const auto& w) { return w.size() > 4096; }));
}

TEST(Generators, PacketsAreEncodableAndCoverEveryCommandAndMagic) {
  std::set<std::uint32_t> commands;
  std::set<std::pair<std::uint32_t, gp::magic>> pairs;
  for (const auto& p : sample(tg::packet(), 3000)) {
    std::string bytes;
    ASSERT_FALSE(gp::encode_to(bytes, p)) << gp::to_string(p);
    commands.insert(static_cast<std::uint32_t>(p.cmd));
    pairs.insert({static_cast<std::uint32_t>(p.cmd), p.mag});
    for (const auto& a : p.args) EXPECT_LE(a.size(), tg::max_generated_argument);
  }
  EXPECT_EQ(commands.size(), 42u) << "every wire command 1..42";
  for (const auto& row : gp::commands()) {
    if (!gp::is_wire_command(static_cast<std::uint32_t>(row.cmd))) continue;
    for (auto m : {gp::magic::request, gp::magic::response}) {
      if (gp::magic_fits(row.cmd, m)) {
        EXPECT_TRUE(pairs.count({static_cast<std::uint32_t>(row.cmd), m})) << row.name;
      }
    }
  }
}

TEST(Generators, PacketOfUsesTheRoleOfEachArgument) {
  for (const auto& p : sample(tg::packet_of(gp::command::submit_job_bg), 2000)) {
    ASSERT_EQ(p.args.size(), 2u);
    EXPECT_LE(p.args[0].size(), gp::max_function_size + 1);
    EXPECT_LE(p.args[1].size(), gp::max_unique_size + 1);
  }
  for (const auto& p : sample(tg::background_submit())) {
    EXPECT_TRUE(gp::is_background_submit(p.cmd));
    EXPECT_FALSE(p.cmd == gp::command::submit_job_epoch ||
                 p.cmd == gp::command::submit_reduce_job_background);
    EXPECT_EQ(p.mag, gp::magic::request);
  }
  for (auto c : sample(tg::submit_command())) EXPECT_TRUE(gp::is_submit(c));
}

TEST(Generators, AdminLinesAreSingleUnambiguousLines) {
  std::set<std::size_t> token_counts;
  for (const auto& line : sample(tg::admin_line())) {
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_FALSE(has_nul(line));
    EXPECT_FALSE(!line.empty() && line.back() == '\r');
    token_counts.insert(static_cast<std::size_t>(std::count(line.begin(), line.end(), ' ')));
  }
  EXPECT_GE(token_counts.size(), 5u);
}

TEST(Generators, MixedStreamsHoldBothKinds) {
  bool text = false, binary = false;
  for (const auto& stream : sample(tg::mixed_stream(), 200))
    for (const auto& m : stream) {
      (m.is_text ? text : binary) = true;
      const auto wire = m.wire();
      ASSERT_FALSE(wire.empty());
      EXPECT_EQ(wire[0] == '\0', !m.is_text);
    }
  EXPECT_TRUE(text);
  EXPECT_TRUE(binary);
}

TEST(Generators, CutsAreSortedDistinctAndInside) {
  for (std::size_t length : {0u, 1u, 2u, 10u, 5000u})
    for (const auto& cuts : sample(tg::cuts(length), 300)) {
      EXPECT_TRUE(std::is_sorted(cuts.begin(), cuts.end()));
      EXPECT_EQ(std::adjacent_find(cuts.begin(), cuts.end()), cuts.end());
      for (auto c : cuts) {
        EXPECT_GT(c, 0u);
        EXPECT_LT(c, length);
      }
    }
  const auto all = sample(tg::cuts(10), 300);
  EXPECT_TRUE(std::count(all.begin(), all.end(), std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}
