// The one decimal reader: digits only, range-checked.
#include "gearspec/util/decimal.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace gu = gearspec::util;

TEST(Decimal, ReadsDigits) {
  EXPECT_EQ(gu::decimal("0"), 0u);
  EXPECT_EQ(gu::decimal("42"), 42u);
  EXPECT_EQ(gu::decimal("000000000000000000000000007"), 7u) << "leading zeros, any number of them";
  EXPECT_EQ(gu::decimal("18446744073709551615"), UINT64_MAX);
  static_assert(*gu::decimal("65535", UINT16_MAX) == 65535);
}

TEST(Decimal, RejectsEverythingButDigits) {
  for (const char* bad : {"", "+1", "-1", " 1", "1 ", "1a", "0x10", "1.5", "1e3", "\xd9\xa1"}) {
    std::uint64_t out = 99;
    EXPECT_EQ(gu::parse_decimal(bad, out), std::errc::invalid_argument) << bad;
    EXPECT_EQ(out, 99u) << "untouched on failure: " << bad;
  }
  EXPECT_EQ(gu::decimal(std::string_view{"1\0", 2}), std::nullopt);
}

TEST(Decimal, OverflowIsOutOfRangeNotWrapped) {
  std::uint64_t out = 0;
  EXPECT_EQ(gu::parse_decimal("18446744073709551616", out), std::errc::result_out_of_range);
  EXPECT_EQ(gu::parse_decimal("99999999999999999999999", out), std::errc::result_out_of_range);
  EXPECT_EQ(gu::parse_decimal("99999999999999999999999x", out), std::errc::invalid_argument)
      << "a non-digit anywhere makes it no number at all";
  EXPECT_EQ(gu::parse_decimal("36893488147419103232", out), std::errc::result_out_of_range)
      << "2^65 does not wrap";
}

TEST(Decimal, MaxIsInclusive) {
  EXPECT_EQ(gu::decimal("4294967295", UINT32_MAX), 4294967295u);
  EXPECT_EQ(gu::decimal("4294967296", UINT32_MAX), std::nullopt);
  EXPECT_EQ(gu::decimal("65536", UINT16_MAX), std::nullopt);
  EXPECT_EQ(gu::decimal("0", 0), 0u);
  EXPECT_EQ(gu::decimal("1", 0), std::nullopt);
  EXPECT_EQ(gu::decimal("9", 5), std::nullopt) << "a single digit above a small max";
  EXPECT_EQ(gu::decimal("10", 9), std::nullopt);
  std::uint64_t out = 0;
  EXPECT_EQ(gu::parse_decimal("9223372036854775808", out, INT64_MAX), std::errc::result_out_of_range);
  EXPECT_EQ(gu::parse_decimal("9223372036854775807", out, INT64_MAX), std::errc{});
  EXPECT_EQ(out, static_cast<std::uint64_t>(INT64_MAX));
}
