#include "gearspec/test/property.hpp"

#include <cstdlib>
#include <string_view>

namespace gearspec::test {

rc::detail::TestParams property_params(int min_success) {
  auto params = rc::detail::configuration().testParams;
  const char* env = std::getenv("RC_PARAMS");
  const bool explicit_count =
      env != nullptr && std::string_view{env}.find("max_success") != std::string_view::npos;
  if (!explicit_count && params.maxSuccess < min_success) params.maxSuccess = min_success;
  return params;
}

}  // namespace gearspec::test
