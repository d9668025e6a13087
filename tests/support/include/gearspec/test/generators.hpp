// RapidCheck generators for gearspec's protocol types, shared by every suite
// (protocol, client, mock, property). Link target gearspec::test_generators.
//
// Every generator is weighted toward the values that break codecs: empty
// and 1-byte strings, NUL bytes, non-ASCII bytes, lengths right at and next
// to each protocol limit (WIRE.md section 10), and large payloads. Large
// strings are filled from a seed rather than byte by byte, so a 256 KiB
// value costs one allocation and still shrinks (by length, then by seed).
//
// This is the only support header that includes RapidCheck; include it from
// test .cpp files only.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/packet.hpp"

namespace gearspec::test::gen {

/// Largest argument any generator below produces: the decoder's default
/// max_argument_size (8192, gearmand's receive buffer), so every generated
/// packet decodes with default limits.
inline constexpr std::size_t max_generated_argument = 8192;

/// Largest workload / DATA part the generators produce by default (256 KiB):
/// large enough to cross every buffer boundary, small enough for 1000 cases.
inline constexpr std::size_t max_generated_workload = 256 * 1024;

/// Lengths a field is most likely to be mishandled at: 0, 1, and both sides
/// of 63/64 (handle and unique buffers), 512 (function names), 8192
/// (gearmand's receive buffer).
const std::vector<std::size_t>& edge_lengths();

// ---- bytes ---------------------------------------------------------------

/// Deterministic filler: `length` bytes derived from `seed`. Without
/// `allow_nul` no byte is 0. The same (length, seed) always gives the same bytes.
std::string filled_bytes(std::size_t length, std::uint32_t seed, bool allow_nul);

/// One byte, weighted to 0x00, 0xFF, '\n', '\r', ' ', '\t', 0x80 and printable ASCII.
rc::Gen<char> byte();

/// Byte strings of at most `max_length` bytes, weighted: empty, 1 byte,
/// short random bytes, NUL-heavy runs, every edge_lengths() value that fits,
/// and large seed-filled strings.
rc::Gen<std::string> bytes(std::size_t max_length = max_generated_workload);

/// As bytes() but never containing NUL: any NUL-terminated argument.
rc::Gen<std::string> nul_free_bytes(std::size_t max_length = max_generated_argument);

// ---- protocol fields -----------------------------------------------------

/// Function names: empty, 1 byte, 63/64/65/511/512/513 bytes, non-ASCII
/// bytes, "-", "#", spaces, and ordinary words. Never contains NUL.
rc::Gen<std::string> function_name();

/// Uniques: empty (the client generates one), "-", "#", 36-char UUIDs, and
/// lengths 1, 63, 64, 65 (WIRE.md 4), non-ASCII bytes. Never contains NUL.
rc::Gen<std::string> unique();

/// Job handles: gearmand's "H:host:n" form, empty, 63/64/100 bytes.
rc::Gen<std::string> job_handle();

/// Workloads: empty, 1 byte, NULs only, NULs inside text, 100 bytes, and
/// large (up to max_generated_workload).
rc::Gen<std::string> workload();

// ---- commands and packets --------------------------------------------------

/// Any command a binary header may carry (1..42), uniform over the table.
rc::Gen<proto::command> wire_command();

/// One of the ten SUBMIT_* commands.
rc::Gen<proto::command> submit_command();

/// The magic `cmd` travels with (either one for the relayed WORK_* commands);
/// one time in ten the other magic, which the codec also round-trips.
rc::Gen<proto::magic> magic_for(proto::command cmd);

/// An encodable packet of `cmd`: the table's argc arguments and, when the
/// command has data, a workload. Arguments follow their role: a submit's
/// FUNC and UNIQ use function_name() / unique(), CAN_DO*'s FUNC uses
/// function_name(), the handle of JOB_CREATED / WORK_* / GET_STATUS /
/// STATUS_RES / JOB_ASSIGN* uses job_handle(); others nul_free_bytes().
rc::Gen<proto::packet> packet_of(proto::command cmd);

/// Any encodable packet of any wire command (also rc::gen::arbitrary<packet>()).
rc::Gen<proto::packet> packet();

/// A background submit (SUBMIT_JOB_BG / HIGH_BG / LOW_BG) with "\0REQ".
rc::Gen<proto::packet> background_submit();

/// 0..max_count packets.
rc::Gen<std::vector<proto::packet>> packets(std::size_t max_count = 16);

// ---- admin text and streams ----------------------------------------------

/// An admin request line without its terminator: up to 5 space-separated
/// words (verbs of WIRE.md 8.3 in mixed case, handles, numbers), leading
/// and repeated spaces. Never starts with NUL, never contains '\n', never
/// ends with '\r' (so appending "\n" or "\r\n" is unambiguous).
rc::Gen<std::string> admin_line();

/// One message of a mixed stream: a binary packet or an admin text line.
struct stream_message {
  bool is_text = false;
  proto::packet pkt;  ///< when !is_text
  std::string line;   ///< when is_text: the line without terminator
  bool crlf = false;  ///< when is_text: terminated by "\r\n" instead of "\n"

  /// The bytes of this message on the wire.
  std::string wire() const;
};

void showValue(const stream_message& m, std::ostream& os);

/// A mixed stream of 0..max_count packets and admin lines, in any order.
rc::Gen<std::vector<stream_message>> mixed_stream(std::size_t max_count = 12);

/// Sorted, distinct cut offsets in (0, length): where to split a byte stream
/// into chunks. Weighted to no cut, one cut, every offset (when short), and
/// random cuts.
rc::Gen<std::vector<std::size_t>> cuts(std::size_t length);

}  // namespace gearspec::test::gen

namespace gearspec::proto {
// Counterexample printing for RapidCheck (found by argument-dependent lookup).
void showValue(const packet& p, std::ostream& os);
void showValue(command c, std::ostream& os);
void showValue(magic m, std::ostream& os);
}  // namespace gearspec::proto

namespace rc {

template <>
struct Arbitrary<gearspec::proto::packet> {
  static Gen<gearspec::proto::packet> arbitrary() { return gearspec::test::gen::packet(); }
};

template <>
struct Arbitrary<gearspec::proto::command> {
  static Gen<gearspec::proto::command> arbitrary() { return gearspec::test::gen::wire_command(); }
};

template <>
struct Arbitrary<gearspec::proto::magic> {
  static Gen<gearspec::proto::magic> arbitrary() {
    return gen::element(gearspec::proto::magic::request, gearspec::proto::magic::response);
  }
};

template <>
struct Arbitrary<gearspec::test::gen::stream_message> {
  static Gen<gearspec::test::gen::stream_message> arbitrary();
};

}  // namespace rc
