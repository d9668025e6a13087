// The binary header reader and writer.
#include "gearspec/protocol/header.hpp"

#include <gtest/gtest.h>

#include "gearspec/protocol/encoder.hpp"

namespace gp = gearspec::proto;
using namespace std::string_literals;

TEST(HeaderFields, BigEndianBothWays) {
  const std::string bytes = "\x01\x02\x03\x04"s;
  EXPECT_EQ(gp::load_be32(bytes.data()), 0x01020304u);
  EXPECT_EQ(gp::load_be32("\xff\xff\xff\xff"), 0xFFFFFFFFu) << "high bytes are not sign-extended";
  EXPECT_EQ(gp::load_be32("\x80\x00\x00\x00"s.data()), 0x80000000u);
  char out[4] = {};
  for (std::uint32_t v : {0u, 1u, 0x7Fu, 0x80u, 0x12345678u, 0x80000000u, 0xFFFFFFFFu}) {
    gp::store_be32(out, v);
    EXPECT_EQ(gp::load_be32(out), v);
  }
  gp::store_be32(out, 0x0A0B0C0Du);
  EXPECT_EQ(std::string(out, 4), "\x0A\x0B\x0C\x0D");
}

TEST(HeaderFields, ReadsWhatTheEncoderWrote) {
  const std::string packet = gp::encode(gp::magic::response, gp::command::job_created, {"H:x:1"});
  const auto h = gp::read_raw_header(packet);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->magic4, gp::response_magic);
  EXPECT_EQ(h->command, 8u);
  EXPECT_EQ(h->body_length, 5u);
}

TEST(HeaderFields, AnyFieldValuesAndOnlyTwelveBytes) {
  std::string raw;
  gp::append_raw_header(raw, "\0XYZ"s, 0xDEADBEEFu, 0xFFFFFFFFu);
  raw += "trailing";
  const auto h = gp::read_raw_header(raw);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->magic4, "\0XYZ"s);
  EXPECT_EQ(h->command, 0xDEADBEEFu);
  EXPECT_EQ(h->body_length, 0xFFFFFFFFu);
  EXPECT_FALSE(gp::read_raw_header(std::string_view{raw}.substr(0, 11)));
  EXPECT_FALSE(gp::read_raw_header({}));
  static_assert(gp::read_raw_header(std::string_view{"\0REQ\0\0\0\x10\0\0\0\0", 12})->command == 16);
}
