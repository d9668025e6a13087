// GEARSPEC_PROPERTY / check_property run at least 1000 cases by default.
#include "gearspec/test/property.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

TEST(PropertyParams, RaiseMaxSuccessToTheMinimum) {
  if (std::getenv("RC_PARAMS") != nullptr) GTEST_SKIP() << "RC_PARAMS is set; the default does not apply";
  EXPECT_GE(gearspec::test::property_params().maxSuccess, 1000);
  EXPECT_GE(gearspec::test::property_params(5000).maxSuccess, 5000);
}

TEST(PropertyParams, CheckPropertyRunsTheMinimumNumberOfCases) {
  if (std::getenv("RC_PARAMS") != nullptr) GTEST_SKIP() << "RC_PARAMS is set; the default does not apply";
  int runs = 0;
  gearspec::test::check_property([&runs](int) { ++runs; });
  EXPECT_GE(runs, gearspec::test::default_min_success);
}

// The macro defines a GoogleTest test whose body is a RapidCheck property.
GEARSPEC_PROPERTY(PropertyMacro, DefinesAGoogleTest, (const std::vector<int>& v)) {
  auto twice = v;
  std::reverse(twice.begin(), twice.end());
  RC_ASSERT(twice.size() == v.size());
  std::reverse(twice.begin(), twice.end());
  RC_ASSERT(twice == v);
}
