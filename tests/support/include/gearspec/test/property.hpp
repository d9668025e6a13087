// GEARSPEC_PROPERTY: a RapidCheck property as a GoogleTest test that runs at
// least 1000 cases (RapidCheck's own default is 100).
//
//   GEARSPEC_PROPERTY(Codec, RoundTrip, (const gearspec::proto::packet& p)) {
//     RC_ASSERT(...);
//   }
//
// RC_PARAMS still works as documented by RapidCheck: "max_success=N" there
// overrides the minimum (e.g. a quick local run with 50), and
// "reproduce=..." replays a failure printed by an earlier run.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <iostream>
#include <sstream>
#include <string>
#include <utility>

namespace gearspec::test {

/// Cases every gearspec property runs unless RC_PARAMS sets max_success.
inline constexpr int default_min_success = 1000;

/// RapidCheck's configured parameters (RC_PARAMS), with maxSuccess raised to
/// `min_success` when RC_PARAMS does not set max_success itself.
rc::detail::TestParams property_params(int min_success = default_min_success);

/// Run one property inside the current GoogleTest test; a failure (with its
/// shrunk counterexample and reproduce string) fails the test.
template <typename Testable>
void check_property(Testable&& testable, int min_success = default_min_success) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string{info->test_suite_name()} + "/" + info->name();
  metadata.description = info->name();
  const auto result =
      rc::detail::checkTestable(std::forward<Testable>(testable), metadata, property_params(min_success));
  if (result.template is<rc::detail::SuccessResult>()) {
    // Show the RC_CLASSIFY / RC_TAG distribution, as RC_GTEST_PROP does.
    if (!result.template get<rc::detail::SuccessResult>().distribution.empty()) {
      rc::detail::printResultMessage(result, std::cout);
      std::cout << std::endl;
    }
  } else {
    std::ostringstream message;
    rc::detail::printResultMessage(result, message);
    FAIL() << message.str();
  }
}

}  // namespace gearspec::test

/// Defines a RapidCheck property as a GoogleTest test running >= 1000 cases.
#define GEARSPEC_PROPERTY(Suite, Name, ArgList)                                                \
  void gearspec_property_##Suite##_##Name ArgList;                                             \
  TEST(Suite, Name) { ::gearspec::test::check_property(&gearspec_property_##Suite##_##Name); } \
  void gearspec_property_##Suite##_##Name ArgList
