#include "pcap_writer.hpp"

#include <pcap/pcap.h>
#include <sys/time.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace gearspec::mock::detail {

namespace {
constexpr std::uint8_t tcp_fin = 0x01, tcp_syn = 0x02, tcp_rst = 0x04, tcp_psh = 0x08, tcp_ack = 0x10;
constexpr std::size_t max_segment = 60000;  // keeps every frame under the 64 KiB IPv4 limit

void put16(unsigned char* p, std::uint16_t v) {
  p[0] = static_cast<unsigned char>(v >> 8);
  p[1] = static_cast<unsigned char>(v);
}
void put32(unsigned char* p, std::uint32_t v) {
  put16(p, static_cast<std::uint16_t>(v >> 16));
  put16(p + 2, static_cast<std::uint16_t>(v));
}
/// The Internet checksum of `n` bytes, `sum` being the sum of words before them.
std::uint16_t checksum(const unsigned char* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}
}  // namespace

pcap_writer::pcap_writer(const std::string& path) {
  handle_ = pcap_open_dead(DLT_EN10MB, 65535);
  if (!handle_) throw std::runtime_error("pcap_open_dead failed");
  dumper_ = pcap_dump_open(handle_, path.c_str());
  if (!dumper_) {
    std::string why = pcap_geterr(handle_);
    pcap_close(handle_);
    throw std::runtime_error("cannot open pcap file '" + path + "': " + why);
  }
}

pcap_writer::~pcap_writer() {
  if (dumper_) pcap_dump_close(dumper_);
  if (handle_) pcap_close(handle_);
}

void pcap_writer::frame(const flow& f, bool from_client, std::uint8_t flags, std::string_view payload) {
  unsigned char buf[14 + 20 + 20 + max_segment];
  std::memset(buf, 0, 54);
  // Ethernet: locally administered MACs, one per side.
  const unsigned char client_mac[6] = {0x02, 0, 0, 0, 0, 1}, server_mac[6] = {0x02, 0, 0, 0, 0, 2};
  std::memcpy(buf, from_client ? server_mac : client_mac, 6);
  std::memcpy(buf + 6, from_client ? client_mac : server_mac, 6);
  put16(buf + 12, 0x0800);
  unsigned char* ip = buf + 14;
  ip[0] = 0x45;
  put16(ip + 2, static_cast<std::uint16_t>(40 + payload.size()));
  ip[8] = 64;
  ip[9] = 6;  // TCP
  put32(ip + 12, 0x7F000001);
  put32(ip + 16, 0x7F000001);
  put16(ip + 10, checksum(ip, 20));
  unsigned char* tcp = ip + 20;
  put16(tcp, from_client ? f.client_port : f.server_port);
  put16(tcp + 2, from_client ? f.server_port : f.client_port);
  put32(tcp + 4, from_client ? f.client_seq : f.server_seq);
  put32(tcp + 8, (flags & tcp_ack) ? (from_client ? f.server_seq : f.client_seq) : 0);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  put16(tcp + 14, 65535);
  if (!payload.empty()) std::memcpy(tcp + 20, payload.data(), payload.size());  // data() may be null
  // TCP checksum over the pseudo-header (tshark does not verify by default,
  // but a correct one keeps other tools quiet): the sum of the addresses (the
  // complement of their checksum), protocol 6 and the TCP length.
  const auto pseudo = static_cast<std::uint16_t>(~checksum(ip + 12, 8)) + 6u + 20u +
                      static_cast<std::uint32_t>(payload.size());
  put16(tcp + 16, checksum(tcp, 20 + payload.size(), pseudo));

  pcap_pkthdr h{};
  gettimeofday(&h.ts, nullptr);
  h.caplen = h.len = static_cast<bpf_u_int32>(54 + payload.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, buf);
}

void pcap_writer::open(std::uint64_t connection, std::uint16_t client_port, std::uint16_t server_port) {
  std::lock_guard<std::mutex> lock{mutex_};
  flow f{client_port, server_port, 1000, 5000};
  frame(f, true, tcp_syn, {});
  ++f.client_seq;
  frame(f, false, tcp_syn | tcp_ack, {});
  ++f.server_seq;
  frame(f, true, tcp_ack, {});
  flows_[connection] = f;
}

void pcap_writer::data(std::uint64_t connection, bool from_client, std::string_view bytes) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = flows_.find(connection);
  if (it == flows_.end()) return;
  auto& f = it->second;
  while (!bytes.empty()) {
    const auto part = bytes.substr(0, max_segment);
    frame(f, from_client, tcp_psh | tcp_ack, part);
    (from_client ? f.client_seq : f.server_seq) += static_cast<std::uint32_t>(part.size());
    bytes.remove_prefix(part.size());
  }
}

void pcap_writer::close(std::uint64_t connection, bool reset) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = flows_.find(connection);
  if (it == flows_.end()) return;
  auto& f = it->second;
  if (reset) {
    frame(f, false, tcp_rst | tcp_ack, {});
  } else {
    frame(f, false, tcp_fin | tcp_ack, {});
    ++f.server_seq;
    frame(f, true, tcp_fin | tcp_ack, {});
    ++f.client_seq;
    frame(f, false, tcp_ack, {});
  }
  flows_.erase(it);
}

void pcap_writer::flush() {
  std::lock_guard<std::mutex> lock{mutex_};
  if (dumper_) pcap_dump_flush(dumper_);
}

}  // namespace gearspec::mock::detail
