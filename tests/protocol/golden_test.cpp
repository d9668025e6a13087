// Byte-exact examples from WIRE.md.
#include <gtest/gtest.h>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/protocol/text_codec.hpp"

namespace gp = gearspec::proto;

namespace {

std::string hex_bytes(std::string_view hex) {
  std::string out;
  EXPECT_FALSE(gp::from_hex(hex, out));
  return out;
}

}  // namespace

TEST(WireExample, SubmitJobBgSection33) {
  const auto bytes = gp::encode(gp::magic::request, gp::command::submit_job_bg, {"g_capi", "u-1"}, "payload");
  EXPECT_EQ(bytes, hex_bytes("00524551 00000012 00000012 675f6361706900 752d3100 7061796c6f6164"));
}

TEST(WireExample, JobCreatedSection33) {
  const auto bytes = gp::encode(gp::magic::response, gp::command::job_created, {"H:vm:14"});
  EXPECT_EQ(bytes, hex_bytes("00524553 00000008 00000007 483a766d3a3134"));
  std::error_code ec;
  const auto packets = gp::decode_all(bytes, ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].cmd, gp::command::job_created);
  EXPECT_EQ(packets[0].args, std::vector<std::string>{"H:vm:14"});
}

TEST(WireExample, ErrorSection71) {
  const auto bytes =
      gp::encode(gp::magic::response, gp::command::error, {"ARGUMENT_TOO_LARGE", "Unique value too large"});
  EXPECT_EQ(bytes.substr(0, 12), hex_bytes("00524553 00000013 00000029"));
  EXPECT_EQ(bytes.size(), 12u + 41u);
}
