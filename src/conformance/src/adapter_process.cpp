#include "gearspec/conformance/adapter_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace gearspec::conformance {
namespace {

int remaining_ms(clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60000));
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

/// write() that turns a closed pipe into EPIPE without raising SIGPIPE in the
/// runner: the signal is blocked for this thread and a pending one consumed.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_only, old;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  const ssize_t n = ::write(fd, data, size);
  const int saved = errno;
  if (n < 0 && saved == EPIPE) {
    const timespec no_wait{0, 0};
    while (::sigtimedwait(&pipe_only, nullptr, &no_wait) == SIGPIPE) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return n;
}

}  // namespace

std::vector<std::string> split_command_line(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'' || c == '"') {
      // Quoted run: '...' takes everything literally; "..." honours \" and \\.
      std::size_t k = i + 1;
      for (; k < command.size() && command[k] != c; ++k) {
        if (c == '"' && command[k] == '\\' && k + 1 < command.size()) ++k;
        word += command[k];
      }
      if (k >= command.size())
        throw std::invalid_argument("unterminated " + std::string(1, c) + " quote in command: " + command);
      i = k;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> resolve_client(const std::string& client) {
  namespace fs = std::filesystem;
  if (client == "reference") {
    std::error_code ec;
    const auto exe_dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
    for (const auto& candidate :
         {exe_dir / "gearspec-adapter-reference",
          exe_dir.parent_path() / "libexec" / "gearspec" / "gearspec-adapter-reference"})
      if (fs::exists(candidate, ec)) return {candidate.string()};
    throw spawn_error("the reference adapter gearspec-adapter-reference is not next to " + exe_dir.string() +
                      "/gearspec nor in ../libexec/gearspec");
  }
  auto words = split_command_line(client);
  if (words.empty()) throw spawn_error("--client is empty");
  return words;
}

std::string exit_info::describe() const {
  if (exited) return "exit status " + std::to_string(code);
  if (signaled) {
    const char* abbrev = ::sigabbrev_np(signal);
    return "killed by signal " + std::to_string(signal) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
  }
  return "still running";
}

adapter_process::adapter_process(const std::vector<std::string>& argv) {
  if (argv.empty()) throw spawn_error("empty adapter command");
  int pipes[3][2];  // the adapter's stdin, stdout, stderr
  for (int i = 0; i < 3; ++i)
    if (::pipe2(pipes[i], O_CLOEXEC) != 0) {
      const int saved = errno;
      for (int k = 0; k < i; ++k) ::close(pipes[k][0]), ::close(pipes[k][1]);
      throw spawn_error(std::string("pipe: ") + std::strerror(saved));
    }
  auto &in = pipes[0], &out = pipes[1], &err = pipes[2];
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd < 3; ++fd) posix_spawn_file_actions_adddup2(&actions, pipes[fd][fd == 0 ? 0 : 1], fd);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group (so a hang kills the adapter's children too), default
  // signal dispositions and an empty mask whatever the runner has set.
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int rc = ::posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]), ::close(out[1]), ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]), ::close(out[0]), ::close(err[0]);
    pid_ = -1;
    reaped_ = true;
    throw spawn_error("cannot start adapter '" + argv[0] + "': " + std::strerror(rc));
  }
  stdin_ = in[1];
  stdout_ = out[0];
  stderr_fd_ = err[0];
  for (int fd : {stdin_, stdout_, stderr_fd_}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

adapter_process::~adapter_process() {
  if (!reaped_) kill();
  close_fd(stdin_);
  close_fd(stdout_);
  close_fd(stderr_fd_);
}

void adapter_process::read_available(int& fd, std::string& into, std::size_t cap, bool& truncated) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      const auto keep = std::min<std::size_t>(static_cast<std::size_t>(n), cap - std::min(cap, into.size()));
      into.append(buf, keep);
      if (keep < static_cast<std::size_t>(n)) truncated = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    close_fd(fd);  // EOF or a read error: nothing more will come
    return;
  }
}

bool adapter_process::pump(clock::time_point deadline, bool want_write) {
  pollfd fds[3];
  nfds_t n = 0;
  int out_i = -1, err_i = -1;
  if (stdout_ >= 0) out_i = static_cast<int>(n), fds[n++] = {stdout_, POLLIN, 0};
  if (stderr_fd_ >= 0) err_i = static_cast<int>(n), fds[n++] = {stderr_fd_, POLLIN, 0};
  if (want_write && stdin_ >= 0) fds[n++] = {stdin_, POLLOUT, 0};  // writable again: the caller retries
  if (n == 0) {
    // Nothing left to watch: the process has closed its pipes. Wait for its exit
    // in small steps so a deadline still applies.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(remaining_ms(deadline), 5)));
    return clock::now() < deadline;
  }
  const int rc = ::poll(fds, n, remaining_ms(deadline));
  if (rc <= 0) return rc < 0 && errno == EINTR;
  if (out_i >= 0 && fds[out_i].revents)
    read_available(stdout_, stdout_buffer_, max_line_bytes + 1, stdout_truncated_);
  if (err_i >= 0 && fds[err_i].revents)
    read_available(stderr_fd_, stderr_, max_stderr_bytes, stderr_truncated_);
  return true;
}

adapter_process::io_status adapter_process::write_line(const std::string& line, clock::time_point deadline) {
  const std::string data = line + "\n";
  std::size_t written = 0;
  while (written < data.size()) {
    if (stdin_ < 0) return io_status::eof;
    const ssize_t n = write_without_sigpipe(stdin_, data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {  // EPIPE or another error: the adapter is gone
      close_fd(stdin_);
      return io_status::eof;
    }
    if (!pump(deadline, true) && clock::now() >= deadline) return io_status::timeout;
  }
  return io_status::done;
}

adapter_process::io_status adapter_process::read_line(std::string& line, clock::time_point deadline) {
  for (;;) {
    const auto nl = stdout_buffer_.find('\n');
    if (nl != std::string::npos) {
      line = stdout_buffer_.substr(0, nl);
      stdout_buffer_.erase(0, nl + 1);
      return io_status::done;
    }
    if (stdout_buffer_.size() > max_line_bytes) {
      line = stdout_buffer_.substr(0, 200) + "... (line longer than " + std::to_string(max_line_bytes) +
             " bytes)";
      stdout_buffer_.clear();
      return io_status::done;
    }
    if (stdout_ < 0) {
      if (stdout_buffer_.empty()) return io_status::eof;
      line = std::move(stdout_buffer_);
      stdout_buffer_.clear();
      return io_status::done;
    }
    if (clock::now() >= deadline) return io_status::timeout;
    pump(deadline, false);
  }
}

void adapter_process::drain() {
  // Bounded: a process that writes without pause must not keep the runner here.
  for (int round = 0; round < 64 && (stdout_ >= 0 || stderr_fd_ >= 0); ++round)
    if (!pump(clock::now(), false)) break;
  try_reap();
}

void adapter_process::close_stdin() { close_fd(stdin_); }

void adapter_process::note_stderr_truncation() {
  if (stderr_truncated_)
    stderr_ += "\n[gearspec: stderr truncated at " + std::to_string(max_stderr_bytes) + " bytes]";
  stderr_truncated_ = false;
}

std::string adapter_process::take_stderr() {
  note_stderr_truncation();
  std::string out;
  out.swap(stderr_);
  return out;
}

bool adapter_process::try_reap() {
  if (reaped_) return true;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    if (WIFEXITED(status)) exit_.exited = true, exit_.code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit_.signaled = true, exit_.signal = WTERMSIG(status);
    return true;
  }
  if (r < 0 && errno == ECHILD) reaped_ = true;
  return reaped_;
}

bool adapter_process::wait_exit(clock::time_point deadline) {
  // Keep draining output meanwhile: an adapter blocked on a full stderr pipe never exits.
  while (!try_reap()) {
    if (clock::now() >= deadline) return false;
    if (stdout_ >= 0 || stderr_fd_ >= 0) {
      pump(std::min(deadline, clock::now() + std::chrono::milliseconds(5)), false);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  // Collect what is still in the pipes (children of the adapter may hold them open: bounded).
  const auto drain_until = clock::now() + std::chrono::milliseconds(50);
  while ((stdout_ >= 0 || stderr_fd_ >= 0) && clock::now() < drain_until) pump(drain_until, false);
  note_stderr_truncation();
  return true;
}

void adapter_process::kill() {
  if (reaped_) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  wait_exit(clock::now() + std::chrono::seconds(5));
}

}  // namespace gearspec::conformance
