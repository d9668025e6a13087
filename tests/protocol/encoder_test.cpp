// Encoder (WIRE.md 1.2): exact layout for every command, and refusals.
#include "gearspec/protocol/encoder.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "gearspec/protocol/error.hpp"

namespace gp = gearspec::proto;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

// An address range of `size` bytes that cannot be read: any access crashes.
// Views over it prove that a function decides from sizes alone.
class unreadable_range {
 public:
  explicit unreadable_range(std::size_t size) : size_(size) {
    void* p = ::mmap(nullptr, size_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    base_ = p == MAP_FAILED ? nullptr : static_cast<const char*>(p);
  }
  ~unreadable_range() {
    if (base_ != nullptr) ::munmap(const_cast<char*>(base_), size_);
  }
  unreadable_range(const unreadable_range&) = delete;
  unreadable_range& operator=(const unreadable_range&) = delete;

  bool ok() const noexcept { return base_ != nullptr; }
  std::string_view view(std::size_t n) const noexcept { return {base_, n}; }

 private:
  std::size_t size_;
  const char* base_ = nullptr;
};

}  // namespace

// A 4 GiB function name is refused as body_too_large without reading it.
TEST(EncoderRefuses, HugeArgumentBySizeWithoutReadingIt) {
  unreadable_range huge{std::size_t{1} << 32};
  ASSERT_TRUE(huge.ok());
  const std::string_view args[] = {huge.view(0xFFFFFFFFu), "u"};
  EXPECT_EQ(gp::validate(gp::command::submit_job_bg, args, 2, {}), gp::errc::body_too_large);
  std::string out = "keep";
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::submit_job_bg, args, 2),
            gp::errc::body_too_large);
  EXPECT_EQ(out, "keep");
}

namespace {

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string body_of(const std::string& packet) { return packet.substr(gp::header_size); }

}  // namespace

// ---- layout (WIRE.md 1.2) ----------------------------------------------------

TEST(EncoderLayout, HeaderIsMagicThenBigEndianCommandAndLength) {
  char h[gp::header_size];
  gp::write_header(h, gp::magic::response, 0x01020304u, 0xA0B0C0D0u);
  EXPECT_EQ(std::string(h, sizeof h), "\0RES"s + "\x01\x02\x03\x04" + "\xA0\xB0\xC0\xD0");
  std::string raw = "x";
  gp::append_raw_header(raw, "\0AB"sv, 43, 7);
  EXPECT_EQ(raw, "x" + "\0AB\0"s + be32(43) + be32(7)) << "a short magic is padded with NUL";
}

TEST(EncoderLayout, ArgcDataRuleForEveryShape) {
  // argc >= 1 with data: every argument terminated, data unterminated.
  EXPECT_EQ(body_of(gp::encode(gp::magic::response, gp::command::job_assign, {"h", "f"}, "d\0"sv)),
            "h\0f\0d\0"s);
  // argc >= 1 without data: the last argument runs to the end of the body.
  EXPECT_EQ(body_of(gp::encode(gp::magic::response, gp::command::error, {"C", "text"})), "C\0text"s);
  EXPECT_EQ(body_of(gp::encode(gp::magic::response, gp::command::job_created, {"H:vm:1"})), "H:vm:1");
  // argc 0 with data: the whole body is data.
  EXPECT_EQ(body_of(gp::encode(gp::magic::request, gp::command::echo_req, {}, "\0\0"sv)), "\0\0"s);
  // argc 0 without data: empty body.
  EXPECT_EQ(gp::encode(gp::magic::request, gp::command::grab_job, {}), "\0REQ"s + be32(9) + be32(0));
}

TEST(EncoderLayout, BodySizeCountsTerminators) {
  const std::string_view two[] = {"abc", ""};
  EXPECT_EQ(gp::body_size(gp::command::submit_job_bg, two, 2, "12345"), 3u + 1 + 0 + 1 + 5);
  EXPECT_EQ(gp::body_size(gp::command::error, two, 2, {}), 3u + 1 + 0);
  EXPECT_EQ(gp::body_size(gp::command::noop, nullptr, 0, {}), 0u);
  EXPECT_EQ(gp::body_size(gp::command::echo_res, nullptr, 0, "xy"), 2u);
}

TEST(EncoderLayout, AppendsToExistingOutput) {
  std::string out = "prefix";
  ASSERT_FALSE(gp::encode_to(out, gp::magic::response, gp::command::noop, {}));
  EXPECT_EQ(out, "prefix" + gp::encode(gp::magic::response, gp::command::noop, {}));
}

// ---- refusals ------------------------------------------------------------------

TEST(EncoderRefuses, NulInsideAnyArgument) {
  std::string out;
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::submit_job, {"f\0n"sv, "u"}, "d"),
            gp::errc::nul_in_argument);
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::submit_job, {"fn", "\0"sv}, "d"),
            gp::errc::nul_in_argument);
  // Even the unterminated last argument: a decoder would see one argument too many.
  EXPECT_EQ(gp::encode_to(out, gp::magic::response, gp::command::job_created, {"H:1\0x"sv}),
            gp::errc::nul_in_argument);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(gp::encode_to(out, gp::magic::request, gp::command::submit_job, {"fn", "u"}, "\0\0"sv))
      << "NUL in DATA is fine";
}

TEST(EncoderRefuses, WrongArgumentCount) {
  std::string out;
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::submit_job_bg, {"f"}, "d"),
            gp::errc::wrong_argument_count);
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::submit_job_bg, {"f", "u", "x"}, "d"),
            gp::errc::wrong_argument_count);
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::noop, {"x"}), gp::errc::wrong_argument_count);
  const gp::packet nine{gp::magic::request, gp::command::submit_job_sched, std::vector<std::string>(9, "a"),
                        "d"};
  EXPECT_EQ(gp::encode_to(out, nine), gp::errc::wrong_argument_count);
  EXPECT_TRUE(out.empty());
}

TEST(EncoderRefuses, DataOnANoDataCommand) {
  std::string out;
  EXPECT_EQ(gp::encode_to(out, gp::magic::response, gp::command::job_created, {"H:1"}, "x"),
            gp::errc::data_not_allowed);
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::grab_job, {}, "x"),
            gp::errc::data_not_allowed);
  EXPECT_TRUE(out.empty());
}

TEST(EncoderRefuses, CommandsThatCannotBeInAHeader) {
  std::string out;
  for (std::uint32_t n : {0u, 43u, 44u, 0xFFFFFFFFu})
    EXPECT_EQ(gp::encode_to(out, gp::magic::request, static_cast<gp::command>(n), nullptr, 0),
              gp::errc::unencodable_command)
        << n;
  EXPECT_TRUE(out.empty());
}

TEST(EncoderRefuses, BodyOfTwoToTheThirtyTwoMinusOneWithoutAllocatingIt) {
  // WIRE.md 10: the body must stay below UINT32_MAX. The data view lies over
  // unreadable memory: validate decides from the sizes alone.
  unreadable_range huge{std::size_t{1} << 32};
  ASSERT_TRUE(huge.ok());
  const std::string_view args[] = {"f", "u"};  // 4 bytes of body with terminators
  EXPECT_EQ(gp::validate(gp::command::submit_job_bg, args, 2, huge.view(0xFFFFFFFFu - 4)),
            gp::errc::body_too_large);
  EXPECT_FALSE(gp::validate(gp::command::submit_job_bg, args, 2, huge.view(0xFFFFFFFEu - 4)));
  EXPECT_EQ(gp::max_encodable_body, 0xFFFFFFFEu);
  EXPECT_EQ(gp::validate(gp::command::echo_req, nullptr, 0, huge.view(0xFFFFFFFFu)),
            gp::errc::body_too_large);
  std::string out;
  EXPECT_EQ(gp::encode_to(out, gp::magic::request, gp::command::echo_req, nullptr, 0, huge.view(0xFFFFFFFFu)),
            gp::errc::body_too_large);
  EXPECT_LT(out.capacity(), 4096u) << "nothing was allocated for the refused body";
}

TEST(EncoderRefuses, EncodeThrowsWithTheCode) {
  try {
    (void)gp::encode(gp::magic::request, gp::command::submit_job_bg, {"f"}, "d");
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), gp::errc::wrong_argument_count);
    EXPECT_NE(std::string{e.what()}.find("SUBMIT_JOB_BG"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)gp::encode(gp::packet{gp::magic::request, gp::command::text, {}, {}}),
               std::system_error);
}

// ---- encode_into (caller-owned buffers) ----------------------------------------------

TEST(EncodeInto, WritesTheSameBytesAsEncodeTo) {
  const std::string_view args[] = {"fn", "", "x"};
  const std::pair<gp::command, std::size_t> shapes[] = {{gp::command::submit_job_epoch, 3},
                                                        {gp::command::error, 2},
                                                        {gp::command::echo_res, 0},
                                                        {gp::command::noop, 0}};
  for (auto [cmd, argc] : shapes) {
    const std::string_view data = gp::info(cmd).has_data ? "d\0a"sv : ""sv;
    std::string expected;
    ASSERT_FALSE(gp::encode_to(expected, gp::magic::response, cmd, args, argc, data)) << gp::name(cmd);
    std::string buffer(expected.size() + 4, '#');
    ASSERT_FALSE(gp::encode_into(buffer.data(), gp::magic::response, cmd, args, argc, data));
    EXPECT_EQ(buffer, expected + "####") << gp::name(cmd) << ": exactly body_size + 12 bytes written";
  }
}

TEST(EncodeInto, RefusalWritesNothing) {
  std::string buffer(64, '#');
  const std::string_view args[] = {"f\0n"sv, "u"};
  EXPECT_EQ(gp::encode_into(buffer.data(), gp::magic::request, gp::command::submit_job_bg, args, 2, "d"),
            gp::errc::nul_in_argument);
  EXPECT_EQ(gp::encode_into(buffer.data(), gp::magic::request, gp::command::submit_job_bg, args, 1, "d"),
            gp::errc::wrong_argument_count);
  EXPECT_EQ(buffer, std::string(64, '#'));
}
