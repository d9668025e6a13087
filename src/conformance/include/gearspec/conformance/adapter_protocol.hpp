// Adapter protocols v1 and v2 (docs/conformance.md): the JSON lines the
// runner writes to an adapter and the answers it accepts back. nlohmann-json
// stays in the .cpp.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gearspec/conformance/case.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::conformance {

struct hello_answer {
  std::string name;
  std::string version;
  std::vector<std::string> features;
  int protocol = 1;  ///< "protocol" of the hello answer; absent means 1
};

/// One entry of a submit answer's `results`.
struct job_result {
  bool ok = false;
  std::optional<std::string> handle;  ///< bytes: from handle_b64 (v2), else the text handle
  std::optional<std::string> unique;  ///< feature unique_readback; bytes as for handle
  std::string error_class;
  std::string error;
  std::string message;
  std::optional<std::string> server_code;
  std::optional<status_values> status;  ///< the answer of a `status` request that succeeded
};

/// The `error_class` values an answer may carry (docs/conformance.md).
const std::set<std::string>& error_classes();

std::string make_hello_request(int id);
/// `server` is "HOST:PORT". `protocol` is the adapter's (hello): from 2 on,
/// function and unique go as `*_b64`, plus the text when it is UTF-8.
std::string make_submit_request(int id, const std::string& server, const request_spec& request,
                                int protocol = 1);

/// A `status` request (protocol 2): `handle_b64` or `unique_b64`.
std::string make_status_request(int id, const std::string& server, const request_spec& request);

/// The finding of a case the adapter's protocol cannot carry (UNIMPLEMENTED):
/// what the case needs and why, and what the adapter speaks.
std::string protocol_needed(const case_spec& c);
std::string protocol_spoken(const hello_answer& hello);

/// Parse an answer line. On failure returns false and says why in `problem`
/// (in plain words, for the report).
bool parse_hello_answer(const std::string& line, int id, hello_answer& out, std::string& problem);
bool parse_submit_answer(const std::string& line, int id, std::size_t job_count, std::vector<job_result>& out,
                         std::string& problem);
/// The answer of a `status` request, as one result (`status` set when ok).
bool parse_status_answer(const std::string& line, int id, std::vector<job_result>& out, std::string& problem);

using util::is_valid_utf8;

}  // namespace gearspec::conformance
