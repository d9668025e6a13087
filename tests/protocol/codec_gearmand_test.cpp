// Encoder and decoder against the real gearmand 1.1.20: requests we encode
// are understood, and the replies decode to what WIRE.md 3.3, 7 and 9 say.
// Skips when gearmand is not installed.
#include <gtest/gtest.h>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/loopback_client.hpp"
#include "gearspec/test/real_gearmand.hpp"

namespace gp = gearspec::proto;
namespace gt = gearspec::test;
using namespace std::string_literals;

namespace {

// Send `request` and decode the reply packets until `count` have arrived.
std::vector<gp::packet> exchange(std::uint16_t port, const std::string& request, std::size_t count) {
  gp::decoder_limits limits;
  limits.accept_text = false;
  const auto complete = [&](std::string_view got) {
    std::error_code ec;
    std::size_t rest = 0;
    return gp::decode_all(got, ec, &rest, limits).size() >= count || ec;
  };
  const auto r = gt::loopback_exchange(port, request, complete, 3000);
  EXPECT_FALSE(r.timed_out) << "got " << gp::escape_bytes(r.bytes);
  std::error_code ec;
  std::size_t rest = 0;
  auto packets = gp::decode_all(r.bytes, ec, &rest, limits);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(rest, 0u);
  return packets;
}

}  // namespace

class CodecAgainstGearmand : public ::testing::Test {
 protected:
  void SetUp() override {
    GEARSPEC_REQUIRE_GEARMAND();
    server_ = std::make_unique<gt::real_gearmand>();
  }
  std::uint16_t port() const { return server_->port(); }

 private:
  std::unique_ptr<gt::real_gearmand> server_;
};

TEST_F(CodecAgainstGearmand, BackgroundSubmitsGetJobCreatedInOrder) {
  std::string request;
  for (auto prio : {gp::priority::normal, gp::priority::high, gp::priority::low})
    gp::encode_to(request, gp::magic::request, gp::submit_command(prio, true), {"g_capi", ""}, "payload");
  const auto replies = exchange(port(), request, 3);
  ASSERT_EQ(replies.size(), 3u);
  for (const auto& p : replies) {
    EXPECT_EQ(p.mag, gp::magic::response);
    EXPECT_EQ(p.cmd, gp::command::job_created);
    ASSERT_EQ(p.args.size(), 1u);
    EXPECT_EQ(p.args[0].rfind("H:", 0), 0u) << p.args[0];
  }
  EXPECT_NE(replies[0].args[0], replies[1].args[0]);
}

TEST_F(CodecAgainstGearmand, EchoReturnsBinaryDataUnchanged) {
  const std::string data = "\0ab\0cd\0\0ef\n"s + std::string(100000, '\xff');
  const auto replies = exchange(port(), gp::encode(gp::magic::request, gp::command::echo_req, {}, data), 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0], (gp::packet{gp::magic::response, gp::command::echo_res, {}, data}));
}

TEST_F(CodecAgainstGearmand, OversizeUniqueGivesTheErrorOfSection71) {
  const auto request =
      gp::encode(gp::magic::request, gp::command::submit_job_bg, {"f", std::string(65, 'u')}, "w");
  const gt::exchange_result r = gt::loopback_exchange(
      port(), request, [](std::string_view got) { return got.size() >= 53; }, 3000);
  EXPECT_EQ(r.bytes, gp::encode(gp::magic::response, gp::command::error,
                                {"ARGUMENT_TOO_LARGE", "Unique value too large"}));
}

TEST_F(CodecAgainstGearmand, ResponseMagicOnARequestGivesInvalidMagic) {
  const auto replies = exchange(port(), gp::encode(gp::magic::response, gp::command::echo_req, {}, "x"), 1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(
      replies[0],
      (gp::packet{gp::magic::response, gp::command::error, {"INVALID_MAGIC", "Request magic expected"}, ""}));
}

TEST_F(CodecAgainstGearmand, StatusOfUnknownHandleAndOptions) {
  std::string request = gp::encode(gp::magic::request, gp::command::get_status, {"H:nope:1"});
  gp::encode_to(request, gp::magic::request, gp::command::option_req, {"exceptions"});
  gp::encode_to(request, gp::magic::request, gp::command::get_status_unique, {"u-none"});
  const auto replies = exchange(port(), request, 3);
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0],
            (gp::packet{gp::magic::response, gp::command::status_res, {"H:nope:1", "0", "0", "0", "0"}}));
  EXPECT_EQ(replies[1], (gp::packet{gp::magic::response, gp::command::option_res, {"exceptions"}}));
  EXPECT_EQ(
      replies[2],
      (gp::packet{gp::magic::response, gp::command::status_res_unique, {"u-none", "0", "0", "0", "0", "0"}}));
}

TEST_F(CodecAgainstGearmand, BadMagicClosesTheConnection) {
  std::string request;
  gp::append_raw_header(request, "\0XYZ"s, 16, 0);
  const auto r = gt::loopback_exchange(
      port(), request, [](std::string_view) { return false; }, 3000);
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.bytes, "");
}
