#include "gearspec/property/submit_input.hpp"

#include <algorithm>

#include "gearspec/client/unique.hpp"
#include "gearspec/protocol/packet.hpp"
#include "gearspec/test/generators.hpp"

namespace gearspec::property {
namespace {

bool has_nul(const std::string& s) { return s.find('\0') != std::string::npos; }

/// `base` with one NUL written at a generated position (base never empty).
rc::Gen<std::string> with_nul(rc::Gen<std::string> base) {
  return rc::gen::mapcat(std::move(base), [](std::string s) {
    if (s.empty()) s = "x";
    return rc::gen::map(rc::gen::inRange<std::size_t>(0, s.size()), [s](std::size_t at) {
      std::string out = s;
      out[at] = '\0';
      return out;
    });
  });
}

/// No-NUL bytes of a length in [min_length, max_length].
rc::Gen<std::string> nul_free_of_length(std::size_t min_length, std::size_t max_length) {
  return rc::gen::apply(
      [](std::size_t length, std::uint32_t seed) { return test::gen::filled_bytes(length, seed, false); },
      rc::gen::inRange(min_length, max_length + 1), rc::gen::arbitrary<std::uint32_t>());
}

}  // namespace

void showValue(const submit_input& s, std::ostream& os) {
  os << "{function=" << proto::escape_bytes(s.function) << " (" << s.function.size()
     << " bytes), unique=" << proto::escape_bytes(s.unique) << " (" << s.unique.size()
     << " bytes), workload=" << s.workload.size() << " bytes, priority=" << proto::name(s.prio) << "}";
  if (s.workload.size() <= 64) os << " workload=" << proto::escape_bytes(s.workload);
}

rc::Gen<proto::priority> priority() {
  return rc::gen::element(proto::priority::high, proto::priority::normal, proto::priority::low);
}

rc::Gen<std::string> valid_function() {
  return rc::gen::suchThat(test::gen::function_name(), [](const std::string& f) {
    return !f.empty() && f.size() <= client::max_function_size && !has_nul(f);
  });
}

rc::Gen<std::string> valid_unique() {
  return rc::gen::suchThat(test::gen::unique(), [](const std::string& u) {
    return u.size() <= client::max_unique_size && !has_nul(u);
  });
}

rc::Gen<std::string> caller_unique() {
  return rc::gen::suchThat(valid_unique(),
                           [](const std::string& u) { return !u.empty() && u != "-" && u != "#"; });
}

rc::Gen<submit_input> valid_submit(std::size_t max_workload) {
  const auto workload = rc::gen::weightedOneOf<std::string>({
      {3, rc::gen::suchThat(test::gen::workload(),
                            [max_workload](const std::string& w) { return w.size() <= max_workload; })},
      {1, test::gen::bytes(max_workload)},
  });
  return rc::gen::build<submit_input>(rc::gen::set(&submit_input::function, valid_function()),
                                      rc::gen::set(&submit_input::unique, valid_unique()),
                                      rc::gen::set(&submit_input::workload, workload),
                                      rc::gen::set(&submit_input::prio, priority()));
}

const char* to_string(broken_rule r) noexcept {
  switch (r) {
    case broken_rule::function_empty:
      return "function empty";
    case broken_rule::function_too_long:
      return "function longer than 512 bytes";
    case broken_rule::function_has_nul:
      return "function contains NUL";
    case broken_rule::unique_too_long:
      return "unique longer than 64 bytes";
    case broken_rule::unique_has_nul:
      return "unique contains NUL";
  }
  return "?";
}

void showValue(const invalid_submit& s, std::ostream& os) {
  os << to_string(s.rule) << ": ";
  showValue(s.input, os);
}

rc::Gen<invalid_submit> invalid_submit_gen(bool c_strings) {
  std::vector<broken_rule> rules{broken_rule::function_empty, broken_rule::function_too_long,
                                 broken_rule::unique_too_long};
  if (!c_strings) {
    rules.push_back(broken_rule::function_has_nul);
    rules.push_back(broken_rule::unique_has_nul);
  }
  return rc::gen::mapcat(rc::gen::elementOf(rules), [](broken_rule rule) {
    rc::Gen<std::string> function = valid_function();
    rc::Gen<std::string> unique = valid_unique();
    switch (rule) {
      case broken_rule::function_empty:
        function = rc::gen::just(std::string{});
        break;
      case broken_rule::function_too_long:
        function = nul_free_of_length(client::max_function_size + 1, 2 * client::max_function_size);
        break;
      case broken_rule::function_has_nul:
        function = with_nul(valid_function());
        break;
      case broken_rule::unique_too_long:
        unique = nul_free_of_length(client::max_unique_size + 1, 4 * client::max_unique_size);
        break;
      case broken_rule::unique_has_nul:
        unique = rc::gen::suchThat(with_nul(valid_unique()), [](const std::string& u) { return !u.empty(); });
        break;
    }
    return rc::gen::map(
        rc::gen::build<submit_input>(rc::gen::set(&submit_input::function, function),
                                     rc::gen::set(&submit_input::unique, unique),
                                     rc::gen::set(&submit_input::workload, test::gen::bytes(256)),
                                     rc::gen::set(&submit_input::prio, priority())),
        [rule](submit_input in) {
          return invalid_submit{std::move(in), rule};
        });
  });
}

}  // namespace gearspec::property
