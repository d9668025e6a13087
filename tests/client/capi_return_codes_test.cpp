// The C API's gearman_return_t against the real libgearman 1.1.20: the values
// of its header (libgearman_return_values.c) and the strings of its own
// gearman_strerror. libgearman is loaded with dlopen because it defines the
// same C symbols as the library under test.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <libgearman/gearman.h>

#include <iterator>
#include <string>

#include "sampled_return_codes.h"

extern "C" {
extern const gearspec_sampled_code gearspec_libgearman_codes[];
extern const std::size_t gearspec_libgearman_code_count;
}

namespace {

#define GEARSPEC_OUR_CODE(name) {#name, GEARMAN_##name},
const gearspec_sampled_code our_codes[] = {GEARSPEC_SAMPLED_RETURN_CODES(GEARSPEC_OUR_CODE)};
#undef GEARSPEC_OUR_CODE

TEST(CApiReturnCodes, HeaderValuesMatchLibgearmansHeader) {
  ASSERT_EQ(gearspec_libgearman_code_count, std::size(our_codes));
  for (std::size_t i = 0; i < std::size(our_codes); ++i) {
    EXPECT_STREQ(our_codes[i].name, gearspec_libgearman_codes[i].name);
    EXPECT_EQ(our_codes[i].value, gearspec_libgearman_codes[i].value) << "GEARMAN_" << our_codes[i].name;
  }
}

TEST(CApiReturnCodes, SampledNamesPrintThemselves) {
  for (const auto& code : our_codes) {
    const std::string name = code.name;
    if (name == "FAIL" || name == "FATAL" || name == "ERROR") continue;  // aliases print their target
    EXPECT_EQ(gearman_strerror(static_cast<gearman_return_t>(code.value)), "GEARMAN_" + name);
  }
}

class RealLibgearman : public ::testing::Test {
 protected:
  using strerror_fn = const char* (*)(gearman_return_t);
  void SetUp() override {
    handle_ = ::dlopen(GEARSPEC_REAL_LIBGEARMAN, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << ::dlerror();
    real_strerror_ = reinterpret_cast<strerror_fn>(::dlsym(handle_, "gearman_strerror"));
    ASSERT_NE(real_strerror_, nullptr) << ::dlerror();
    ASSERT_NE(real_strerror_, &gearman_strerror) << "dlsym found the library under test, not libgearman";
  }
  void TearDown() override {
    if (handle_ != nullptr) ::dlclose(handle_);
  }
  void* handle_ = nullptr;
  strerror_fn real_strerror_ = nullptr;
};

TEST_F(RealLibgearman, StrerrorMatchesForEveryValue) {
  // 0..63 stays inside the value range of libgearman's enum; 53.. are past
  // its last code and print GEARMAN_MAX_RETURN in both.
  for (int v = 0; v < 64; ++v) {
    const auto rc = static_cast<gearman_return_t>(v);
    EXPECT_STREQ(gearman_strerror(rc), real_strerror_(rc)) << v;
  }
}

}  // namespace
