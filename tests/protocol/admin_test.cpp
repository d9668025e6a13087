// Admin text protocol (WIRE.md section 8): tokenizer, classification,
// gearmand-exact reply formatting and reply parsing.
#include "gearspec/protocol/admin.hpp"

#include <gtest/gtest.h>

#include "gearspec/protocol/error.hpp"

namespace gp = gearspec::proto;
namespace admin = gearspec::proto::admin;

namespace {

admin::tokens tokenize_ok(std::string_view line) {
  admin::tokens t;
  const auto ec = admin::tokenize(line, t);
  EXPECT_FALSE(ec) << "tokenize(" << line << "): " << ec.message();
  return t;
}

admin::verb classify_line(std::string_view line) { return admin::classify(tokenize_ok(line)).what; }

}  // namespace

// gearmand turns a trailing space into one more, empty token: "show \n" gets
// UNKNOWN_SHOW_ARGUMENTS and "a b c d e \n" closes the connection (6 tokens).
TEST(AdminTokenize, TrailingSpaceAddsOneEmptyToken) {
  const auto t = tokenize_ok("show ");
  ASSERT_EQ(t.count, 2u);
  EXPECT_EQ(t[0], "show");
  EXPECT_EQ(t[1], "");
  EXPECT_EQ(tokenize_ok("version   ").count, 2u);
  admin::tokens six;
  EXPECT_EQ(admin::tokenize("a b c d e ", six), gp::errc::too_many_tokens);
}

// The decoder already removed the one "\r" before "\n"; a second one is part
// of the token (gearmand answers "status\r\r\n" with UNKNOWN_COMMAND "status\r").
TEST(AdminTokenize, KeepsCarriageReturnLeftByTheDecoder) {
  const auto t = tokenize_ok("status\r");
  ASSERT_EQ(t.count, 1u);
  EXPECT_EQ(t[0], "status\r");
  EXPECT_EQ(admin::classify(t).what, admin::verb::unknown);
}

// "show" alone is an unknown command to gearmand, not an unknown show argument.
TEST(AdminClassify, ShowAloneIsUnknownCommand) {
  EXPECT_EQ(classify_line("show"), admin::verb::unknown);
  EXPECT_EQ(classify_line("show "), admin::verb::show_unknown);
}

// An IPv6 peer address ("::1") starts with ':' and must not be taken for the
// " :" that ends the fixed columns of a workers line.
TEST(AdminParse, WorkersWithIpv6Address) {
  const std::vector<admin::worker_row> rows{{"7", "::1", "-", {"f1", "f2"}}};
  const auto bytes = admin::format_workers(rows);
  EXPECT_EQ(bytes, "7 ::1 - : f1 f2\n.\n");
  admin::reply r;
  ASSERT_FALSE(admin::parse_reply(admin::verb::workers, bytes, r));
  std::vector<admin::worker_row> parsed;
  ASSERT_FALSE(admin::parse_workers(r, parsed));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].fd, "7");
  EXPECT_EQ(parsed[0].ip, "::1");
  EXPECT_EQ(parsed[0].client_id, "-");
  EXPECT_EQ(parsed[0].functions, (std::vector<std::string>{"f1", "f2"}));
}
