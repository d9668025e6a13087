// gearmock: the mock Gearman server as a command-line program.
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "gearspec/mock/server.hpp"
#include "gearspec/util/host_port.hpp"

int main(int argc, char** argv) {
  CLI::App app{"gearmock: a scriptable mock Gearman server (queue mode like gearmand 1.1.20, or a scenario)"};
  std::string listen = "127.0.0.1:4730", scenario_file;
  gearspec::mock::options opts;
  std::uint64_t idle_ms = 0;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 = a free port)")->capture_default_str();
  app.add_option("--scenario", scenario_file,
                 "scenario file to play (docs/scenarios.md); without it: queue mode");
  app.add_option("--journal", opts.journal_path, "write every connection event as JSON lines to FILE");
  app.add_option("--pcap", opts.pcap_path,
                 "write the traffic as a pcap file (decode as Gearman with tshark)");
  app.add_option("--max-packet-size", opts.lim.max_packet_size, "largest accepted packet body in bytes")
      ->capture_default_str()
      ->check(CLI::Range(1u, 0xFFFFFFFEu));
  app.add_option("--max-connections", opts.lim.max_connections, "connections beyond this are closed at once")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  app.add_option("--idle-timeout", idle_ms, "close a connection silent for this many ms (0 = never)")
      ->capture_default_str();
  app.add_option("--max-queue", opts.lim.max_queued_jobs,
                 "queued jobs in queue mode, all functions (0 = unlimited)")
      ->capture_default_str();
  app.add_option("--handle-prefix", opts.handle_prefix, "job handles are PREFIX:N")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "gearmock: " << e.what() << "\n(see gearmock --help)\n";
    return 2;
  }

  const auto host_port = gearspec::util::split_host_port(listen);  // "HOST:PORT" or "[V6]:PORT"
  if (!host_port || host_port->host.empty() || !host_port->port) {
    std::cerr << "gearmock: --listen: expected HOST:PORT with PORT 0..65535, got '" << listen << "'\n";
    return 2;
  }
  opts.host.assign(host_port->host);
  opts.port = *host_port->port;
  opts.lim.idle_timeout = std::chrono::milliseconds(idle_ms);
  opts.journal_in_memory = false;
  if (!scenario_file.empty()) {
    try {
      opts.script = gearspec::mock::load_scenario_file(scenario_file);
    } catch (const gearspec::mock::scenario_error& e) {
      std::cerr << "gearmock: bad scenario: " << e.what() << "\n";
      return 2;
    }
  }

  // Block the signals before the io thread starts so only sigwait() sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  gearspec::mock::server server{opts};
  try {
    server.start();
  } catch (const std::exception& e) {
    std::cerr << "gearmock: cannot start on " << listen << ": " << e.what() << "\n";
    return 2;
  }
  std::cout << "listening on " << server.address() << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  server.stop();  // flushes journal and pcap
  std::cerr << "gearmock: stopped by signal " << sig << "\n";
  return 0;
}
