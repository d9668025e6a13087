// What the decoder allocates (counted by replacing operator new in this
// executable): nothing on the whole-packet hot path, nothing once its buffer
// is warm, and never what an untrusted size field declares.
#include <gtest/gtest.h>

#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"
#include "gearspec/test/allocation_counter.hpp"

namespace gp = gearspec::proto;
namespace gt = gearspec::test;

namespace {

std::string submit_stream(std::size_t packets, std::size_t workload) {
  std::string out;
  for (std::size_t i = 0; i < packets; ++i)
    gp::encode_to(out, gp::magic::request, gp::command::submit_job_bg,
                  {"function", "unique-" + std::to_string(i % 10)}, std::string(workload, 'w'));
  return out;
}

// Decode every message of `input` in chunks of `chunk` bytes; returns the count.
std::size_t drain(gp::decoder& dec, std::string_view input, std::size_t chunk) {
  std::size_t messages = 0;
  while (!input.empty()) {
    std::string_view piece = input.substr(0, chunk);
    input.remove_prefix(piece.size());
    while (!piece.empty()) {
      std::error_code ec;
      piece.remove_prefix(dec.put(piece, ec));
      if (ec) return messages;
      if (dec.ready()) {
        ++messages;
        dec.next();
      }
    }
  }
  return messages;
}

}  // namespace

TEST(DecoderAllocation, CounterSeesAllocations) {
  gt::allocation_scope scope;
  auto p = std::make_unique<char[]>(1000);
  EXPECT_EQ(scope.stats().count, 1u);
  EXPECT_EQ(scope.stats().largest, 1000u);
}

TEST(DecoderAllocation, WholePacketsAllocateNothing) {
  const std::string stream = submit_stream(1000, 100);
  gp::decoder dec;
  gt::allocation_scope scope;
  EXPECT_EQ(drain(dec, stream, stream.size()), 1000u);
  EXPECT_EQ(scope.stats().count, 0u);
}

TEST(DecoderAllocation, WholeTextLinesAllocateNothing) {
  std::string stream;
  for (int i = 0; i < 100; ++i) stream += "status\r\nshow unique jobs\n";
  gp::decoder dec;
  gt::allocation_scope scope;
  EXPECT_EQ(drain(dec, stream, stream.size()), 200u);
  EXPECT_EQ(scope.stats().count, 0u);
}

TEST(DecoderAllocation, SplitPacketsReuseTheBufferOnceWarm) {
  const std::string stream = submit_stream(200, 100);
  gp::decoder dec;
  ASSERT_EQ(drain(dec, std::string_view{stream}.substr(0, stream.size() / 2), 7), 100u);  // warm up
  gt::allocation_scope scope;
  EXPECT_EQ(drain(dec, std::string_view{stream}.substr(stream.size() / 2), 7), 100u);
  EXPECT_EQ(scope.stats().count, 0u);
}

TEST(DecoderAllocation, HugeDeclaredBodyAllocatesNothingOfIt) {
  std::string stream;
  gp::append_raw_header(stream, gp::response_magic, 8, 0xFFFFFFF0u);
  stream += std::string(4096, 'x');
  gp::decoder dec;
  gt::allocation_scope scope;
  for (std::size_t chunk : {1u, 5u, 4096u}) {
    dec.reset();
    drain(dec, stream, chunk);
    EXPECT_TRUE(dec.failed());
  }
  EXPECT_LE(scope.stats().largest, 64u) << "at most a header's worth";
}

TEST(DecoderAllocation, AcceptedHugeBodyAllocatesOnlyForBytesReceived) {
  gp::decoder_limits limits;
  limits.max_body_size = 0xFFFFFFFFu;
  std::string stream;
  gp::append_raw_header(stream, gp::request_magic, 16, 0xFFFFFFF0u);
  stream += std::string(100, 'x');
  gp::decoder dec{limits};
  gt::allocation_scope scope;
  drain(dec, stream, 10);
  EXPECT_FALSE(dec.failed());
  EXPECT_EQ(dec.buffered(), stream.size());
  EXPECT_LE(scope.stats().largest, 1024u);
  EXPECT_LE(scope.stats().bytes, 4096u);
}

TEST(EncoderAllocation, EncodingIntoAReservedStringAllocatesNothing) {
  std::string out;
  out.reserve(1 << 20);
  const std::string workload(100, 'w');
  gt::allocation_scope scope;
  for (int i = 0; i < 1000; ++i)
    ASSERT_FALSE(
        gp::encode_to(out, gp::magic::request, gp::command::submit_job_bg, {"function", "unique"}, workload));
  EXPECT_EQ(scope.stats().count, 0u);
}
