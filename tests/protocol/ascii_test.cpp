// ASCII case folding, locale-free.
#include "gearspec/util/ascii.hpp"

#include <gtest/gtest.h>

namespace gu = gearspec::util;

TEST(Ascii, EqualsIgnoringCase) {
  EXPECT_TRUE(gu::iequals("Exceptions", "EXCEPTIONS"));
  EXPECT_TRUE(gu::iequals("", ""));
  EXPECT_FALSE(gu::iequals("show", "shows"));
  EXPECT_FALSE(gu::iequals("a", "b"));
  EXPECT_FALSE(gu::iequals("\xe4", "\xc4")) << "only ASCII letters fold";
  EXPECT_FALSE(gu::iequals("[", "{")) << "no folding outside the letters";
  EXPECT_EQ(gu::to_upper('z'), 'Z');
  EXPECT_EQ(gu::to_upper('@'), '@');
}
