// The journal: every connection event, in memory (for tests) and as JSON
// lines (for people and tools). Thread-safe; written from the io thread.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "gearspec/mock/server.hpp"
#include "gearspec/protocol/decoder.hpp"

namespace gearspec::mock::detail {

class journal {
 public:
  /// Throws std::runtime_error when `path` cannot be opened.
  journal(const std::string& path, bool in_memory, proto::decoder_limits limits);

  /// False when nothing is kept (no file, not in memory): callers skip the work.
  bool enabled() const noexcept { return in_memory_ || file_.is_open(); }

  void record(std::uint64_t connection, journal_entry::kind what, std::string bytes = {},
              std::string text = {});
  void flush();

  std::vector<journal_entry> snapshot() const;
  std::vector<std::string> mismatches() const;

 private:
  struct stream_state {
    proto::decoder in, out;
  };
  std::string to_json(const journal_entry& e);

  mutable std::mutex mutex_;
  std::ofstream file_;
  bool in_memory_;
  proto::decoder_limits limits_;
  std::vector<journal_entry> entries_;
  std::vector<std::string> mismatches_;
  std::map<std::uint64_t, stream_state> streams_;
};

}  // namespace gearspec::mock::detail
