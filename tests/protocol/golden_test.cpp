// Golden bytes: every command of the table in both magics, and the real
// captures of WIRE.md 3.3 and 7.1. The expected hex was written from the
// WIRE.md 1.2 layout rules by a separate script, not by this encoder.
#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/util/encoding.hpp"

namespace gp = gearspec::proto;
using namespace std::string_view_literals;

namespace {

std::string hex_bytes(std::string_view hex) {
  std::string out;
  EXPECT_FALSE(gearspec::util::from_hex(hex, out)) << hex;
  return out;
}

gp::packet decode_one(std::string_view bytes) {
  std::error_code ec;
  std::size_t rest = 0;
  auto packets = gp::decode_all(bytes, ec, &rest);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(rest, 0u);
  if (packets.size() != 1) {
    ADD_FAILURE() << "decoded " << packets.size() << " packets";
    return {};
  }
  return packets.front();
}

gp::magic other(gp::magic m) { return m == gp::magic::request ? gp::magic::response : gp::magic::request; }

struct golden {
  gp::command cmd;
  gp::magic mag;  ///< the magic the command travels with (REQ for UNUSED)
  std::vector<std::string> args;
  std::string_view data;
  std::string_view hex;
};

// Sample fields by WIRE.md section 2 body layout; DATA is "da\0ta".
const std::vector<golden>& golden_packets() {
  static const std::vector<golden> rows{
      {gp::command::can_do, gp::magic::request, {"fn"}, ""sv, "00524551 00000001 00000002 666e"},
      {gp::command::cant_do, gp::magic::request, {"fn"}, ""sv, "00524551 00000002 00000002 666e"},
      {gp::command::reset_abilities, gp::magic::request, {}, ""sv, "00524551 00000003 00000000"},
      {gp::command::pre_sleep, gp::magic::request, {}, ""sv, "00524551 00000004 00000000"},
      {gp::command::unused, gp::magic::request, {}, ""sv, "00524551 00000005 00000000"},
      {gp::command::noop, gp::magic::response, {}, ""sv, "00524553 00000006 00000000"},
      {gp::command::submit_job,
       gp::magic::request,
       {"fn", "u-1"},
       "da\0ta"sv,
       "00524551 00000007 0000000c 666e00752d31006461007461"},
      {gp::command::job_created,
       gp::magic::response,
       {"H:vm:14"},
       ""sv,
       "00524553 00000008 00000007 483a766d3a3134"},
      {gp::command::grab_job, gp::magic::request, {}, ""sv, "00524551 00000009 00000000"},
      {gp::command::no_job, gp::magic::response, {}, ""sv, "00524553 0000000a 00000000"},
      {gp::command::job_assign,
       gp::magic::response,
       {"H:vm:14", "fn"},
       "da\0ta"sv,
       "00524553 0000000b 00000010 483a766d3a313400666e006461007461"},
      {gp::command::work_status,
       gp::magic::request,
       {"H:vm:14", "1", "3"},
       ""sv,
       "00524551 0000000c 0000000b 483a766d3a313400310033"},
      {gp::command::work_complete,
       gp::magic::request,
       {"H:vm:14"},
       "da\0ta"sv,
       "00524551 0000000d 0000000d 483a766d3a3134006461007461"},
      {gp::command::work_fail,
       gp::magic::request,
       {"H:vm:14"},
       ""sv,
       "00524551 0000000e 00000007 483a766d3a3134"},
      {gp::command::get_status,
       gp::magic::request,
       {"H:vm:14"},
       ""sv,
       "00524551 0000000f 00000007 483a766d3a3134"},
      {gp::command::echo_req, gp::magic::request, {}, "da\0ta"sv, "00524551 00000010 00000005 6461007461"},
      {gp::command::echo_res, gp::magic::response, {}, "da\0ta"sv, "00524553 00000011 00000005 6461007461"},
      {gp::command::submit_job_bg,
       gp::magic::request,
       {"fn", "u-1"},
       "da\0ta"sv,
       "00524551 00000012 0000000c 666e00752d31006461007461"},
      {gp::command::error,
       gp::magic::response,
       {"QUEUE_ERROR", "Job queue is full"},
       ""sv,
       "00524553 00000013 0000001d 51554555455f4552524f52004a6f622071756575652069732066756c6c"},
      {gp::command::status_res,
       gp::magic::response,
       {"H:vm:14", "1", "0", "1", "3"},
       ""sv,
       "00524553 00000014 0000000f 483a766d3a31340031003000310033"},
      {gp::command::submit_job_high,
       gp::magic::request,
       {"fn", "u-1"},
       "da\0ta"sv,
       "00524551 00000015 0000000c 666e00752d31006461007461"},
      {gp::command::set_client_id,
       gp::magic::request,
       {"client-7"},
       ""sv,
       "00524551 00000016 00000008 636c69656e742d37"},
      {gp::command::can_do_timeout,
       gp::magic::request,
       {"fn", "1500"},
       ""sv,
       "00524551 00000017 00000007 666e0031353030"},
      {gp::command::all_yours, gp::magic::request, {}, ""sv, "00524551 00000018 00000000"},
      {gp::command::work_exception,
       gp::magic::request,
       {"H:vm:14"},
       "da\0ta"sv,
       "00524551 00000019 0000000d 483a766d3a3134006461007461"},
      {gp::command::option_req,
       gp::magic::request,
       {"exceptions"},
       ""sv,
       "00524551 0000001a 0000000a 657863657074696f6e73"},
      {gp::command::option_res,
       gp::magic::response,
       {"exceptions"},
       ""sv,
       "00524553 0000001b 0000000a 657863657074696f6e73"},
      {gp::command::work_data,
       gp::magic::request,
       {"H:vm:14"},
       "da\0ta"sv,
       "00524551 0000001c 0000000d 483a766d3a3134006461007461"},
      {gp::command::work_warning,
       gp::magic::request,
       {"H:vm:14"},
       "da\0ta"sv,
       "00524551 0000001d 0000000d 483a766d3a3134006461007461"},
      {gp::command::grab_job_uniq, gp::magic::request, {}, ""sv, "00524551 0000001e 00000000"},
      {gp::command::job_assign_uniq,
       gp::magic::response,
       {"H:vm:14", "fn", "u-1"},
       "da\0ta"sv,
       "00524553 0000001f 00000014 483a766d3a313400666e00752d31006461007461"},
      {gp::command::submit_job_high_bg,
       gp::magic::request,
       {"fn", "u-1"},
       "da\0ta"sv,
       "00524551 00000020 0000000c 666e00752d31006461007461"},
      {gp::command::submit_job_low,
       gp::magic::request,
       {"fn", "u-1"},
       "da\0ta"sv,
       "00524551 00000021 0000000c 666e00752d31006461007461"},
      {gp::command::submit_job_low_bg,
       gp::magic::request,
       {"fn", "u-1"},
       "da\0ta"sv,
       "00524551 00000022 0000000c 666e00752d31006461007461"},
      {gp::command::submit_job_sched,
       gp::magic::request,
       {"fn", "u-1", "5", "4", "3", "2", "1"},
       "da\0ta"sv,
       "00524551 00000023 00000016 666e00752d3100350034003300320031006461007461"},
      {gp::command::submit_job_epoch,
       gp::magic::request,
       {"fn", "u-1", "1700000000"},
       "da\0ta"sv,
       "00524551 00000024 00000017 666e00752d310031373030303030303030006461007461"},
      {gp::command::submit_reduce_job,
       gp::magic::request,
       {"fn", "u-1", "red", ""},
       "da\0ta"sv,
       "00524551 00000025 00000011 666e00752d310072656400006461007461"},
      {gp::command::submit_reduce_job_background,
       gp::magic::request,
       {"fn", "u-1", "red", ""},
       "da\0ta"sv,
       "00524551 00000026 00000011 666e00752d310072656400006461007461"},
      {gp::command::grab_job_all, gp::magic::request, {}, ""sv, "00524551 00000027 00000000"},
      {gp::command::job_assign_all,
       gp::magic::response,
       {"H:vm:14", "fn", "u-1", "red"},
       "da\0ta"sv,
       "00524553 00000028 00000018 483a766d3a313400666e00752d3100726564006461007461"},
      {gp::command::get_status_unique,
       gp::magic::request,
       {"u-1"},
       ""sv,
       "00524551 00000029 00000003 752d31"},
      {gp::command::status_res_unique,
       gp::magic::response,
       {"u-1", "1", "0", "1", "3", "2"},
       ""sv,
       "00524553 0000002a 0000000d 752d3100310030003100330032"},
  };
  return rows;
}

}  // namespace

TEST(GoldenBytes, TableCoversEveryWireCommand) {
  std::set<gp::command> covered;
  for (const auto& g : golden_packets()) covered.insert(g.cmd);
  for (const auto& row : gp::commands())
    EXPECT_EQ(covered.count(row.cmd), gp::is_wire_command(static_cast<std::uint32_t>(row.cmd)) ? 1u : 0u)
        << row.name;
}

TEST(GoldenBytes, EveryCommandEncodesExactlyInBothMagics) {
  for (const auto& g : golden_packets()) {
    SCOPED_TRACE(std::string{gp::name(g.cmd)});
    const gp::packet p{g.mag, g.cmd, g.args, std::string{g.data}};
    const std::string expected = hex_bytes(g.hex);
    EXPECT_EQ(gp::encode(p), expected);
    // The other magic changes bytes 0..3 only.
    gp::packet flipped = p;
    flipped.mag = other(g.mag);
    std::string expected_flipped = expected;
    expected_flipped.replace(0, 4, gp::magic_bytes(flipped.mag));
    EXPECT_EQ(gp::encode(flipped), expected_flipped);
  }
}

TEST(GoldenBytes, EveryCommandDecodesInBothMagics) {
  for (const auto& g : golden_packets()) {
    SCOPED_TRACE(std::string{gp::name(g.cmd)});
    const gp::packet expected{g.mag, g.cmd, g.args, std::string{g.data}};
    std::string bytes = hex_bytes(g.hex);
    EXPECT_EQ(decode_one(bytes), expected);
    bytes.replace(0, 4, gp::magic_bytes(other(g.mag)));
    gp::packet flipped = expected;
    flipped.mag = other(g.mag);
    EXPECT_EQ(decode_one(bytes), flipped);
  }
}

TEST(WireExample, SubmitJobBgSection33) {
  const auto bytes = gp::encode(gp::magic::request, gp::command::submit_job_bg, {"g_capi", "u-1"}, "payload");
  EXPECT_EQ(bytes, hex_bytes("00524551 00000012 00000012 675f6361706900 752d3100 7061796c6f6164"));
  EXPECT_EQ(decode_one(bytes),
            (gp::packet{gp::magic::request, gp::command::submit_job_bg, {"g_capi", "u-1"}, "payload"}));
}

TEST(WireExample, HighAndLowVariantsChangeOnlyTheCommandBytes) {
  const auto normal = hex_bytes("00524551 00000012 00000012 675f6361706900 752d3100 7061796c6f6164");
  for (auto [prio, cmd_hex] :
       {std::pair{gp::priority::high, "00000020"}, std::pair{gp::priority::low, "00000022"}}) {
    const auto bytes =
        gp::encode(gp::magic::request, gp::submit_command(prio, true), {"g_capi", "u-1"}, "payload");
    std::string expected = normal;
    expected.replace(4, 4, hex_bytes(cmd_hex));
    EXPECT_EQ(bytes, expected);
  }
}

TEST(WireExample, JobCreatedSection33) {
  const auto bytes = gp::encode(gp::magic::response, gp::command::job_created, {"H:vm:14"});
  EXPECT_EQ(bytes, hex_bytes("00524553 00000008 00000007 483a766d3a3134"));
  EXPECT_EQ(decode_one(bytes), (gp::packet{gp::magic::response, gp::command::job_created, {"H:vm:14"}}));
}

TEST(WireExample, ErrorSection71) {
  const auto bytes =
      gp::encode(gp::magic::response, gp::command::error, {"ARGUMENT_TOO_LARGE", "Unique value too large"});
  EXPECT_EQ(bytes, hex_bytes("00524553 00000013 00000029"
                             "415247554d454e545f544f4f5f4c4152474500"           // "ARGUMENT_TOO_LARGE\0"
                             "556e697175652076616c756520746f6f206c61726765"));  // "Unique value too large"
  EXPECT_EQ(decode_one(bytes),
            (gp::packet{
                gp::magic::response, gp::command::error, {"ARGUMENT_TOO_LARGE", "Unique value too large"}}));
}

TEST(WireExample, EmptyUniqueIsJustItsTerminator) {
  // WIRE.md 1.2: an empty unique gives FUNC\0\0DATA.
  EXPECT_EQ(gp::encode(gp::magic::request, gp::command::submit_job_bg, {"f", ""}, "d"),
            hex_bytes("00524551 00000012 00000004 66 00 00 64"));
}
