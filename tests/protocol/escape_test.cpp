// Escaped byte strings (scenario files, fuzz checks): every escape decodes to its byte, and each malformed
// escape is refused with what is wrong and where.
#include "gearspec/util/escape.hpp"

#include <gtest/gtest.h>

namespace gearspec::util {
namespace {

std::string decoded(std::string_view text) {
  std::string out, error;
  EXPECT_TRUE(unescape(text, out, error)) << text << ": " << error;
  return out;
}

std::string refusal(std::string_view text) {
  std::string out, error;
  EXPECT_FALSE(unescape(text, out, error)) << text << " was accepted as " << out;
  return error;
}

TEST(Unescape, EveryEscapeGivesItsByte) {
  EXPECT_EQ(decoded(R"(\0)"), std::string(1, '\0'));
  EXPECT_EQ(decoded(R"(\n\r\t)"), "\n\r\t");
  EXPECT_EQ(decoded(R"(\\)"), "\\");
  EXPECT_EQ(decoded(R"(\")"), "\"");
  EXPECT_EQ(decoded(R"(\')"), "'");
  EXPECT_EQ(decoded(R"(\x00\x7f\x80\xFF\xaB)"), std::string("\x00\x7f\x80\xff\xab", 5));
  EXPECT_EQ(decoded(R"(\0RES\x00\x00\x00\x08)"), std::string("\0RES\0\0\0\x08", 8));
  EXPECT_EQ(decoded("plain text, no escapes"), "plain text, no escapes");
  EXPECT_EQ(decoded(""), "");
}

TEST(Unescape, OutputIsReplacedNotAppended) {
  std::string out = "stale", error;
  ASSERT_TRUE(unescape("ab", out, error));
  EXPECT_EQ(out, "ab");
}

TEST(Unescape, MalformedEscapesSayWhatAndWhere) {
  EXPECT_EQ(refusal("abc\\"), "a lone '\\' at the end");
  EXPECT_EQ(refusal(R"(ab\q)"), "unknown escape '\\q' at offset 2");
  EXPECT_EQ(refusal(R"(\x4)"), "'\\x' followed by two hex digits at offset 0");
  EXPECT_EQ(refusal(R"(12\x)"), "'\\x' followed by two hex digits at offset 2");
  EXPECT_EQ(refusal(R"(\xg0)"), "'\\x' followed by two hex digits at offset 0");
  EXPECT_EQ(refusal(R"(\x0g)"), "'\\x' followed by two hex digits at offset 0");
  EXPECT_EQ(refusal(R"(\x 4)"), "'\\x' followed by two hex digits at offset 0");
  // The first bad escape is the one reported.
  EXPECT_EQ(refusal(R"(\n\z\y)"), "unknown escape '\\z' at offset 2");
}

}  // namespace
}  // namespace gearspec::util
