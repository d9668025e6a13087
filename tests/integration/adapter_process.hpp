// A child process driven over pipes, for adapter self-tests: write lines to
// its stdin, read stdout lines with a deadline, close stdin and wait (bounded)
// for its exit. stderr is collected for failure messages.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gearspec::test {

class adapter_process {
 public:
  /// Starts argv[0] (searched in PATH) with argv; throws std::runtime_error on failure.
  explicit adapter_process(const std::vector<std::string>& argv);
  ~adapter_process();  // kills the child (SIGKILL) if it is still running
  adapter_process(const adapter_process&) = delete;
  adapter_process& operator=(const adapter_process&) = delete;

  /// Writes `line` plus "\n" to the child's stdin; false if the pipe is closed.
  bool write_line(const std::string& line);

  /// The next stdout line (without "\n"), or nullopt at EOF or after `timeout`.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  /// Closes the child's stdin.
  void close_stdin();

  /// Waits for the exit; returns the exit status, -1 if it ended by a signal,
  /// or nullopt after `timeout` (the child is then killed).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  /// Everything the child wrote to stderr so far (read without blocking).
  const std::string& stderr_text();

 private:
  void drain_stderr();

  pid_t pid_ = -1;
  int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1;
  std::string stdout_buffer_, stderr_buffer_;
  bool exited_ = false;
};

}  // namespace gearspec::test
