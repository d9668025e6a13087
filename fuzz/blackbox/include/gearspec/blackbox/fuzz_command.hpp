// `gearspec fuzz`: black-box fuzzing of a client library through its adapter
// (ADAPTER.md). gearmock answers the adapter's submits with mutated server
// traffic; crashes, hangs and success without a JOB_CREATED are saved as case
// files that `gearspec run --scenario FILE` replays. See docs/fuzzing.md.
#pragma once

namespace gearspec::blackbox {

/// Parse the flags (argv[0] is "fuzz") and run a campaign. Exit status: 0 no
/// findings, 1 findings, 2 harness error or bad flags.
int fuzz_command(int argc, char** argv);

}  // namespace gearspec::blackbox
