// host:port splitting for server lists and listen addresses.
#include "gearspec/util/host_port.hpp"

#include <gtest/gtest.h>

namespace gu = gearspec::util;

namespace {

std::string show(std::string_view text) {
  const auto hp = gu::split_host_port(text);
  if (!hp) return "invalid";
  return "[" + std::string{hp->host} + "]" + (hp->port ? ":" + std::to_string(*hp->port) : "");
}

}  // namespace

TEST(HostPort, HostAloneOrWithPort) {
  EXPECT_EQ(show("localhost"), "[localhost]");
  EXPECT_EQ(show("127.0.0.1:4730"), "[127.0.0.1]:4730");
  EXPECT_EQ(show("gearman.example:80"), "[gearman.example]:80");
  EXPECT_EQ(show(""), "[]");
  EXPECT_EQ(show(":80"), "[]:80") << "the caller decides whether an empty host is allowed";
}

TEST(HostPort, PortZeroAndTheUpperEdge) {
  EXPECT_EQ(show("h:0"), "[h]:0") << "0 is a port (a free one, or the default) for the caller to read";
  EXPECT_EQ(show("h:65535"), "[h]:65535");
  EXPECT_EQ(show("h:065535"), "[h]:65535");
  EXPECT_EQ(show("h:65536"), "invalid");
  EXPECT_EQ(show("h:99999999999999999999999"), "invalid");
}

TEST(HostPort, PortMustBeDigits) {
  for (const char* bad : {"h:", "h:+80", "h:-1", "h: 80", "h:80 ", "h:8o", "h:0x50", "[::1]:", "[::1]:+1"})
    EXPECT_EQ(show(bad), "invalid") << bad;
}

TEST(HostPort, Ipv6InBrackets) {
  EXPECT_EQ(show("[::1]"), "[::1]");
  EXPECT_EQ(show("[::1]:4730"), "[::1]:4730");
  EXPECT_EQ(show("[fe80::1%eth0]:1"), "[fe80::1%eth0]:1");
  EXPECT_EQ(show("[]:1"), "[]:1");
  EXPECT_EQ(show("[::1"), "invalid") << "unclosed bracket";
  EXPECT_EQ(show("[::1]4730"), "invalid") << "anything after ] but :port";
  EXPECT_EQ(show("[::1]:80:90"), "invalid");
}

TEST(HostPort, WithoutBracketsTheLastColonSeparates) {
  EXPECT_EQ(show("::1:80"), "[::1]:80");
  EXPECT_EQ(show("a:b:c"), "invalid") << "'c' is no port";
}
