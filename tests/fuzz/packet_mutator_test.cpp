// The structure-aware mutator, directly: which operations keep a stream
// framed with correct size fields, what the size-breaking ones change, the
// size bound, and that a seed fixes the whole sequence.
#include "gearspec/fuzz/packet_mutator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "gearspec/fuzz/packet_stream.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::fuzz {
namespace {

namespace proto = gearspec::proto;
using op = stream_operation;

/// A server's answers to three background submits plus some traffic around them.
std::vector<std::string> valid_frames() {
  using proto::command;
  const auto res = proto::magic::response;
  return {proto::encode(res, command::job_created, {"H:fz:1"}),
          proto::encode(res, command::work_data, {"H:fz:1"}, "payload"),
          proto::encode(res, command::job_created, {"H:fz:2"}), proto::encode(res, command::noop, {}),
          proto::encode(res, command::error, {"QUEUE_ERROR", "full"})};
}

std::uint32_t declared_body(const std::string& frame) { return read_header(frame)->body_length; }

/// Every binary frame says exactly how long its body is, and cutting the
/// joined bytes again yields the same frames.
void expect_framed_with_true_sizes(const std::vector<std::string>& frames, op what) {
  for (const auto& f : frames) {
    ASSERT_TRUE(read_header(f)) << "operation " << static_cast<int>(what) << " left a frame without a header";
    EXPECT_EQ(declared_body(f), f.size() - proto::header_size) << "operation " << static_cast<int>(what);
  }
  EXPECT_EQ(split_stream(join_frames(frames)), frames) << "operation " << static_cast<int>(what);
}

std::size_t joined_size(const std::vector<std::string>& frames) { return join_frames(frames).size(); }

TEST(PacketStream, SplitsAtPacketBoundariesAndJoinsBackExactly) {
  const auto frames = valid_frames();
  const std::string bytes = join_frames(frames);
  EXPECT_EQ(split_stream(bytes), frames);
  // A partial last packet and an unframeable tail each become one opaque frame.
  const std::string partial = bytes + frames[0].substr(0, 5);
  const auto cut = split_stream(partial);
  ASSERT_EQ(cut.size(), frames.size() + 1);
  EXPECT_EQ(cut.back(), frames[0].substr(0, 5));
  EXPECT_EQ(join_frames(split_stream(bytes + "\0XYZ junk")), bytes + "\0XYZ junk");
}

TEST(PacketMutator, FramePreservingOperationsKeepEverySizeFieldTrue) {
  const std::set<op> preserving{
      op::drop,     op::duplicate,       op::swap,         op::shuffle, op::fragment,
      op::fix_size, op::mutate_argument, op::insert_packet};
  packet_mutator m(7, nullptr);
  std::map<op, int> seen;
  for (int i = 0; i < 4000; ++i) {
    auto frames = valid_frames();
    const op what = m.mutate_frames(frames, 4096);
    if (!preserving.count(what)) continue;
    ++seen[what];
    expect_framed_with_true_sizes(frames, what);
    if (::testing::Test::HasFailure()) return;
  }
  for (op o : preserving) EXPECT_GT(seen[o], 0) << "operation " << static_cast<int>(o) << " never chosen";
}

TEST(PacketMutator, FragmentSplitsOnePacketIntoTwoOfTheSameCommand) {
  packet_mutator m(11, nullptr);
  int fragments = 0;
  for (int i = 0; i < 4000 && fragments < 20; ++i) {
    auto frames = valid_frames();
    if (m.mutate_frames(frames, 4096) != op::fragment) continue;
    ++fragments;
    ASSERT_EQ(frames.size(), valid_frames().size() + 1);
    EXPECT_EQ(joined_size(frames), joined_size(valid_frames()) + proto::header_size);
  }
  EXPECT_EQ(fragments, 20);
}

TEST(PacketMutator, SizeBreakingOperationsChangeExactlyTheFieldTheyName) {
  packet_mutator m(3, nullptr);
  const auto original = valid_frames();
  std::map<op, int> seen;
  for (int i = 0; i < 4000; ++i) {
    auto frames = original;
    const op what = m.mutate_frames(frames, 4096);
    if (what == op::break_size) {
      ++seen[what];
      ASSERT_EQ(frames.size(), original.size());
      int changed = 0;
      for (std::size_t k = 0; k < frames.size(); ++k) {
        if (frames[k] == original[k]) continue;
        ++changed;
        // Only bytes 8..11 (the size field) differ.
        EXPECT_EQ(frames[k].substr(0, 8), original[k].substr(0, 8));
        EXPECT_EQ(frames[k].substr(12), original[k].substr(12));
      }
      EXPECT_LE(changed, 1);
    } else if (what == op::swap_command || what == op::swap_magic) {
      ++seen[what];
      ASSERT_EQ(frames.size(), original.size());
      for (std::size_t k = 0; k < frames.size(); ++k) {
        // Size field and body stay; only the magic or the command moves.
        EXPECT_EQ(frames[k].substr(8), original[k].substr(8));
        const std::size_t kept = what == op::swap_command ? 0 : 4;  // magic or command field
        EXPECT_EQ(frames[k].substr(kept, 4), original[k].substr(kept, 4));
      }
    } else if (what == op::truncate) {
      ++seen[what];
      // One frame becomes a proper prefix of itself; the stream may end there.
      ASSERT_LE(frames.size(), original.size());
      int cut = 0;
      for (std::size_t k = 0; k < frames.size(); ++k) {
        if (frames[k] == original[k]) continue;
        ++cut;
        EXPECT_LT(frames[k].size(), original[k].size());
        EXPECT_EQ(original[k].compare(0, frames[k].size(), frames[k]), 0);
      }
      EXPECT_EQ(cut, 1);
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(seen[op::break_size], 0);
  EXPECT_GT(seen[op::swap_command], 0);
  EXPECT_GT(seen[op::swap_magic], 0);
  EXPECT_GT(seen[op::truncate], 0);
}

TEST(PacketMutator, EveryOperationIsObserved) {
  packet_mutator m(1, nullptr);
  std::set<op> seen;
  for (int i = 0; i < 2000; ++i) {
    auto frames = valid_frames();
    seen.insert(m.mutate_frames(frames, 4096));
  }
  EXPECT_EQ(seen.size(), stream_operation_count);
}

TEST(PacketMutator, NeverGrowsTheStreamBeyondMaxSize) {
  packet_mutator m(5, nullptr);
  const std::size_t original = joined_size(valid_frames());
  for (const std::size_t max_size : {original, original + 10, original + 200}) {
    for (int i = 0; i < 2000; ++i) {
      auto frames = valid_frames();
      const op what = m.mutate_frames(frames, max_size);
      ASSERT_LE(joined_size(frames), max_size)
          << "operation " << static_cast<int>(what) << " max " << max_size;
    }
  }
  // The byte-level entry point honours max_size too, option prefix included.
  std::string buffer(512, '\0');
  const std::string stream = "\x01\x02" + join_frames(valid_frames());
  for (int i = 0; i < 2000; ++i) {
    std::copy(stream.begin(), stream.end(), buffer.begin());
    const std::size_t n = m.mutate(reinterpret_cast<std::uint8_t*>(buffer.data()), stream.size(), 160, 2);
    ASSERT_LE(n, 160u);
  }
}

TEST(PacketMutator, TheSameSeedGivesTheSameSequence) {
  auto run = [](unsigned seed) {
    packet_mutator m(seed, nullptr);
    std::vector<std::string> outputs;
    for (int i = 0; i < 200; ++i) {
      auto frames = valid_frames();
      m.mutate_frames(frames, 4096);
      outputs.push_back(join_frames(frames));
    }
    return outputs;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

TEST(PacketMutator, CrossOverKeepsTheFirstPrefixAndTheOutputBound) {
  packet_mutator m(9, nullptr);
  const std::string a = "AA" + join_frames(valid_frames());
  const std::string b = "BB" + proto::encode(proto::magic::response, proto::command::noop, {});
  std::string out(64, '\0');
  const auto* pa = reinterpret_cast<const std::uint8_t*>(a.data());
  const auto* pb = reinterpret_cast<const std::uint8_t*>(b.data());
  for (int i = 0; i < 200; ++i) {
    const std::size_t n = m.cross_over(pa, a.size(), 2, pb, b.size(), 2,
                                       reinterpret_cast<std::uint8_t*>(out.data()), out.size());
    ASSERT_GE(n, 2u);
    ASSERT_LE(n, out.size());
    EXPECT_EQ(out.substr(0, 2), "AA");
    // Whole frames only: what follows the prefix re-splits into complete packets.
    for (const auto& f : split_stream(out.substr(2, n - 2)))
      EXPECT_EQ(declared_body(f), f.size() - proto::header_size);
  }
  EXPECT_EQ(m.cross_over(pa, 1, 2, pb, b.size(), 2, reinterpret_cast<std::uint8_t*>(out.data()), out.size()),
            0u)
      << "a prefix longer than the input is refused";
}

}  // namespace
}  // namespace gearspec::fuzz
