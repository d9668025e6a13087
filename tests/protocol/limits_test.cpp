// Protocol constants against WIRE.md section 10.
#include "gearspec/protocol/limits.hpp"

#include <gtest/gtest.h>

#include "gearspec/protocol/decoder.hpp"

namespace gp = gearspec::proto;

TEST(Limits, MatchWireSection10) {
  EXPECT_EQ(gp::default_port, 4730);
  EXPECT_EQ(gp::max_unique_size, 64u);
  EXPECT_EQ(gp::uuid_size, 36u);
  EXPECT_EQ(gp::max_function_size, 512u);
  EXPECT_EQ(gp::job_handle_buffer_size, 64u);
  EXPECT_EQ(gp::max_job_handle_length, 63u);
  EXPECT_EQ(gp::max_client_id_size, 254u);
  EXPECT_EQ(gp::option_buffer_size, 64u);
  EXPECT_EQ(gp::receive_buffer_size, 8192u);
  EXPECT_EQ(gp::max_integer_digits, 20u);
}

TEST(Limits, DecoderDefaultsFollowGearmandsReceiveBuffer) {
  const gp::decoder_limits limits;
  EXPECT_EQ(limits.max_argument_size, gp::receive_buffer_size);
  EXPECT_EQ(limits.max_text_line, gp::receive_buffer_size);
  EXPECT_GE(limits.max_body_size, 1u << 20) << "1 MiB payloads were accepted by gearmand (WIRE.md 1.2)";
}
