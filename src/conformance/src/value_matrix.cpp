#include "gearspec/conformance/value_matrix.hpp"

#include "gearspec/protocol/limits.hpp"

namespace gearspec::conformance {
namespace {

enum field : unsigned { function_field = 1, unique_field = 2, workload_field = 4 };
constexpr unsigned all_fields = function_field | unique_field | workload_field;

/// What a correct client does with the value.
enum class handling {
  sent,         ///< sent byte-exact, and the job reported as the server answers
  may_reject,   ///< over a limit, or empty function: rejected before sending, or sent whole
  unencodable,  ///< contains the NUL that ends the argument: must be rejected, never sent cut
  any_unique,   ///< "#": a client may send it or libgearman's hash of the workload
};

struct value_class {
  const char* name;  ///< in the case ID
  const char* what;  ///< in the title, plain words
  std::string value;
  unsigned fields;
  handling how = handling::sent;
};

const std::vector<value_class>& classes() {
  using namespace std::string_literals;
  constexpr auto fmax = proto::max_function_size;
  constexpr auto umax = proto::max_unique_size;
  static const std::vector<value_class> table{
      // Shape and whitespace.
      {"empty", "empty", "", unique_field | workload_field},
      {"empty", "empty", "", function_field, handling::may_reject},
      {"one-byte", "of one byte", "x", all_fields},
      {"whitespace-only", "of whitespace only", " \t ", all_fields},
      {"leading-space", "with a leading space", " x", all_fields},
      {"trailing-space", "with a trailing space", "x ", all_fields},
      {"tab", "holding a tab", "a\tb", all_fields},
      {"cr", "holding a CR", "a\rb", all_fields},
      {"lf", "holding an LF", "a\nb", all_fields},
      {"trailing-lf", "ending in an LF (a chomp would drop it)", "x\n", all_fields},
      // Strings a dynamic language coerces to a number or a boolean.
      {"zero", "\"0\" (false in Perl and PHP)", "0", all_fields},
      {"leading-zeros", "\"007\" (7 as a number)", "007", all_fields},
      {"exponent", "\"1e3\" (1000 as a number)", "1e3", all_fields},
      {"decimal", "\"1.50\" (1.5 as a number)", "1.50", all_fields},
      {"true", "\"true\"", "true", all_fields},
      {"false", "\"false\"", "false", all_fields},
      {"null", "\"null\"", "null", all_fields},
      // Bytes.
      {"non-ascii", "of non-ASCII UTF-8", "\xc3\xbcn\xc3\xaf-\xe2\x82\xac-\xe6\x97\xa5\xe6\x9c\xac",
       all_fields},
      {"nul-inside", "holding a NUL", "a\0b"s, function_field | unique_field, handling::unencodable},
      {"nul-inside", "holding a NUL", "a\0b"s, workload_field},
      {"nul-only", "of one NUL byte", "\0"s, workload_field},
      // Needs adapter protocol 2 for function and unique (required_protocol).
      {"non-utf8", "of bytes that are not UTF-8", "\xff\xfe\xc3\x28\x80", all_fields},
      // Limits (GEARMAN_FUNCTION_MAX_SIZE, GEARMAN_MAX_UNIQUE_SIZE).
      {"limit-minus-1", "one byte under the limit", std::string(fmax - 1, 'f'), function_field},
      {"limit", "at the limit", std::string(fmax, 'f'), function_field},
      {"limit-plus-1", "one byte over the limit", std::string(fmax + 1, 'f'), function_field,
       handling::may_reject},
      {"far-over-limit", "far over the limit (4096 bytes)", std::string(4096, 'f'), function_field,
       handling::may_reject},
      {"limit-minus-1", "one byte under the limit", std::string(umax - 1, 'u'), unique_field},
      {"limit", "at the limit", std::string(umax, 'u'), unique_field},
      {"limit-plus-1", "one byte over the limit", std::string(umax + 1, 'u'), unique_field,
       handling::may_reject},
      {"far-over-limit", "far over the limit (1024 bytes)", std::string(1024, 'u'), unique_field,
       handling::may_reject},
      {"dash", "\"-\" (coalesce by workload)", "-", unique_field},
      {"hash", "\"#\" (libgearman: a hash of the workload)", "#", unique_field, handling::any_unique},
      // Buffer sizes.
      {"8k-minus-1", "of 8191 bytes", std::string(8191, 'w'), workload_field},
      {"8k", "of 8192 bytes", std::string(8192, 'w'), workload_field},
      {"8k-plus-1", "of 8193 bytes", std::string(8193, 'w'), workload_field},
      {"64k-minus-1", "of 65535 bytes", std::string(65535, 'w'), workload_field},
      {"64k", "of 65536 bytes", std::string(65536, 'w'), workload_field},
      {"64k-plus-1", "of 65537 bytes", std::string(65537, 'w'), workload_field},
  };
  return table;
}

const char* field_name(field f) {
  return f == function_field ? "function" : f == unique_field ? "unique" : "workload";
}

std::string requirement_for(field f, const value_class& v) {
  const std::string subject = std::string("a ") + field_name(f) + " " + v.what;
  switch (v.how) {
    case handling::sent:
      if (f == unique_field && v.value.empty())
        return "an empty unique is sent empty or replaced by a fresh value, and the job the server creates "
               "succeeds";
      return subject + " is sent byte-exact, and the job the server creates succeeds";
    case handling::may_reject:
      return subject +
             " is rejected before sending, or sent whole and reported as the server answers; never cut";
    case handling::unencodable:
      return subject +
             " cannot be encoded (a NUL ends the argument): it is rejected before sending, never sent cut";
    case handling::any_unique:
      break;
  }
  return subject + " is sent verbatim or as libgearman's hash, and the job the server creates succeeds";
}

job_spec class_job(field f, const value_class& v, proto::priority prio) {
  job_spec j;
  j.function = "fn";
  j.unique = std::string("u-1");
  j.workload = "w";
  j.prio = prio;
  (f == function_field ? j.function : f == unique_field ? *j.unique : j.workload) = v.value;
  switch (v.how) {
    case handling::sent:
      j.outcome = expected_outcome::ok;
      break;
    case handling::may_reject:
      j.wire = expected_wire::sent_or_rejected;
      break;
    case handling::unencodable:
      j.outcome = expected_outcome::error;
      j.wire = expected_wire::sent_or_rejected;
      j.error_classes = {"invalid_argument"};
      break;
    case handling::any_unique:
      j.outcome = expected_outcome::ok;
      j.wire = expected_wire::unchecked;
      break;
  }
  return j;
}

/// A plain job around the class job in a batch. Its own function, so that
/// no job of the batch can be taken for another.
job_spec neighbour(const std::string& name) {
  job_spec j;
  j.function = j.workload = name;
  j.unique = name;
  j.outcome = expected_outcome::ok;
  return j;
}

}  // namespace

std::vector<case_spec> value_matrix_cases(const std::string& source_file, int source_line) {
  struct variant {
    const char* name;
    const char* title;
    proto::priority prio;
    bool batch;
  };
  static const variant variants[] = {{"normal", "at normal priority", proto::priority::normal, false},
                                     {"high", "at high priority", proto::priority::high, false},
                                     {"low", "at low priority", proto::priority::low, false},
                                     {"batch", "in a batch of three", proto::priority::normal, true}};
  std::vector<case_spec> out;
  for (const field f : {function_field, unique_field, workload_field}) {
    for (const auto& v : classes()) {
      if (!(v.fields & f)) continue;
      for (const auto& var : variants) {
        case_spec c;
        c.id = std::string("value/") + field_name(f) + "/" + v.name + "/" + var.name;
        c.title = std::string(field_name(f)) + " " + v.what + " " + var.title;
        c.title[0] = static_cast<char>(c.title[0] - 'a' + 'A');
        c.section = v.how == handling::may_reject || v.how == handling::unencodable ? "SEMANTICS 2"
                    : f == unique_field                                             ? "SEMANTICS 3"
                                                                                    : "SEMANTICS 4";
        c.level = requirement::must;
        c.requirement_text = requirement_for(f, v);
        c.server = server_kind::queue;
        request_spec r;
        r.timeout_ms = 2000;
        if (var.batch) {
          c.needs = {"batch"};
          r.jobs = {neighbour("n-1"), class_job(f, v, var.prio), neighbour("n-2")};
        } else {
          r.jobs = {class_job(f, v, var.prio)};
        }
        c.requests.push_back(std::move(r));
        c.deadline_ms = 4000;
        c.source_file = source_file;
        c.source_line = source_line;
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

}  // namespace gearspec::conformance
