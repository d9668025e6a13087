// The reference client's protocol session for ONE connection, sans I/O.
//
// The session turns tasks into bytes to send and received bytes into task
// outcomes; it never touches a socket or a clock. The I/O layer (or a test,
// or a fuzzer) moves the bytes and reports connection events:
//
//   session s;
//   task a, b;
//   s.submit(a, {"fn", "u-1", "payload"});
//   s.submit(b, {"fn", "", "other", priority::high});
//   s.connection_opened();
//   write_all(s.output()); s.wrote(s.output().size());
//   s.receive(bytes_from_server);          // any chunking, any number of calls
//   if (s.broken()) close_socket();        // a fatal protocol error was recorded
//   if (!s.busy()) done;                   // every task finished
//
// Replies are matched to requests in send order (FIFO), O(1) per reply.
// Every outcome row of SEMANTICS.md section 5 is decided here:
// - JOB_CREATED: SUCCESS, handle stored, is_known (background tasks finish;
//   foreground ones keep running until WORK_COMPLETE/FAIL/EXCEPTION).
// - ERROR: that task gets the mapped code and the server's text; the other
//   tasks on the connection are still processed.
// - close at any byte (connection_closed): LOST_CONNECTION for every
//   unfinished task.
// - wrong magic (anything but "\0RES"): INVALID_MAGIC; command 0 or >= 43:
//   INVALID_COMMAND; a text line, a malformed packet or a size field above the
//   limit: INVALID_PACKET; a well-formed reply that makes no sense here
//   (wrong reply kind for the oldest request — incl. OPTION_RES, which this
//   client never asks for, a STATUS_RES / STATUS_RES_UNIQUE naming another
//   handle / unique than the one asked about — or a request-only command):
//   UNEXPECTED_PACKET. Each of these fails every unfinished task and marks the
//   session broken (the connection must be closed). No allocation is driven
//   by a size field beyond the configured limit.
// - packets unrelated to any waiting task (NOOP, WORK_* for an unknown
//   handle, a reply when nothing waits): ignored.
// - a handle longer than 63 bytes (or empty): INVALID_PACKET for that task
//   only; the stream stays in sync.
// - STATUS_RES / STATUS_RES_UNIQUE whose KNOWN or RUNNING is not exactly "0"
//   or "1", or whose NUM, DEN (or CLIENT_COUNT) is not decimal text or is
//   above 4294967295: INVALID_PACKET for that task only, the text naming
//   the field and its bytes; nothing of the reply is stored.
// - timeout (decided by the I/O layer, recorded by timed_out()): TIMEOUT for
//   every unfinished task.
// Nothing ever reports success without a JOB_CREATED for that task.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gearspec/client/detail/server_link.hpp"
#include "gearspec/client/task.hpp"

namespace gearspec::client {

/// Counters for tests and diagnostics.
struct session_counters {
  std::uint64_t packets_received = 0;
  std::uint64_t packets_ignored = 0;  ///< unrelated packets (NOOP, WORK_* for unknown handles, ...)
  std::uint64_t replies_matched = 0;
};

class session final : public detail::server_link {
 public:
  explicit session(session_limits limits = {});

  /// Prepended to every function name (gearman_client_set_namespace); counted
  /// in the 512-byte function limit.
  void set_namespace(std::string_view ns) { namespace_.assign(ns.data(), ns.size()); }
  const std::string& name_space() const noexcept { return namespace_; }

  // ---- adding work (no I/O) ---------------------------------------------
  /// Check the request (SEMANTICS.md 2, byte-string form), assign the unique
  /// (section 3), encode the submit (section 4) and queue it. On success the
  /// task is reset, queued, and task.unique() is final. On error nothing
  /// changes (the task is untouched) and the code is returned:
  /// INVALID_ARGUMENT (empty/too long/NUL-containing function, unique > 64
  /// bytes or containing NUL), ARGUMENT_TOO_LARGE (body >= 2^32-1), or
  /// INVALID_ARGUMENT when the task is already queued or waiting. `why`, when
  /// given, receives a one-line reason on failure. Out of memory, the add
  /// functions throw std::bad_alloc with nothing changed (strong guarantee).
  return_code submit(task& t, const job_request& request, std::string* why = nullptr);
  /// Queue GET_STATUS for `handle` (1..63 bytes, no NUL).
  return_code get_status(task& t, std::string_view handle);
  /// Queue GET_STATUS_UNIQUE for `unique` (1..64 bytes, no NUL); answered by
  /// STATUS_RES_UNIQUE, which also carries the waiting clients' count.
  return_code get_status_unique(task& t, std::string_view unique);
  /// Queue ECHO_REQ; ECHO_RES must return the same bytes (else ECHO_DATA_CORRUPTION).
  return_code echo(task& t, std::string_view data);
  /// Remove every reference the session holds to `t`. A queued task whose
  /// bytes were not started is dropped from the output; one already written
  /// keeps its FIFO slot, whose reply is then consumed and discarded.
  void detach(task& t) noexcept;

  // ---- connection events (reported by the I/O layer) ---------------------
  /// A fresh connection: decoder reset, queued tasks back to UNKNOWN_STATE.
  void connection_opened() noexcept;
  /// Connecting failed: queued tasks get `rc` (COULD_NOT_CONNECT) but stay
  /// queued with their bytes, so they can be run again.
  void connect_failed(return_code rc, std::string_view why);
  /// The caller's timeout expired: TIMEOUT for every unfinished task; the
  /// connection must be closed (broken() becomes true).
  void timed_out(std::string_view why);

  // ---- bytes (output() and receive() as server_link) -----------------------
  /// `n` bytes of output() were written. Tasks whose last byte is written
  /// start waiting for their reply.
  void wrote(std::size_t n) noexcept;

  // ---- state -----------------------------------------------------------------
  /// Some task is queued, waiting or running: the I/O layer has work to do.
  bool busy() const noexcept { return !queue_.empty() || !running_.empty(); }
  /// Some task has its reply outstanding (written, not answered).
  bool awaiting_replies() const noexcept { return sent_ > 0 || !running_.empty(); }
  std::size_t queued() const noexcept { return queue_.size() - sent_; }
  std::size_t waiting() const noexcept { return sent_; }
  std::size_t running() const noexcept { return running_.size(); }

  /// The first failure recorded since clear_outcome() (SUCCESS if none):
  /// what run_tasks returns.
  return_code outcome() const noexcept { return failure_; }
  /// Text of that first failure ("" when none).
  const std::string& outcome_text() const noexcept { return failure_text_; }
  void clear_outcome() noexcept { clear_failure(); }

  const session_counters& counters() const noexcept { return counters_; }

 private:
  struct entry {
    task* owner;          // nullptr once detached
    std::uint64_t begin;  // absolute output offset of this request's first byte
    std::uint64_t end;    // absolute output offset just past its last byte
  };

  return_code enqueue(task& t, task_kind kind, proto::command cmd, const std::string_view* args,
                      std::size_t argc, std::string_view data);
  void handle_packet(const proto::packet_view& p) override;
  void handle_reply(const proto::packet_view& p);
  void handle_work_packet(const proto::packet_view& p);
  void handle_status(task& t, const proto::packet_view& p);
  void finish(task& t, return_code rc) noexcept;
  void fail_task(task& t, return_code rc, std::string_view text) noexcept;
  void fail_connection(return_code rc, std::string_view text) noexcept override;
  /// The oldest request got its reply: it leaves the FIFO.
  void matched() noexcept;

  std::string namespace_;
  std::string scratch_;      // namespaced function name
  std::deque<entry> queue_;  // [0, sent_) waiting for a reply, [sent_, end) queued
  std::size_t sent_ = 0;
  std::unordered_multimap<std::string, task*>
      running_;  // foreground jobs by handle (coalesced jobs share one)
  session_counters counters_;
};

}  // namespace gearspec::client
