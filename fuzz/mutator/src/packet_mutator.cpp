#include "gearspec/fuzz/packet_mutator.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <utility>

#include "gearspec/fuzz/packet_stream.hpp"
#include "gearspec/protocol/command.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::fuzz {

namespace proto = gearspec::proto;

namespace {

// Argument values that exercise the parsers behind the codec: handles,
// numbers at the edges of their types, uniques at the 64-byte limit, admin
// words, separators.
constexpr std::array<std::string_view, 18> interesting_arguments{
    {"", "H:gearspec:1", "H:mock:4294967296", "0", "1", "100", "-1", "4294967295", "18446744073709551616",
     "ERR_QUEUE_FULL", "GEARMAN_QUEUE_ERROR", "exceptions", "fn", "-", "#",
     "0123456789012345678901234567890123456789012345678901234567890123",  // 64 bytes
     "status\n", " \t\r\n"}};

constexpr std::array<std::uint32_t, 9> interesting_sizes{
    {0, 1, 11, 12, 0x7F, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF}};

// Command numbers a header may carry, 1 .. MAX-1 (is_wire_command).
constexpr auto wire_commands = static_cast<std::size_t>(proto::command::max) - 1;
constexpr auto first_invalid = static_cast<std::uint32_t>(proto::command::max);

std::size_t joined_size(const std::vector<std::string>& frames) {
  std::size_t n = 0;
  for (const auto& f : frames) n += f.size();
  return n;
}

}  // namespace

std::size_t simple_byte_mutate(std::uint8_t* data, std::size_t size, std::size_t max_size,
                               std::minstd_rand& rng) {
  auto pick = [&rng](std::size_t bound) {
    return bound == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng);
  };
  switch (pick(size == 0 ? 1 : 5)) {
    case 0:  // insert a byte
      if (size < max_size) {
        const std::size_t at = pick(size + 1);
        std::memmove(data + at + 1, data + at, size - at);
        data[at] = static_cast<std::uint8_t>(pick(256));
        return size + 1;
      }
      return size;
    case 1:  // flip a bit
      data[pick(size)] ^= static_cast<std::uint8_t>(1u << pick(8));
      return size;
    case 2:  // set a byte
      data[pick(size)] = static_cast<std::uint8_t>(pick(256));
      return size;
    case 3: {  // erase a run
      const std::size_t at = pick(size);
      const std::size_t n = 1 + pick(std::min<std::size_t>(size - at, 16));
      std::memmove(data + at, data + at + n, size - at - n);
      return size - n;
    }
    default: {  // overwrite 4 bytes with an interesting big-endian value
      if (size < 4) return size;
      const std::uint32_t v = interesting_sizes[pick(interesting_sizes.size())];
      const std::size_t at = pick(size - 3);
      for (int i = 0; i < 4; ++i) data[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
      return size;
    }
  }
}

packet_mutator::packet_mutator(unsigned seed, byte_mutator fallback)
    : rng_(seed), fallback_(std::move(fallback)) {
  if (!fallback_)
    fallback_ = [this](std::uint8_t* d, std::size_t s, std::size_t m) {
      return simple_byte_mutate(d, s, m, rng_);
    };
}

void packet_mutator::mutate_bytes(std::string& frame, std::size_t room) {
  const std::size_t old = frame.size();
  const std::size_t limit = old + std::min<std::size_t>(room, 64);
  frame.resize(limit);
  const std::size_t n = fallback_(reinterpret_cast<std::uint8_t*>(frame.data()), old, limit);
  frame.resize(std::min(n, limit));
}

std::string packet_mutator::fresh_packet(std::size_t room) {
  const auto& row = proto::info(static_cast<proto::command>(1 + pick(wire_commands)));
  std::vector<std::string> args;
  std::array<std::string_view, proto::max_arguments> views{};
  for (std::size_t i = 0; i < row.argc; ++i) {
    args.emplace_back(interesting_arguments[pick(interesting_arguments.size())]);
    // Terminated arguments must not hold NUL; the encoder refuses them.
    args.back().erase(std::remove(args.back().begin(), args.back().end(), '\0'), args.back().end());
  }
  for (std::size_t i = 0; i < row.argc; ++i) views[i] = args[i];
  const std::string data = row.has_data ? std::string(pick(32), static_cast<char>(pick(256))) : std::string{};
  std::string out;
  const auto m = pick(2) == 0 ? proto::magic::request : proto::magic::response;
  if (proto::encode_to(out, m, row.cmd, views.data(), row.argc, data) || out.size() > room) return {};
  return out;
}

bool packet_mutator::mutate_argument(std::string& frame, std::size_t room) {
  const auto h = read_header(frame);
  if (!h || !proto::is_wire_command(h->command)) return false;
  const std::string_view body = std::string_view{frame}.substr(proto::header_size);
  proto::packet_view view;
  if (proto::split_arguments(static_cast<proto::command>(h->command), body, view)) return false;
  std::vector<std::string_view> parts(view.args.begin(), view.args.begin() + view.argc);
  if (proto::info(view.cmd).has_data) parts.push_back(view.data);
  if (parts.empty()) return false;
  const std::string_view target = parts[pick(parts.size())];
  const auto offset = static_cast<std::size_t>(target.data() - frame.data());
  const std::size_t length = target.size();
  std::string replacement;
  switch (pick(4)) {
    case 0:
      replacement = std::string{interesting_arguments[pick(interesting_arguments.size())]};
      break;
    case 1:  // grow: repeat the argument (over the 64-byte unique / 8 KiB argument limits)
      replacement = std::string{target};
      while (!replacement.empty() && replacement.size() < 70 && replacement.size() * 2 <= room)
        replacement += replacement;
      break;
    case 2:  // an embedded NUL: one argument becomes two
      replacement = std::string{target};
      replacement.insert(pick(replacement.size() + 1), 1, '\0');
      break;
    default:
      replacement = std::string{target};
      mutate_bytes(replacement, room);
      break;
  }
  if (replacement.size() > length + room) return false;
  frame.replace(offset, length, replacement);
  set_body_length(frame, static_cast<std::uint32_t>(frame.size() - proto::header_size));
  return true;
}

stream_operation packet_mutator::mutate_frames(std::vector<std::string>& frames, std::size_t max_size) {
  const std::size_t used = joined_size(frames);
  const std::size_t room = max_size > used ? max_size - used : 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const auto op = static_cast<stream_operation>(pick(stream_operation_count));
    const std::size_t i = pick(frames.size());
    switch (op) {
      case stream_operation::drop:
        if (frames.empty()) continue;
        frames.erase(frames.begin() + static_cast<std::ptrdiff_t>(i));
        return op;
      case stream_operation::duplicate:
        if (frames.empty() || frames[i].size() > room) continue;
        frames.insert(frames.begin() + static_cast<std::ptrdiff_t>(pick(frames.size() + 1)), frames[i]);
        return op;
      case stream_operation::swap: {
        if (frames.size() < 2) continue;
        std::swap(frames[i], frames[pick(frames.size())]);
        return op;
      }
      case stream_operation::shuffle:
        if (frames.size() < 2) continue;
        std::shuffle(frames.begin(), frames.end(), rng_);
        return op;
      case stream_operation::truncate:
        if (frames.empty() || frames[i].empty()) continue;
        frames[i].resize(pick(frames[i].size()));
        if (pick(2) == 0) frames.resize(i + 1);  // and end the stream there: a close mid-packet
        return op;
      case stream_operation::fragment: {
        // Re-frame one packet's body as two packets of the same command, each
        // with a correct size: the arguments now straddle two frames.
        if (frames.empty() || frames[i].size() <= proto::header_size || room < proto::header_size) continue;
        std::string& f = frames[i];
        const std::size_t cut = proto::header_size + pick(f.size() - proto::header_size + 1);
        std::string second = f.substr(0, proto::header_size) + f.substr(cut);
        f.resize(cut);
        set_body_length(f, static_cast<std::uint32_t>(f.size() - proto::header_size));
        set_body_length(second, static_cast<std::uint32_t>(second.size() - proto::header_size));
        frames.insert(frames.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(second));
        return op;
      }
      case stream_operation::fix_size:
        if (frames.empty() || !read_header(frames[i])) continue;
        set_body_length(frames[i], static_cast<std::uint32_t>(frames[i].size() - proto::header_size));
        return op;
      case stream_operation::break_size: {
        const auto h = frames.empty() ? std::nullopt : read_header(frames[i]);
        if (!h) continue;
        const std::uint32_t delta = static_cast<std::uint32_t>(1 + pick(4));
        switch (pick(3)) {
          case 0:
            set_body_length(frames[i], h->body_length + delta);
            break;
          case 1:
            set_body_length(frames[i], h->body_length - delta);
            break;
          default:
            set_body_length(frames[i], interesting_sizes[pick(interesting_sizes.size())]);
            break;
        }
        return op;
      }
      case stream_operation::swap_command: {
        if (frames.empty() || !read_header(frames[i])) continue;
        // Mostly numbers from the table (same frame, other meaning), sometimes
        // the invalid edges 0, MAX and beyond.
        const std::uint32_t n = pick(8) == 0
                                    ? static_cast<std::uint32_t>(pick(2) == 0 ? 0 : first_invalid + pick(300))
                                    : static_cast<std::uint32_t>(1 + pick(wire_commands));
        set_command(frames[i], n);
        return op;
      }
      case stream_operation::swap_magic: {
        if (frames.empty() || !read_header(frames[i])) continue;
        const std::string_view m =
            frames[i].compare(0, 4, proto::request_magic) == 0 ? proto::response_magic : proto::request_magic;
        frames[i].replace(0, 4, m);
        if (pick(4) == 0) frames[i][1 + pick(3)] ^= 0x20;  // "\0req": a near miss
        return op;
      }
      case stream_operation::mutate_argument:
        if (frames.empty() || !mutate_argument(frames[i], room)) continue;
        return op;
      case stream_operation::insert_packet: {
        std::string p = fresh_packet(room);
        if (p.empty()) continue;
        frames.insert(frames.begin() + static_cast<std::ptrdiff_t>(pick(frames.size() + 1)), std::move(p));
        return op;
      }
      case stream_operation::mutate_frame_bytes:
        if (frames.empty()) continue;
        mutate_bytes(frames[i], room);
        return op;
    }
  }
  return stream_operation::mutate_frame_bytes;
}

std::size_t packet_mutator::mutate(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                   std::size_t prefix) {
  if (size <= prefix || pick(2) == 0) return fallback_(data, size, max_size);
  if (pick(16) == 0) {  // the option bytes deserve mutations of their own
    std::string options(reinterpret_cast<const char*>(data), prefix);
    fallback_(reinterpret_cast<std::uint8_t*>(options.data()), prefix, prefix);
    std::memcpy(data, options.data(), prefix);
    return size;
  }
  const std::string_view stream{reinterpret_cast<const char*>(data) + prefix, size - prefix};
  std::vector<std::string> frames = split_stream(stream);
  mutate_frames(frames, max_size - prefix);
  const std::string out = join_frames(frames);
  const std::size_t n = std::min(out.size(), max_size - prefix);
  std::memcpy(data + prefix, out.data(), n);
  return prefix + n;
}

std::size_t packet_mutator::cross_over(const std::uint8_t* a, std::size_t a_size, std::size_t a_prefix,
                                       const std::uint8_t* b, std::size_t b_size, std::size_t b_prefix,
                                       std::uint8_t* out, std::size_t max_out) {
  if (a_size < a_prefix || b_size < b_prefix || max_out < a_prefix) return 0;
  auto frames_of = [](const std::uint8_t* p, std::size_t n, std::size_t prefix) {
    return split_stream(std::string_view{reinterpret_cast<const char*>(p) + prefix, n - prefix});
  };
  const std::vector<std::string> fa = frames_of(a, a_size, a_prefix);
  const std::vector<std::string> fb = frames_of(b, b_size, b_prefix);
  const std::size_t prefix = a_prefix;
  std::vector<std::string> mixed;
  if (pick(2) == 0) {  // A's head, B's tail
    mixed.assign(fa.begin(), fa.begin() + static_cast<std::ptrdiff_t>(pick(fa.size() + 1)));
    mixed.insert(mixed.end(), fb.begin() + static_cast<std::ptrdiff_t>(pick(fb.size() + 1)), fb.end());
  } else {  // interleave frame by frame
    for (std::size_t i = 0; i < std::max(fa.size(), fb.size()); ++i) {
      if (i < fa.size()) mixed.push_back(fa[i]);
      if (i < fb.size() && pick(2) == 0) mixed.push_back(fb[i]);
    }
  }
  std::memcpy(out, a, prefix);
  std::size_t n = prefix;
  for (const auto& f : mixed) {
    if (n + f.size() > max_out) break;
    std::memcpy(out + n, f.data(), f.size());
    n += f.size();
  }
  return n;
}

}  // namespace gearspec::fuzz
