// One adapter process: started without a shell in its own process group,
// driven over pipes with deadlines on every wait, killed when it hangs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace gearspec::conformance {

using clock = std::chrono::steady_clock;

/// The adapter command could not be started (not found, not executable).
class spawn_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Split a command line into words the way a POSIX shell does for the
/// simple cases adapters need: blanks separate, '...' and "..." quote,
/// backslash escapes. Throws std::invalid_argument on an unterminated quote.
std::vector<std::string> split_command_line(const std::string& command);

/// The adapter command line for a `--client` value: "reference" is the
/// reference adapter (gearspec-adapter-reference, found next to the running
/// executable or in ../libexec/gearspec); anything else is split with
/// split_command_line and run without a shell. Throws spawn_error when the
/// reference adapter is not found or the command is empty.
std::vector<std::string> resolve_client(const std::string& client);

/// How a process ended.
struct exit_info {
  bool exited = false;  ///< normal exit; `code` is valid
  int code = 0;
  bool signaled = false;  ///< killed by a signal; `signal` is valid
  int signal = 0;
  std::string describe() const;  ///< "exit status 0", "killed by signal 11 (SEGV)"
};

class adapter_process {
 public:
  /// Start argv[0] (looked up in PATH) with stdin/stdout/stderr on pipes.
  explicit adapter_process(const std::vector<std::string>& argv);
  /// Kills the process group if it is still running and reaps the child.
  ~adapter_process();
  adapter_process(const adapter_process&) = delete;
  adapter_process& operator=(const adapter_process&) = delete;

  enum class io_status { done, eof, timeout };

  /// Write `line` plus "\n" while draining the adapter's output (so a large
  /// request cannot deadlock against a chatty adapter). eof = the adapter
  /// closed its stdin (it exited or is exiting).
  io_status write_line(const std::string& line, clock::time_point deadline);

  /// Next line from stdout (without "\n"). eof = stdout closed with no
  /// complete line left (a final unterminated fragment is returned as a line).
  io_status read_line(std::string& line, clock::time_point deadline);

  /// Move whatever output is already waiting into the buffers without
  /// blocking, and notice an exit that has happened meanwhile (running()).
  void drain();

  /// Close the adapter's stdin: it should now exit.
  void close_stdin();

  /// Wait for the process to end; false when it is still running at the deadline.
  bool wait_exit(clock::time_point deadline);

  /// SIGKILL the whole process group and reap the child.
  void kill();

  bool running() const noexcept { return !reaped_; }
  const exit_info& exit() const noexcept { return exit_; }
  /// Everything the adapter wrote to stderr since the last take_stderr()
  /// (capped; the cap is noted).
  const std::string& stderr_text() const noexcept { return stderr_; }
  /// stderr_text(), then forget it: a process that serves several cases
  /// gives each case the stderr written during it (the cap applies per take).
  std::string take_stderr();
  pid_t pid() const noexcept { return pid_; }

  /// Bounds on what is kept from the adapter's output.
  static constexpr std::size_t max_line_bytes = 64u << 20;
  static constexpr std::size_t max_stderr_bytes = 256u << 10;

 private:
  /// Poll once (at most until deadline) and move available output into the buffers.
  /// Returns false when the deadline passed without any event.
  bool pump(clock::time_point deadline, bool want_write);
  void read_available(int& fd, std::string& into, std::size_t cap, bool& truncated);
  bool try_reap();
  void note_stderr_truncation();

  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1, stderr_fd_ = -1;
  std::string stdout_buffer_;
  std::string stderr_;
  bool stdout_truncated_ = false, stderr_truncated_ = false;
  bool reaped_ = false;
  exit_info exit_;
};

}  // namespace gearspec::conformance
