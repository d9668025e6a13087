// Packets: magics, direction check, owning/view conversion, printing.
#include "gearspec/protocol/packet.hpp"

#include <gtest/gtest.h>

namespace gp = gearspec::proto;
using namespace std::string_literals;
using namespace std::string_view_literals;

TEST(Magic, BytesAreNulThenReqOrRes) {
  EXPECT_EQ(gp::magic_bytes(gp::magic::request), "\0REQ"sv);
  EXPECT_EQ(gp::magic_bytes(gp::magic::response), "\0RES"sv);
  EXPECT_EQ(gp::header_size, 12u);
}

TEST(Magic, FitsTheDirectionOfEveryCommand) {
  for (const auto& row : gp::commands()) {
    const bool req = gp::magic_fits(row.cmd, gp::magic::request);
    const bool res = gp::magic_fits(row.cmd, gp::magic::response);
    switch (row.dir) {
      case gp::direction::request:
        EXPECT_TRUE(req && !res) << row.name;
        break;
      case gp::direction::response:
        EXPECT_TRUE(!req && res) << row.name;
        break;
      case gp::direction::both:
        EXPECT_TRUE(req && res) << row.name;
        break;
      case gp::direction::none:
        EXPECT_TRUE(!req && !res) << row.name;
        break;
    }
  }
  EXPECT_TRUE(gp::magic_fits(gp::command::submit_job_bg, gp::magic::request));
  EXPECT_FALSE(gp::magic_fits(gp::command::job_created, gp::magic::request));
  EXPECT_TRUE(gp::magic_fits(gp::command::work_complete, gp::magic::response));
  EXPECT_FALSE(gp::magic_fits(static_cast<gp::command>(99), gp::magic::request));
}

TEST(Packet, OwningCopyOfAView) {
  const std::string storage{"H:1\0fn\0da\0ta", 12};
  gp::packet_view v;
  v.mag = gp::magic::response;
  v.cmd = gp::command::job_assign;
  v.argc = 2;
  v.args[0] = std::string_view{storage}.substr(0, 3);
  v.args[1] = std::string_view{storage}.substr(4, 2);
  v.data = std::string_view{storage}.substr(7);
  const gp::packet p{v};
  EXPECT_EQ(
      p, (gp::packet{gp::magic::response, gp::command::job_assign, {"H:1", "fn"}, std::string{"da\0ta", 5}}));
  EXPECT_EQ(v.arg(1), "fn");
  EXPECT_EQ(v.arg(2), "");
  EXPECT_NE(
      p, (gp::packet{gp::magic::request, gp::command::job_assign, {"H:1", "fn"}, std::string{"da\0ta", 5}}));
}

TEST(Packet, ToStringShowsMagicNameArgumentsAndData) {
  EXPECT_EQ(gp::to_string(gp::packet{gp::magic::response, gp::command::job_created, {"H:vm:14"}}),
            R"(RES JOB_CREATED ["H:vm:14"])");
  EXPECT_EQ(gp::to_string(gp::packet{gp::magic::request, gp::command::submit_job_bg, {"f", ""}, "a\0b"s}),
            R"(REQ SUBMIT_JOB_BG ["f", ""] data="a\0b")");
  const auto long_data =
      gp::to_string(gp::packet{gp::magic::request, gp::command::echo_req, {}, std::string(100, 'x')});
  EXPECT_EQ(long_data, "REQ ECHO_REQ [] data=\"" + std::string(64, 'x') + "\"...(100 bytes)");
}

TEST(Packet, EscapeBytes) {
  EXPECT_EQ(gp::escape_bytes("a\0\n\r\t\"\\\x7f\x80\xff"sv), R"("a\0\n\r\t\"\\\x7f\x80\xff")");
  EXPECT_EQ(gp::escape_bytes(""), R"("")");
}

TEST(Arrival, EachSideSendsWithItsMagic) {
  EXPECT_EQ(gp::magic_of(gp::peer::client), gp::magic::request);
  EXPECT_EQ(gp::magic_of(gp::peer::worker), gp::magic::request);
  EXPECT_EQ(gp::magic_of(gp::peer::server), gp::magic::response);
}

TEST(Arrival, MagicIsCheckedBeforeTheCommand) {
  for (const auto& row : gp::commands()) {
    EXPECT_EQ(gp::check_arrival(gp::peer::server, gp::magic::request, row.cmd), gp::arrival::wrong_magic);
    EXPECT_EQ(gp::check_arrival(gp::peer::client, gp::magic::response, row.cmd), gp::arrival::wrong_magic);
  }
}

TEST(Arrival, AServerRefusesWhatItDoesNotAccept) {
  for (const auto& row : gp::commands()) {
    const auto seen = gp::check_arrival(gp::peer::worker, gp::magic::request, row.cmd);
    EXPECT_EQ(seen == gp::arrival::expected, gp::accepted_by_server(row.cmd)) << row.name;
  }
  EXPECT_EQ(gp::check_arrival(gp::peer::client, gp::magic::request, gp::command::submit_job_sched),
            gp::arrival::wrong_command);
  EXPECT_EQ(gp::check_arrival(gp::peer::client, gp::magic::request, gp::command::work_complete),
            gp::arrival::expected);
}

TEST(Arrival, AClientRefusesOnlyRequestOnlyCommands) {
  for (const auto& row : gp::commands()) {
    const auto seen = gp::check_arrival(gp::peer::server, gp::magic::response, row.cmd);
    EXPECT_EQ(seen == gp::arrival::wrong_command, row.dir == gp::direction::request) << row.name;
  }
  // Ignored rather than refused: NOOP, UNUSED and a worker's replies.
  for (auto c : {gp::command::noop, gp::command::unused, gp::command::job_assign})
    EXPECT_EQ(gp::check_arrival(gp::peer::server, gp::magic::response, c), gp::arrival::expected);
  EXPECT_EQ(gp::check_arrival(gp::peer::server, gp::magic::response, static_cast<gp::command>(99)),
            gp::arrival::expected);
}
