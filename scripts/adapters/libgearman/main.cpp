// gearspec-adapter-libgearman: drives the real libgearman 1.1.20 client over
// adapter protocol v2 (JSON lines on stdin/stdout, docs/conformance.md).
// stdout carries protocol answers only; diagnostics go to stderr.
#include <libgearman-1.0/version.h>

#include <exception>
#include <iostream>
#include <string>

#include "status.hpp"
#include "submit.hpp"
#include "work.hpp"

namespace {

using nlohmann::json;

// Error texts come from the peer and may hold bytes that are not UTF-8; those
// are replaced (U+FFFD) rather than aborting the answer. Handles and uniques
// travel whole as handle_b64 / unique_b64.
void write_answer(const json& answer) {
  std::cout << answer.dump(-1, ' ', false, json::error_handler_t::replace) << '\n' << std::flush;
}

json answer_for(const json& request) {
  if (!request.is_object() || !request.contains("id") || !request.contains("op") ||
      !request["op"].is_string())
    throw std::invalid_argument("request must be an object with \"id\" and a string \"op\"");
  const std::string op = request["op"].get<std::string>();
  if (op == "hello")
    return {{"id", request["id"]},
            {"name", "libgearman"},
            {"version", LIBGEARMAN_VERSION_STRING},
            {"protocol", 2},
            {"features", gearspec::adapter::libgearman::hello_features()}};
  if (op == "submit")
    return {{"id", request["id"]}, {"results", gearspec::adapter::libgearman::submit(request)}};
  if (op == "status" || op == "work") {
    json answer = op == "status" ? gearspec::adapter::libgearman::status(request)
                                 : gearspec::adapter::libgearman::work(request);
    answer["id"] = request["id"];
    return answer;
  }
  throw std::invalid_argument("unknown op \"" + op + "\"");
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    if (line.empty()) continue;
    try {
      write_answer(answer_for(json::parse(line)));
    } catch (const std::exception& e) {
      // A request the adapter cannot understand is a harness bug: say where
      // and stop, rather than guessing an answer.
      std::cerr << "gearspec-adapter-libgearman: request line " << line_number << ": " << e.what() << '\n';
      return 2;
    }
  }
  return 0;
}
