// gearmock embedded: start a mock Gearman server in-process on its own
// io_context thread, talk to it, read its journal, stop it deterministically.
//
//   gearspec::mock::options o;                  // 127.0.0.1, free port, queue mode
//   o.script = gearspec::mock::load_scenario_file("mock_server/scenarios/drip.yaml");
//   gearspec::mock::server s{o};
//   s.start();
//   connect_client(s.address());                // "127.0.0.1:40123"
//   ...
//   s.stop();                                   // joins the thread; journal complete
//   for (auto& e : s.journal()) ...
//
// Without a script the server behaves like gearmand 1.1.20 (docs/gearmock.md).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gearspec/mock/scenario.hpp"

namespace gearspec::mock {

/// Resource bounds. Every connection's memory is bounded by these whatever
/// a peer sends.
struct limits {
  /// Largest accepted packet body (declared size field). Larger: journaled,
  /// and the connection is closed (gearmand would try to allocate it).
  std::uint32_t max_packet_size = 64u << 20;
  /// Largest NUL-terminated argument or admin text line (gearmand: 8192).
  std::uint32_t max_argument_size = 8192;
  /// Connections beyond this are accepted, journaled and closed at once.
  std::size_t max_connections = 4096;
  /// A connection that sends nothing for this long is closed; 0 = never.
  std::chrono::milliseconds idle_timeout{0};
  /// Unsent reply bytes kept for a peer that does not read; beyond this the
  /// connection stops being read until the backlog drains below half.
  std::size_t max_buffered_per_connection = 16u << 20;
  /// Queued jobs in queue mode, all functions together (0 = unlimited);
  /// the per-function admin `maxqueue` applies as well.
  std::size_t max_queued_jobs = 0;
};

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0 = a free port, see server::port()
  limits lim;
  /// Scenario to play on each connection; null = queue mode.
  std::shared_ptr<const scenario> script;
  /// JSON-lines journal file ("" = none). Written as the server runs,
  /// flushed and complete after stop().
  std::string journal_path;
  /// pcap file ("" = none): synthesized IPv4/TCP frames that Wireshark's
  /// Gearman dissector decodes (tshark -d tcp.port==PORT,gearman).
  std::string pcap_path;
  /// Keep the journal in memory for journal() (tests); off for long runs.
  bool journal_in_memory = true;
  /// Job handles are `<handle_prefix>:<n>`, n counting from 1.
  std::string handle_prefix = "H:mock";
  /// Version reported by the admin `version` command.
  std::string version = "1.1.20+ds";
};

/// One journal record.
struct journal_entry {
  enum class kind : std::uint8_t {
    accepted,  ///< new connection; text = peer address
    received,  ///< bytes read from the peer (bytes = exactly what was read)
    sent,      ///< bytes written to the peer (bytes = exactly what was written)
    closed,    ///< orderly close (by either side; text says which)
    reset,     ///< connection reset (RST sent or received)
    error,     ///< I/O or protocol error; text describes it
    mismatch,  ///< scenario expectation failed; text = "expected ..., got ..."
    note,      ///< scenario progress and other remarks
  };
  std::uint64_t connection = 0;  ///< 1-based accept order; 0 = the server itself
  kind what = kind::note;
  std::chrono::system_clock::time_point timestamp;
  std::string bytes;
  std::string text;
};

/// Name of a journal kind as written in the JSON journal ("received", ...).
const char* to_string(journal_entry::kind k) noexcept;

class server {
 public:
  explicit server(options opts);
  /// Stops the server if it is running.
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Bind, listen and start serving on an own thread; a no-op while running.
  /// Throws std::system_error when the address cannot be bound (the server
  /// can then be started again), std::runtime_error when the journal or pcap
  /// file cannot be opened.
  ///
  /// start() after stop() serves again: it binds anew (options.port, or a
  /// fresh free port when that is 0, see port()). Queued jobs, the journal,
  /// the pcap file and the connection numbering carry over from the last run.
  void start();
  /// The bound port (valid after start()).
  std::uint16_t port() const;
  /// "HOST:PORT" (valid after start()).
  std::string address() const;
  /// Close the listener and every connection, flush journal and pcap, join
  /// the thread. Idempotent; the destructor calls it.
  void stop();
  bool running() const;

  /// Thread-safe snapshot of the in-memory journal.
  std::vector<journal_entry> journal() const;
  /// Every scenario mismatch so far ("conn N: expected ..., got ..."), in order.
  std::vector<std::string> mismatches() const;
  /// Connections currently open.
  std::size_t connection_count() const;
  /// Jobs currently known to the queue (queued + running).
  std::size_t job_count() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gearspec::mock
