// Encoder (WIRE.md 1.2): exact layout for every command, and refusals.
#include "gearspec/protocol/encoder.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "gearspec/protocol/error.hpp"

namespace gp = gearspec::proto;

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
