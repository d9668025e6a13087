// Adapter protocol v1 (shared/spec/ADAPTER.md): the JSON lines the runner
// writes to an adapter and the answers it accepts back. nlohmann-json stays
// in the .cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gearspec/conformance/case.hpp"

namespace gearspec::conformance {

struct hello_answer {
  std::string name;
  std::string version;
  std::vector<std::string> features;
};

/// One entry of a submit answer's `results`.
struct job_result {
  bool ok = false;
  std::optional<std::string> handle;
  std::optional<std::string> unique;  ///< feature unique_readback
  std::string error_class;
  std::string error;
  std::string message;
  std::optional<std::string> server_code;
};

std::string make_hello_request(int id);
/// `server` is "HOST:PORT".
std::string make_submit_request(int id, const std::string& server, const request_spec& request);

/// Parse an answer line. On failure returns false and says why in `problem`
/// (in plain words, for the report).
bool parse_hello_answer(const std::string& line, int id, hello_answer& out, std::string& problem);
bool parse_submit_answer(const std::string& line, int id, std::size_t job_count, std::vector<job_result>& out,
                         std::string& problem);

/// True when `bytes` is valid UTF-8 (JSON strings must be).
bool is_valid_utf8(const std::string& bytes) noexcept;

}  // namespace gearspec::conformance
