// pcap output: each connection's bytes as synthesized Ethernet/IPv4/TCP
// frames (handshake, data with consistent sequence numbers, FIN or RST), via
// libpcap's dump API, so `tshark -d tcp.port==PORT,gearman` decodes Gearman.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

struct pcap;
struct pcap_dumper;

namespace gearspec::mock::detail {

class pcap_writer {
 public:
  /// Throws std::runtime_error when the file cannot be created.
  explicit pcap_writer(const std::string& path);
  ~pcap_writer();
  pcap_writer(const pcap_writer&) = delete;
  pcap_writer& operator=(const pcap_writer&) = delete;

  /// A connection from 127.0.0.1:client_port to 127.0.0.1:server_port.
  void open(std::uint64_t connection, std::uint16_t client_port, std::uint16_t server_port);
  void data(std::uint64_t connection, bool from_client, std::string_view bytes);
  void close(std::uint64_t connection, bool reset);
  void flush();

 private:
  struct flow {
    std::uint16_t client_port, server_port;
    std::uint32_t client_seq, server_seq;
  };
  void frame(const flow& f, bool from_client, std::uint8_t flags, std::string_view payload);

  std::mutex mutex_;
  pcap* handle_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  std::map<std::uint64_t, flow> flows_;
};

}  // namespace gearspec::mock::detail
