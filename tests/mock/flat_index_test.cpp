// The open-addressing index under the job store, against a std::map model:
// random inserts and erases with deliberately colliding hashes.
#include "flat_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace gearspec::mock::detail {
namespace {

TEST(FlatIndex, MatchesAMapModelUnderCollisionsAndDeletes) {
  flat_index index;
  std::map<std::uint32_t, std::uint32_t> model;  // slot -> hash
  std::mt19937 rng{12345};
  std::uint32_t next_slot = 0;
  for (int step = 0; step < 20'000; ++step) {
    const bool insert = model.empty() || rng() % 3 != 0;
    if (insert) {
      // Some hashes repeat (equal-hash runs), some sit at the table's end (wrap-around).
      const std::uint32_t h = rng() % 4 == 0 ? rng() % 8 : rng() % 4 == 0 ? 0xFFFFFFFFu - rng() % 8 : rng();
      index.insert(h, next_slot);
      model[next_slot++] = h;
    } else {
      auto it = model.begin();
      std::advance(it, rng() % model.size());
      index.erase(it->second, it->first);
      model.erase(it);
    }
    if (step % 101 == 0) {
      for (const auto& [slot, h] : model)
        ASSERT_EQ(index.find(h, [slot = slot](std::uint32_t s) { return s == slot; }), slot)
            << "step " << step;
    }
  }
  EXPECT_EQ(index.size(), model.size());
  EXPECT_EQ(index.find(7, [](std::uint32_t) { return false; }), flat_index::npos);
}

}  // namespace
}  // namespace gearspec::mock::detail
