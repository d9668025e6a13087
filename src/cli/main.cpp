// gearspec: the Gearman client conformance runner.
//
//   gearspec run --client reference            the suite against the reference client
//   gearspec run --client "perl adapter.pl"    ... against any adapter (ADAPTER.md)
//   gearspec list                              case IDs, titles, spec sections
//   gearspec report --html m.html a.json b.json   one matrix from several JSON reports
//   gearspec fuzz ...                          black-box fuzzing (when built in)
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.hpp"

#ifdef GEARSPEC_HAVE_BLACKBOX
#include "gearspec/blackbox/fuzz_command.hpp"
#endif

namespace gearspec::cli {
int main_commands(int argc, char** argv);  // run, list, report (run_command.cpp)
}

int main(int argc, char** argv) {
  // `fuzz` parses its own flags: hand it everything after the word.
  if (argc >= 2 && std::strcmp(argv[1], "fuzz") == 0) {
#ifdef GEARSPEC_HAVE_BLACKBOX
    return gearspec::blackbox::fuzz_command(argc - 1, argv + 1);
#else
    std::fprintf(stderr,
                 "gearspec: this build has no black-box fuzzer (target gearspec_blackbox not built)\n");
    return gearspec::cli::exit_harness_error;
#endif
  }
  return gearspec::cli::main_commands(argc, argv);
}
