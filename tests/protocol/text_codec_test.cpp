// Hex and base64: round trips, the accepted spellings and every reject.
#include "gearspec/protocol/text_codec.hpp"

#include <gtest/gtest.h>

#include "gearspec/protocol/error.hpp"

namespace gp = gearspec::proto;

TEST(Base64Decode, RejectsPaddingThatDoesNotCompleteTheGroup) {
  std::string out;
  EXPECT_EQ(gp::base64_decode("QUJD=", out), gp::errc::invalid_encoding);  // needs none
  EXPECT_EQ(gp::base64_decode("QUI==", out), gp::errc::invalid_encoding);  // needs one
  EXPECT_EQ(gp::base64_decode("QQ=", out), gp::errc::invalid_encoding);    // needs two
  EXPECT_EQ(gp::base64_decode("=", out), gp::errc::invalid_encoding);
  EXPECT_FALSE(gp::base64_decode("QQ==", out));
  EXPECT_EQ(out, "A");
  EXPECT_FALSE(gp::base64_decode("QUI=", out));
  EXPECT_EQ(out, "AB");
}
