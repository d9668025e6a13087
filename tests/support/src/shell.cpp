#include "gearspec/test/shell.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace gearspec::test {

shell_result run_shell(const std::string& command) {
  shell_result r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
  const int raw = ::pclose(pipe);
  r.status = raw != -1 && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

}  // namespace gearspec::test
