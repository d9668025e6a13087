#include "progress.hpp"

#include <cstdio>

namespace gearspec::cli {

void progress_line::update(const conformance::case_result& r, std::size_t done, std::size_t total) {
  if (conformance::is_failure(r.verdict) && !r.known_failure) ++failures_;
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K[%zu/%zu] %zu failing  %s %s", done, total, failures_, r.case_id.c_str(),
               std::string(conformance::to_string(r.verdict)).c_str());
  std::fflush(stderr);
}

void progress_line::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

}  // namespace gearspec::cli
