// The queue-mode core of gearmock, without I/O: gearmand-like state (jobs,
// uniques, priorities, workers, the admin text protocol) driven by the bytes
// each connection sends. Whoever owns the sockets feeds received bytes in and
// writes out what the engine queued for each connection.
//
//   queue_engine e;
//   auto c = e.connect("127.0.0.1");
//   e.receive(c, bytes);                 // any bytes, any split
//   for (auto id : e.take_ready())       // connections with something to do
//     write(id, e.output(id)), e.output(id).clear();
//     if (e.should_close(id)) close(id), e.disconnect(id);
//
// Never throws on peer input, never grows a connection's state beyond the
// configured limits. Single-threaded: one engine per io_context thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gearspec/protocol/decoder.hpp"

namespace gearspec::mock {

struct engine_options {
  std::string handle_prefix = "H:mock";  ///< handles are `<prefix>:<n>`
  std::string version = "1.1.20+ds";     ///< admin `version` reply
  std::uint32_t max_packet_size = 64u << 20;
  std::uint32_t max_argument_size = 8192;
  std::size_t max_queued_jobs = 0;  ///< all functions together; 0 = unlimited
  std::uint64_t pid = 0;            ///< admin `getpid` reply (0 = the real pid)
};

/// Counters for tests, benchmarks and the admin view.
struct engine_stats {
  std::size_t connections = 0;
  std::size_t jobs = 0;     ///< queued + running
  std::size_t queued = 0;   ///< waiting for a worker
  std::size_t running = 0;  ///< held by a worker
  std::uint64_t jobs_created = 0;
  std::uint64_t packets_received = 0;
};

class queue_engine {
 public:
  using connection_id = std::uint64_t;

  explicit queue_engine(engine_options opts = {});
  ~queue_engine();
  queue_engine(const queue_engine&) = delete;
  queue_engine& operator=(const queue_engine&) = delete;

  /// Register a new connection; `peer_ip` shows in the admin `workers` list.
  connection_id connect(std::string peer_ip);
  /// Feed bytes read from the connection. Replies (to it and, for WORK_*
  /// packets, to other connections) accumulate in their output().
  void receive(connection_id id, std::string_view bytes);
  /// The connection is gone: forget it; jobs it was running are requeued,
  /// its foreground jobs lose their client (gearmand semantics).
  void disconnect(connection_id id);

  /// Connections whose output() became non-empty or which must be closed,
  /// since the last call; each id at most once. Clears the list.
  std::vector<connection_id> take_ready();
  /// Pending bytes for a connection (append-only by the engine; the caller
  /// clears or erases what it wrote). Precondition: the id is connected.
  std::string& output(connection_id id);
  /// The connection must be closed after its output is written (bad magic,
  /// invalid command, oversize packet, 6-token admin line, ...).
  bool should_close(connection_id id) const;
  /// Why the engine wants it closed ("" otherwise), for the journal.
  std::string close_reason(connection_id id) const;
  /// How a connection's input is bounded (by the packet and argument sizes).
  proto::decoder_limits input_limits() const;

  /// Stop handing out jobs of `function` to workers ("" = every function)
  /// until release(); submits are still accepted and queued (scenario hold).
  void hold(std::string_view function);
  void release(std::string_view function);

  engine_stats stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace gearspec::mock
