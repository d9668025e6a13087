// The error category walked value by value (as Beast's test/beast/http/error.cpp).
#include "gearspec/protocol/error.hpp"

#include <gtest/gtest.h>

#include <set>

namespace gp = gearspec::proto;

namespace {

constexpr int first_value = static_cast<int>(gp::errc::bad_magic);
constexpr int last_value = static_cast<int>(gp::errc::invalid_number);
const std::string unknown_message = "unknown gearspec.protocol error";

}  // namespace

TEST(ProtocolError, CategoryName) {
  EXPECT_STREQ(gp::protocol_category().name(), "gearspec.protocol");
  EXPECT_EQ(&gp::protocol_category(), &gp::make_error_code(gp::errc::bad_magic).category());
}

TEST(ProtocolError, EveryValueHasItsOwnMessage) {
  EXPECT_EQ(first_value, 1) << "0 must stay 'no error'";
  std::set<std::string> messages;
  for (int v = first_value; v <= last_value; ++v) {
    const std::error_code ec = gp::make_error_code(static_cast<gp::errc>(v));
    EXPECT_TRUE(ec) << v;
    EXPECT_EQ(ec.value(), v);
    EXPECT_EQ(ec.category(), gp::protocol_category());
    const std::string message = ec.message();
    EXPECT_FALSE(message.empty()) << v;
    EXPECT_NE(message, unknown_message) << v;
    EXPECT_TRUE(messages.insert(message).second) << "duplicate message for " << v << ": " << message;
    EXPECT_EQ(ec, static_cast<gp::errc>(v)) << "comparison with the enum";
  }
  EXPECT_EQ(messages.size(), static_cast<std::size_t>(last_value));
}

TEST(ProtocolError, NoValueBeyondTheLastIsForgotten) {
  // A value added after invalid_number must be added to this walk too.
  for (int v = last_value + 1; v < last_value + 50; ++v)
    EXPECT_EQ(gp::protocol_category().message(v), unknown_message) << v;
  EXPECT_EQ(gp::protocol_category().message(0), unknown_message);
  EXPECT_EQ(gp::protocol_category().message(-1), unknown_message);
}

TEST(ProtocolError, ImplicitConversionAndDefault) {
  std::error_code ec = gp::errc::body_too_large;
  EXPECT_EQ(ec, gp::errc::body_too_large);
  EXPECT_NE(ec, gp::errc::argument_too_large);
  EXPECT_NE(ec, std::make_error_code(std::errc::message_size)) << "different categories";
  EXPECT_FALSE(std::error_code{});
}
