// Runs a /bin/sh command line for tests that drive executables (gearspec,
// gearmock, perl, tshark) and look at their exit status and output.
#pragma once

#include <string>

namespace gearspec::test {

struct shell_result {
  int status = -1;     ///< exit status; -1 when killed by a signal or not started
  std::string output;  ///< everything the command wrote to stdout
};

/// Run `command` with popen() and wait for it. Add " 2>&1" to see stderr too.
shell_result run_shell(const std::string& command);

}  // namespace gearspec::test
