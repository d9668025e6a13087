// Incremental decoder (WIRE.md 1, 8.1, 9): any chunking gives the same
// messages, every malformed class gives its own errc, limits hold before
// anything is buffered, failure is sticky until reset().
#include "gearspec/protocol/decoder.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/chunked_decode.hpp"

namespace gp = gearspec::proto;
namespace gt = gearspec::test;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

// One packet of every wire command: argument i is "a<i>", data "x\0y".
std::vector<gp::packet> one_of_each_command() {
  std::vector<gp::packet> out;
  for (const auto& row : gp::commands()) {
    if (!gp::is_wire_command(static_cast<std::uint32_t>(row.cmd))) continue;
    gp::packet p;
    p.cmd = row.cmd;
    p.mag = gp::magic_fits(row.cmd, gp::magic::response) ? gp::magic::response : gp::magic::request;
    for (std::size_t i = 0; i < row.argc; ++i) p.args.push_back("a" + std::to_string(i));
    if (row.has_data) p.data = std::string{"x\0y", 3};
    out.push_back(std::move(p));
  }
  return out;
}

std::string encode_all(const std::vector<gp::packet>& packets) {
  std::string out;
  for (const auto& p : packets) out += gp::encode(p);
  return out;
}

std::vector<gt::decoded_message> as_messages(const std::vector<gp::packet>& packets) {
  std::vector<gt::decoded_message> out;
  for (const auto& p : packets) out.push_back({false, p, {}});
  return out;
}

gt::decoded_message text_message(std::string text) { return {true, {}, std::move(text)}; }

// Header with arbitrary fields (fault injection).
std::string header(std::string_view magic4, std::uint32_t cmd, std::uint32_t length) {
  std::string out;
  gp::append_raw_header(out, magic4, cmd, length);
  return out;
}

std::string req_header(gp::command cmd, std::uint32_t length) {
  return header(gp::request_magic, static_cast<std::uint32_t>(cmd), length);
}

// The decoder's error after feeding `bytes` whole and byte by byte; both must agree.
std::error_code error_of(std::string_view bytes, gp::decoder_limits limits = {}) {
  const auto whole = gt::decode_whole(bytes, limits);
  const auto bytewise = gt::decode_bytewise(bytes, limits);
  EXPECT_EQ(whole.error, bytewise.error) << "whole vs one byte at a time";
  EXPECT_FALSE(whole.stalled || bytewise.stalled);
  return whole.error;
}

void expect_same_at_every_split(std::string_view stream, const std::vector<gt::decoded_message>& expected) {
  const auto whole = gt::decode_whole(stream);
  ASSERT_FALSE(whole.error) << whole.error.message();
  ASSERT_EQ(whole.messages, expected);
  EXPECT_TRUE(whole.at_boundary);
  const auto bytewise = gt::decode_bytewise(stream);
  EXPECT_FALSE(bytewise.error) << bytewise.error.message();
  EXPECT_EQ(bytewise.messages, expected) << "one byte at a time";
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    const auto split = gt::decode_in_chunks(stream, {cut});
    ASSERT_FALSE(split.error) << "split at " << cut << ": " << split.error.message();
    ASSERT_EQ(split.messages, expected) << "split at " << cut;
    ASSERT_EQ(split.consumed, stream.size());
    ASSERT_TRUE(split.at_boundary);
  }
}

}  // namespace

// ---- any chunking ------------------------------------------------------------

TEST(DecoderSplits, EveryCommandAtEveryOffsetAndByteByByte) {
  const auto packets = one_of_each_command();
  ASSERT_EQ(packets.size(), 42u);
  expect_same_at_every_split(encode_all(packets), as_messages(packets));
}

TEST(DecoderSplits, EachPacketAloneAtEveryOffset) {
  for (const auto& p : one_of_each_command()) {
    SCOPED_TRACE(gp::to_string(p));
    expect_same_at_every_split(gp::encode(p), as_messages({p}));
  }
}

TEST(DecoderSplits, MixedTextAndBinaryStream) {
  const gp::packet echo{gp::magic::request, gp::command::echo_req, {}, std::string{"\0\n\r\0", 4}};
  const gp::packet submit{gp::magic::request, gp::command::submit_job_bg, {"f", ""}, "status\n"};
  std::string stream = "version\n" + gp::encode(echo) + "show unique jobs\r\n" + "\n" + gp::encode(submit) +
                       "STATUS\r\r\n" + gp::encode(echo);
  expect_same_at_every_split(stream, {text_message("version"),
                                      {false, echo, {}},
                                      text_message("show unique jobs"),
                                      text_message(""),
                                      {false, submit, {}},
                                      text_message("STATUS\r"),
                                      {false, echo, {}}});
}

TEST(DecoderSplits, LargeDataPacketInOddChunks) {
  const gp::packet big{
      gp::magic::request, gp::command::submit_job_bg, {"f", "u"}, std::string(300000, '\0') + "end"};
  const std::string bytes = gp::encode(big);
  std::vector<std::size_t> cuts;
  for (std::size_t at = 1; at < bytes.size(); at += 4093) cuts.push_back(at);
  const auto result = gt::decode_in_chunks(bytes, cuts);
  ASSERT_FALSE(result.error);
  ASSERT_EQ(result.messages, as_messages({big}));
  EXPECT_LE(result.max_buffered, bytes.size());
}

// ---- zero copy and views ---------------------------------------------------------

TEST(DecoderViews, WholePacketIsReturnedAsViewsIntoTheInput) {
  const std::string bytes = gp::encode(gp::magic::request, gp::command::submit_job_bg, {"fn", "un"}, "data");
  gp::decoder dec;
  std::error_code ec;
  ASSERT_EQ(dec.put(bytes, ec), bytes.size());
  ASSERT_TRUE(dec.ready());
  const auto& v = dec.packet();
  EXPECT_EQ(v.raw.data(), bytes.data());
  EXPECT_EQ(v.raw.size(), bytes.size());
  EXPECT_EQ(v.args[0].data(), bytes.data() + 12);
  EXPECT_EQ(v.data.data(), bytes.data() + bytes.size() - 4);
  EXPECT_EQ(dec.buffered(), 0u);
}

TEST(DecoderViews, SplitPacketIsAssembledInternally) {
  const std::string bytes = gp::encode(gp::magic::response, gp::command::job_created, {"H:vm:1"});
  gp::decoder dec;
  std::error_code ec;
  ASSERT_EQ(dec.put(std::string_view{bytes}.substr(0, 5), ec), 5u);
  EXPECT_FALSE(dec.ready());
  EXPECT_FALSE(dec.at_boundary());
  EXPECT_EQ(dec.buffered(), 5u);
  ASSERT_EQ(dec.put(std::string_view{bytes}.substr(5), ec), bytes.size() - 5);
  ASSERT_TRUE(dec.ready());
  EXPECT_EQ(dec.packet().arg(0), "H:vm:1");
  EXPECT_EQ(dec.buffered(), 0u);  // complete: nothing partial is held
  EXPECT_EQ(dec.packet().raw, bytes);
  EXPECT_EQ(dec.packet().arg(1), "");  // past argc
  dec.next();
  EXPECT_TRUE(dec.at_boundary());
}

TEST(DecoderViews, PutTakesAtMostOneMessage) {
  const std::string one = gp::encode(gp::magic::response, gp::command::noop, {});
  const std::string two = one + one;
  gp::decoder dec;
  std::error_code ec;
  EXPECT_EQ(dec.put(two, ec), one.size());
  EXPECT_TRUE(dec.ready());
  EXPECT_EQ(dec.put(std::string_view{two}.substr(one.size()), ec), one.size());
  EXPECT_TRUE(dec.ready());
  EXPECT_EQ(dec.put({}, ec), 0u);
  EXPECT_FALSE(dec.ready()) << "put() releases the previous message";
  EXPECT_FALSE(ec);
}

// ---- text lines ----------------------------------------------------------------

TEST(DecoderText, LineEndingsAndEmptyLines) {
  const auto r = gt::decode_whole("version\r\n\n\r\na\r\r\nb\rc\n");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.messages,
            (std::vector<gt::decoded_message>{text_message("version"), text_message(""), text_message(""),
                                              text_message("a\r"), text_message("b\rc")}));
}

TEST(DecoderText, LineWithoutNewlineWaits) {
  const auto r = gt::decode_whole("status");
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.messages.empty());
  EXPECT_FALSE(r.at_boundary);
  EXPECT_EQ(r.consumed, 6u);
}

TEST(DecoderText, LineLengthLimitIncludesTheNewline) {
  gp::decoder_limits limits;
  limits.max_text_line = 16;
  const std::string fits = std::string(15, 'x') + "\n";
  const std::string too_long = std::string(16, 'x') + "\n";
  for (const auto& r : {gt::decode_whole(fits, limits), gt::decode_bytewise(fits, limits)}) {
    EXPECT_FALSE(r.error);
    EXPECT_EQ(r.messages.size(), 1u);
  }
  EXPECT_EQ(error_of(too_long, limits), gp::errc::text_line_too_long);
  // Without a newline the error comes as soon as the limit is reached.
  const auto r = gt::decode_bytewise(std::string(1000, 'x'), limits);
  EXPECT_EQ(r.error, gp::errc::text_line_too_long);
  EXPECT_LE(r.consumed, 16u);
  EXPECT_LE(r.max_buffered, 16u);
}

TEST(DecoderText, DefaultLimitIsGearmandsReceiveBuffer) {
  EXPECT_EQ(gp::decoder_limits{}.max_text_line, 8192u);
  EXPECT_FALSE(error_of(std::string(8191, 'a') + "\n"));
  EXPECT_EQ(error_of(std::string(8192, 'a') + "\n"), gp::errc::text_line_too_long);
}

TEST(DecoderText, RefusedWhenTextIsNotAccepted) {
  gp::decoder_limits limits;
  limits.accept_text = false;
  EXPECT_EQ(error_of("status\n", limits), gp::errc::bad_magic);
}

// ---- malformed binary -------------------------------------------------------------

TEST(DecoderMalformed, BadMagic) {
  EXPECT_EQ(error_of(header("\0XYZ"sv, 6, 0)), gp::errc::bad_magic);
  EXPECT_EQ(error_of(header("\0REX"sv, 6, 0)), gp::errc::bad_magic);
  EXPECT_EQ(error_of(header("\0req"sv, 6, 0)), gp::errc::bad_magic);
  gp::decoder dec;
  std::error_code ec;
  EXPECT_EQ(dec.put(header("\0XYZ"sv, 6, 0), ec), 0u) << "nothing of a bad header is consumed";
  EXPECT_EQ(ec, gp::errc::bad_magic);
}

TEST(DecoderMalformed, CommandZeroAndFromFortyThree) {
  for (std::uint32_t cmd : {0u, 43u, 44u, 255u, 0x01000012u, 0xFFFFFFFFu}) {
    EXPECT_EQ(error_of(header(gp::request_magic, cmd, 0)), gp::errc::invalid_command) << cmd;
    EXPECT_EQ(error_of(header(gp::response_magic, cmd, 0)), gp::errc::invalid_command) << cmd;
  }
  EXPECT_FALSE(error_of(header(gp::request_magic, 1, 0) + gp::encode(gp::magic::response,
                                                                     gp::command::status_res_unique,
                                                                     {"u", "0", "0", "0", "0", "0"})));
}

TEST(DecoderMalformed, TruncatedHeaderAndBodyNeedMoreAndAreNoError) {
  const std::string bytes = gp::encode(gp::magic::request, gp::command::submit_job_bg, {"f", "u"}, "data");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const auto r = gt::decode_bytewise(bytes.substr(0, n));
    EXPECT_FALSE(r.error) << n;
    EXPECT_TRUE(r.messages.empty()) << n;
    EXPECT_EQ(r.at_boundary, n == 0) << n;
    EXPECT_EQ(r.consumed, n);
  }
}

TEST(DecoderMalformed, MissingTerminatorIsSearchedInsideTheBodyOnly) {
  // SUBMIT_JOB_BG needs two NULs; the body has one. The next packet's NULs must not be used.
  const std::string short_body = req_header(gp::command::submit_job_bg, 4) + "fn\0u"s;
  const std::string next = gp::encode(gp::magic::request, gp::command::submit_job_bg, {"a", "b"}, "c");
  EXPECT_EQ(error_of(short_body + next), gp::errc::missing_terminator);
  EXPECT_EQ(error_of(req_header(gp::command::submit_job_bg, 0)), gp::errc::missing_terminator);
  EXPECT_EQ(error_of(req_header(gp::command::work_status, 3) + "h\0n"s), gp::errc::missing_terminator);
  EXPECT_EQ(error_of(req_header(gp::command::job_assign_all, 6) + "h\0f\0u\0"s),
            gp::errc::missing_terminator);
}

TEST(DecoderMalformed, TooManyArguments) {
  const auto res = [](gp::command c, std::string_view body) {
    return header(gp::response_magic, static_cast<std::uint32_t>(c),
                  static_cast<std::uint32_t>(body.size())) +
           std::string{body};
  };
  EXPECT_EQ(error_of(res(gp::command::job_created, "H:1\0x"sv)), gp::errc::too_many_arguments);
  EXPECT_EQ(error_of(res(gp::command::error, "A\0b\0c"sv)), gp::errc::too_many_arguments);
  EXPECT_EQ(error_of(res(gp::command::status_res, "h\0\x31\0\x30\0\x31\0\x32\0"sv)),
            gp::errc::too_many_arguments);
}

TEST(DecoderMalformed, BytesAfterAZeroArgumentNoDataCommandAreIgnored) {
  // WIRE.md 1.3: GRAB_JOB with a 4-byte body; the stream stays in sync.
  const std::string stream = req_header(gp::command::grab_job, 4) + "junk" +
                             gp::encode(gp::magic::request, gp::command::echo_req, {}, "e");
  const auto r = gt::decode_bytewise(stream);
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.messages.size(), 2u);
  EXPECT_EQ(r.messages[0].pkt, (gp::packet{gp::magic::request, gp::command::grab_job}));
  EXPECT_EQ(r.messages[1].pkt.data, "e");
}

TEST(DecoderMalformed, EmptyArgumentsAndDataAreValid) {
  const auto r = gt::decode_whole(req_header(gp::command::submit_job_bg, 2) + "\0\0"s +
                                  header(gp::response_magic, 8, 0) + req_header(gp::command::echo_req, 0));
  ASSERT_FALSE(r.error);
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_EQ(r.messages[0].pkt.args, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(r.messages[1].pkt.args, (std::vector<std::string>{""}));
  EXPECT_EQ(r.messages[2].pkt.data, "");
}

// ---- limits ----------------------------------------------------------------------

TEST(DecoderLimits, BodyOverTheLimitFailsRightAfterTheHeader) {
  gp::decoder_limits limits;
  limits.max_body_size = 100;
  EXPECT_FALSE(error_of(req_header(gp::command::echo_req, 100) + std::string(100, 'x'), limits));
  EXPECT_EQ(error_of(req_header(gp::command::echo_req, 101), limits), gp::errc::body_too_large);
}

TEST(DecoderLimits, HugeDeclaredBodyIsRefusedBeforeBuffering) {
  // gearmand allocates 0xFFFFFFF0 bytes here (WIRE.md 9); we refuse it after 12.
  const std::string stream = header(gp::response_magic, 8, 0xFFFFFFF0u) + std::string(4096, 'h');
  for (const auto& r : {gt::decode_whole(stream), gt::decode_bytewise(stream)}) {
    EXPECT_EQ(r.error, gp::errc::body_too_large);
    EXPECT_LE(r.max_buffered, gp::header_size);
    EXPECT_LE(r.consumed, gp::header_size);
  }
}

TEST(DecoderLimits, AcceptedHugeBodyBuffersOnlyWhatArrived) {
  // With the limit lifted, buffering follows the bytes received, not the size field.
  gp::decoder_limits limits;
  limits.max_body_size = 0xFFFFFFFFu;
  const std::string stream = header(gp::request_magic, 16, 0xFFFFFFF0u) + std::string(1 << 20, 'd');
  const auto r = gt::decode_in_chunks(stream, {12, 4096, 65536}, limits);
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(r.max_buffered, stream.size());
}

TEST(DecoderLimits, ArgumentLimitForTerminatedAndLastArguments) {
  gp::decoder_limits limits;
  limits.max_argument_size = 64;
  const std::string at_limit(64, 'f'), over(65, 'f');
  const auto submit = [](const std::string& fn) {
    return gp::encode(gp::magic::request, gp::command::submit_job_bg, {fn, "u"}, std::string(1000, 'd'));
  };
  EXPECT_FALSE(error_of(submit(at_limit), limits)) << "DATA is bounded by the body limit only";
  EXPECT_EQ(error_of(submit(over), limits), gp::errc::argument_too_large);
  const auto created = [](const std::string& h) {
    return gp::encode(gp::magic::response, gp::command::job_created, {h});
  };
  EXPECT_FALSE(error_of(created(at_limit), limits));
  EXPECT_EQ(error_of(created(over), limits), gp::errc::argument_too_large);
  // An over-long argument without any NUL is too large, not missing a terminator.
  EXPECT_EQ(error_of(req_header(gp::command::can_do_timeout, 200) + std::string(200, 'f'), limits),
            gp::errc::argument_too_large);
}

TEST(DecoderLimits, ArgumentLengthsAroundEveryLimitAndVectorWidth) {
  // The NUL search works in 16-byte steps: every length around those steps,
  // against limits just below, at and above it, in exactly-sized buffers.
  for (std::size_t length = 0; length <= 70; ++length) {
    const std::string fn(length, 'f');
    const std::string packet = gp::encode(gp::magic::request, gp::command::submit_job_bg, {fn, ""}, "d");
    const std::string created = gp::encode(gp::magic::response, gp::command::job_created, {fn});
    for (std::size_t limit = length == 0 ? 0 : length - 1; limit <= length + 1; ++limit) {
      gp::decoder_limits limits;
      limits.max_argument_size = static_cast<std::uint32_t>(limit);
      const auto expected =
          length <= limit ? std::error_code{} : make_error_code(gp::errc::argument_too_large);
      EXPECT_EQ(error_of(packet, limits), expected) << "length " << length << " limit " << limit;
      EXPECT_EQ(error_of(created, limits), expected) << "length " << length << " limit " << limit;
    }
    const auto r = gt::decode_whole(packet);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0].pkt.args[0], fn);
  }
}

// ---- failure and reset -------------------------------------------------------------

TEST(DecoderFailure, IsStickyUntilReset) {
  gp::decoder dec;
  std::error_code ec;
  dec.put(header("\0BAD"sv, 6, 0), ec);
  ASSERT_EQ(ec, gp::errc::bad_magic);
  EXPECT_TRUE(dec.failed());
  const std::string good = gp::encode(gp::magic::response, gp::command::noop, {});
  for (int i = 0; i < 3; ++i) {
    std::error_code again;
    EXPECT_EQ(dec.put(good, again), 0u);
    EXPECT_EQ(again, gp::errc::bad_magic);
    EXPECT_FALSE(dec.ready());
  }
  dec.reset();
  EXPECT_FALSE(dec.failed());
  EXPECT_TRUE(dec.at_boundary());
  std::error_code after;
  EXPECT_EQ(dec.put(good, after), good.size());
  EXPECT_FALSE(after);
  EXPECT_TRUE(dec.ready());
}

TEST(DecoderFailure, ResetDropsAPartialMessage) {
  gp::decoder dec;
  std::error_code ec;
  dec.put("\0RE"sv, ec);
  EXPECT_EQ(dec.buffered(), 3u);
  dec.reset();
  EXPECT_EQ(dec.buffered(), 0u);
  EXPECT_TRUE(dec.at_boundary());
  dec.put("version\n", ec);
  EXPECT_FALSE(ec);
  ASSERT_TRUE(dec.ready());
  EXPECT_EQ(dec.text(), "version");
}

// ---- decode_all and split_arguments --------------------------------------------------

TEST(DecodeAll, ReportsTheTrailingPartialPacket) {
  const std::string one = gp::encode(gp::magic::response, gp::command::job_created, {"H:1"});
  std::error_code ec;
  std::size_t rest = 99;
  const auto packets = gp::decode_all(one + one.substr(0, 7), ec, &rest);
  EXPECT_FALSE(ec);
  EXPECT_EQ(packets.size(), 1u);
  EXPECT_EQ(rest, 7u);
}

TEST(DecodeAll, StopsAtTheFirstErrorAndRefusesText) {
  const std::string one = gp::encode(gp::magic::response, gp::command::noop, {});
  std::error_code ec;
  std::size_t rest = 0;
  const auto packets = gp::decode_all(one + "status\n" + one, ec, &rest);
  EXPECT_EQ(ec, gp::errc::bad_magic);
  EXPECT_EQ(packets.size(), 1u);
  EXPECT_EQ(rest, 7u + one.size());
}

TEST(SplitArguments, FollowsTheTableRow) {
  gp::packet_view v;
  ASSERT_FALSE(gp::split_arguments(gp::command::job_assign_uniq, "h\0f\0u\0d\0ata"sv, v));
  EXPECT_EQ(v.argc, 3u);
  EXPECT_EQ(v.arg(0), "h");
  EXPECT_EQ(v.arg(2), "u");
  EXPECT_EQ(v.data, "d\0ata"sv);
  ASSERT_FALSE(gp::split_arguments(gp::command::echo_res, "\0\0"sv, v));
  EXPECT_EQ(v.argc, 0u);
  EXPECT_EQ(v.data, "\0\0"sv);
  EXPECT_EQ(gp::split_arguments(gp::command::submit_job, "f\0u"sv, v), gp::errc::missing_terminator);
  EXPECT_EQ(gp::split_arguments(gp::command::submit_job, "ffff\0u\0"sv, v, 3), gp::errc::argument_too_large);
}
