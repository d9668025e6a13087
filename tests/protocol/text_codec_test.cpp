// Hex and base64: round trips, the accepted spellings and every reject.
#include <gtest/gtest.h>

#include "gearspec/protocol/error.hpp"
#include "gearspec/util/encoding.hpp"

namespace gp = gearspec::proto;

TEST(Base64Decode, RejectsPaddingThatDoesNotCompleteTheGroup) {
  std::string out;
  EXPECT_EQ(gearspec::util::base64_decode("QUJD=", out), std::errc::illegal_byte_sequence);  // needs none
  EXPECT_EQ(gearspec::util::base64_decode("QUI==", out), std::errc::illegal_byte_sequence);  // needs one
  EXPECT_EQ(gearspec::util::base64_decode("QQ=", out), std::errc::illegal_byte_sequence);    // needs two
  EXPECT_EQ(gearspec::util::base64_decode("=", out), std::errc::illegal_byte_sequence);
  EXPECT_FALSE(gearspec::util::base64_decode("QQ==", out));
  EXPECT_EQ(out, "A");
  EXPECT_FALSE(gearspec::util::base64_decode("QUI=", out));
  EXPECT_EQ(out, "AB");
}

TEST(Hex, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const auto hex = gearspec::util::to_hex(all);
  EXPECT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(504), "fcfdfeff");
  std::string back;
  ASSERT_FALSE(gearspec::util::from_hex(hex, back));
  EXPECT_EQ(back, all);
  EXPECT_EQ(gearspec::util::to_hex(""), "");
}

TEST(Hex, AcceptsUpperCaseAndSeparatorsBetweenBytes) {
  std::string out;
  ASSERT_FALSE(gearspec::util::from_hex("00 52:45\t51\n\rAB ff", out));
  EXPECT_EQ(out, std::string("\0REQ\xab\xff", 6));
  ASSERT_FALSE(gearspec::util::from_hex("", out));
  EXPECT_EQ(out, "");
}

TEST(Hex, Rejects) {
  std::string out;
  for (std::string_view bad : {"0", "abc", "0g", "zz", "0 0", "0:0", "-1", "0x00"})
    EXPECT_EQ(gearspec::util::from_hex(bad, out), std::errc::illegal_byte_sequence) << bad;
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(gearspec::util::base64_encode(plain), encoded);
    std::string out;
    ASSERT_FALSE(gearspec::util::base64_decode(encoded, out)) << encoded;
    EXPECT_EQ(out, plain);
  }
  EXPECT_EQ(gearspec::util::base64_encode(std::string("\0\xff\xfe", 3)), "AP/+");
}

TEST(Base64, PaddingOptionalWhitespaceIgnored) {
  std::string out;
  ASSERT_FALSE(gearspec::util::base64_decode("Zm9vYg", out));
  EXPECT_EQ(out, "foob");
  ASSERT_FALSE(gearspec::util::base64_decode(" Zm9v\nYmE=\r\n", out));
  EXPECT_EQ(out, "fooba");
}

TEST(Base64, Rejects) {
  std::string out;
  for (std::string_view bad :
       {"Z", "Zm9vY", "Zg=a", "Zg==Zg==", "Zm-v", "Zm_v", "Zm9v!", "Zh==", "Zm9=", "==="})
    EXPECT_EQ(gearspec::util::base64_decode(bad, out), std::errc::illegal_byte_sequence) << bad;
}
