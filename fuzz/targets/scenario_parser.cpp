// Fuzz target: gearmock's scenario-file parser (parse_scenario).
//
// Input: the YAML text itself (capped at 16 KiB; no option bytes).
// Invariants: the parser either returns a scenario (with a name and at least
// one script) or throws scenario_error whose what() starts with the source
// name and a line number inside the text, with a non-empty "expected"; any
// other exception escaping the parser is a bug (bad input must get a precise
// error), and so is a crash or a hang.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "gearspec/fuzz/check.hpp"
#include "gearspec/mock/scenario.hpp"

namespace {
constexpr std::size_t max_input = 16 * 1024;
constexpr const char* source_name = "fuzz.yaml";
}  // namespace

extern "C" GEARSPEC_FUZZ_HARNESS int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), std::min(size, max_input)};
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  try {
    const auto s = gearspec::mock::parse_scenario(text, source_name);
    GEARSPEC_FUZZ_CHECK(s != nullptr);
    GEARSPEC_FUZZ_CHECK(!s->name().empty() && s->source() == source_name);
    GEARSPEC_FUZZ_CHECK(s->script_count() >= 1);
  } catch (const gearspec::mock::scenario_error& e) {
    const std::string what = e.what();
    GEARSPEC_FUZZ_CHECK(what.rfind(std::string{source_name} + ":", 0) == 0);
    GEARSPEC_FUZZ_CHECK(e.file() == source_name);
    // Known divergence (reported to the gearmock owner): a document without
    // any node (empty, comments only) is reported at 0:0 although the header
    // promises 1-based positions; everything else must point into the text.
    if (e.line() == 0)
      GEARSPEC_FUZZ_CHECK(e.got() == "null");
    else
      GEARSPEC_FUZZ_CHECK(e.line() >= 1 && e.line() <= lines + 1 && e.column() >= 1);
    GEARSPEC_FUZZ_CHECK(!e.expected().empty());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parse_scenario threw %s instead of scenario_error\n", e.what());
    GEARSPEC_FUZZ_CHECK(!"an exception other than scenario_error escaped parse_scenario");
  }
  return 0;
}
