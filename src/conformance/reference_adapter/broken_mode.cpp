#include "broken_mode.hpp"

namespace gearspec::reference_adapter {

const std::vector<std::string>& broken_mode_names() {
  static const std::vector<std::string> names{"none",
                                              "trailing-nul",
                                              "success-on-error",
                                              "never-answer",
                                              "crash",
                                              "drop-unique",
                                              "no-handle",
                                              "hide-handles",
                                              "blind-retry",
                                              "truncate-reject",
                                              "always-error",
                                              "strip-whitespace",
                                              "coerce-numeric",
                                              "falsy-unique",
                                              "reencode-utf8",
                                              "protocol-1",
                                              "worker-busy-poll",
                                              "worker-swap-status",
                                              "worker-complete-all",
                                              "worker-ignore-errors",
                                              "status-ignore-flags",
                                              "status-atoi",
                                              "status-trailing-nul",
                                              "status-success-on-error"};
  return names;
}

std::optional<broken_mode> parse_broken_mode(const std::string& name) {
  const auto& names = broken_mode_names();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<broken_mode>(i);
  return std::nullopt;
}

}  // namespace gearspec::reference_adapter
