// The one-line progress display on a terminal.
#pragma once

#include <cstddef>
#include <string>

#include "gearspec/conformance/result.hpp"

namespace gearspec::cli {

class progress_line {
 public:
  /// Draws only when `enabled` (stderr is a terminal and not --no-progress).
  explicit progress_line(bool enabled) : enabled_(enabled) {}
  void update(const conformance::case_result& r, std::size_t done, std::size_t total);
  /// Erase the line.
  void finish();

 private:
  bool enabled_;
  std::size_t failures_ = 0;
};

}  // namespace gearspec::cli
