// Round-trip and chunking properties of the codec over the shared
// generators, 1000+ cases each (GEARSPEC_PROPERTY). Replay a failure with
// RC_PARAMS="reproduce=..." as printed.
#include <gtest/gtest.h>

#include "gearspec/protocol/admin.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/chunked_decode.hpp"
#include "gearspec/test/generators.hpp"
#include "gearspec/test/property.hpp"
#include "gearspec/util/encoding.hpp"

namespace gp = gearspec::proto;
namespace gt = gearspec::test;
namespace tg = gearspec::test::gen;

namespace {

std::vector<gt::decoded_message> expected_messages(const std::vector<tg::stream_message>& stream) {
  std::vector<gt::decoded_message> out;
  for (const auto& m : stream)
    out.push_back({m.is_text, m.is_text ? gp::packet{} : m.pkt, m.is_text ? m.line : ""});
  return out;
}

std::string wire_of(const std::vector<tg::stream_message>& stream) {
  std::string out;
  for (const auto& m : stream) out += m.wire();
  return out;
}

// A body for `cmd` built from NUL-joined pieces: sometimes the right shape,
// often not, so the decoder's accept and reject paths both get exercised.
rc::Gen<std::string> body_for(gp::command cmd) {
  const auto& row = gp::info(cmd);
  return rc::gen::apply(
      [](const std::vector<std::string>& pieces) {
        std::string body;
        for (std::size_t i = 0; i < pieces.size(); ++i) body += (i ? std::string(1, '\0') : "") + pieces[i];
        return body;
      },
      rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, row.argc + 3), [](std::size_t n) {
        return rc::gen::container<std::vector<std::string>>(n, tg::nul_free_bytes(64));
      }));
}

}  // namespace

GEARSPEC_PROPERTY(CodecProperty, DecodeOfEncodeIsIdentity, (const gp::packet& p)) {
  const std::string bytes = gp::encode(p);
  const auto r = gt::decode_whole(bytes);
  RC_ASSERT(!r.error);
  RC_ASSERT(r.messages.size() == 1u);
  RC_ASSERT(r.messages[0].pkt == p);
  RC_ASSERT(r.consumed == bytes.size());
  RC_ASSERT(r.at_boundary);
}

GEARSPEC_PROPERTY(CodecProperty, EncodeOfDecodeIsIdentityForAcceptedBytes, (gp::command cmd, gp::magic m)) {
  const std::string body = *body_for(cmd);
  std::string bytes;
  gp::write_header(bytes.append(gp::header_size, '\0').data(), m, static_cast<std::uint32_t>(cmd),
                   static_cast<std::uint32_t>(body.size()));
  bytes += body;
  const auto r = gt::decode_whole(bytes);
  const auto& row = gp::info(cmd);
  // Bytes after a 0-argument no-data command are ignored (WIRE.md 1.3), so they cannot come back.
  const bool ignored_tail = row.argc == 0 && !row.has_data && !body.empty();
  RC_CLASSIFY(!r.error, "accepted");
  if (r.error || ignored_tail) {
    RC_ASSERT(r.error || r.messages.size() == 1u);
    return;
  }
  RC_ASSERT(r.messages.size() == 1u);
  RC_ASSERT(gp::encode(r.messages[0].pkt) == bytes);
}

GEARSPEC_PROPERTY(CodecProperty, PacketStreamsSurviveAnySplit, ()) {
  const auto packets = *tg::packets();
  std::string bytes;
  std::vector<gt::decoded_message> expected;
  for (const auto& p : packets) {
    bytes += gp::encode(p);
    expected.push_back({false, p, {}});
  }
  const auto cuts = *tg::cuts(bytes.size());
  const auto r = gt::decode_in_chunks(bytes, cuts);
  RC_ASSERT(!r.error);
  RC_ASSERT(!r.stalled);
  RC_ASSERT(r.messages == expected);
  RC_ASSERT(r.at_boundary);
  std::string reencoded;
  for (const auto& m : r.messages) reencoded += gp::encode(m.pkt);
  RC_ASSERT(reencoded == bytes);
}

GEARSPEC_PROPERTY(CodecProperty, MixedTextAndBinaryStreamsSurviveAnySplit, ()) {
  const auto stream = *tg::mixed_stream();
  const std::string bytes = wire_of(stream);
  const auto expected = expected_messages(stream);
  const auto cuts = *tg::cuts(bytes.size());
  const auto chunked = gt::decode_in_chunks(bytes, cuts);
  RC_ASSERT(!chunked.error);
  RC_ASSERT(chunked.messages == expected);
  RC_ASSERT(chunked.at_boundary);
  RC_ASSERT(gt::decode_whole(bytes).messages == expected);
}

GEARSPEC_PROPERTY(CodecProperty, ArbitraryBytesGiveTheSameResultInAnyChunking, ()) {
  // A valid prefix, then anything: same messages and same error whole, split or byte by byte.
  const auto prefix = *tg::packets(3);
  std::string bytes;
  for (const auto& p : prefix) bytes += gp::encode(p);
  bytes += *tg::bytes(2048);
  gp::decoder_limits limits;
  limits.max_body_size = 4096;
  limits.max_argument_size = 512;
  limits.max_text_line = 256;
  const auto whole = gt::decode_whole(bytes, limits);
  const auto split = gt::decode_in_chunks(bytes, *tg::cuts(bytes.size()), limits);
  RC_ASSERT(!whole.stalled);
  RC_ASSERT(!split.stalled);
  RC_ASSERT(whole.error == split.error);
  RC_ASSERT(whole.messages == split.messages);
  RC_ASSERT(split.max_buffered <= gp::header_size + limits.max_body_size);
  if (!whole.error) RC_ASSERT(whole.consumed == bytes.size());
}

GEARSPEC_PROPERTY(CodecProperty, HexAndBase64RoundTrip, ()) {
  const auto bytes = *tg::bytes(4096);
  std::string back;
  RC_ASSERT(!gearspec::util::from_hex(gearspec::util::to_hex(bytes), back));
  RC_ASSERT(back == bytes);
  RC_ASSERT(!gearspec::util::base64_decode(gearspec::util::base64_encode(bytes), back));
  RC_ASSERT(back == bytes);
}

GEARSPEC_PROPERTY(AdminProperty, TokenizeSplitsWhatWasJoined, ()) {
  const auto words = *rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, 6), [](std::size_t n) {
    return rc::gen::container<std::vector<std::string>>(
        n, rc::gen::nonEmpty(
               rc::gen::container<std::string>(rc::gen::elementOf(std::string{"abcXYZ09:-\r\t"}))));
  });
  std::string line;
  for (std::size_t i = 0; i < words.size(); ++i)
    line += (i ? std::string(*rc::gen::inRange<std::size_t>(1, 4), ' ') : "") + words[i];
  gp::admin::tokens t;
  RC_ASSERT(!gp::admin::tokenize(line, t));
  RC_ASSERT(t.count == words.size());
  for (std::size_t i = 0; i < words.size(); ++i) RC_ASSERT(t[i] == words[i]);
}

GEARSPEC_PROPERTY(AdminProperty, StatusListingRoundTrips, ()) {
  const auto name = rc::gen::suchThat(tg::function_name(), [](const std::string& f) {
    return f.find_first_of("\t\n") == std::string::npos && f.rfind("ERR ", 0) != 0;
  });
  const auto rows = *rc::gen::container<std::vector<gp::admin::status_row>>(rc::gen::apply(
      [](std::string f, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
        return gp::admin::status_row{std::move(f), a, b, c};
      },
      name, rc::gen::arbitrary<std::uint64_t>(), rc::gen::arbitrary<std::uint64_t>(),
      rc::gen::arbitrary<std::uint64_t>()));
  const std::string bytes = gp::admin::format_status(rows);
  RC_ASSERT(gp::admin::reply_length(gp::admin::verb::status, bytes) == bytes.size());
  gp::admin::reply r;
  RC_ASSERT(!gp::admin::parse_reply(gp::admin::verb::status, bytes, r));
  std::vector<gp::admin::status_row> back;
  RC_ASSERT(!gp::admin::parse_status(r, back));
  RC_ASSERT(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    RC_ASSERT(back[i].function == rows[i].function);
    RC_ASSERT(back[i].total == rows[i].total);
    RC_ASSERT(back[i].running == rows[i].running);
    RC_ASSERT(back[i].workers == rows[i].workers);
  }
}
