#include "gearspec/util/escape.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "gearspec/util/encoding.hpp"

namespace gearspec::util {
namespace {

// The one-letter escapes: a byte and the letter that stands for it after '\'.
// escape_bytes writes all but the last ('\'' needs none inside "..."); unescape reads all.
constexpr std::pair<char, char> letters[] = {{'\0', '0'}, {'\n', 'n'},  {'\r', 'r'}, {'\t', 't'},
                                             {'"', '"'},  {'\\', '\\'}, {'\'', '\''}};
constexpr const std::pair<char, char>* written_letters_end = std::end(letters) - 1;

}  // namespace

std::string escape_bytes(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() + 2);
  out += '"';
  for (const char c : bytes) {
    const auto* letter =
        std::find_if(std::begin(letters), written_letters_end, [c](const auto& l) { return l.first == c; });
    const auto u = static_cast<unsigned char>(c);
    if (letter != written_letters_end) {
      out += {'\\', letter->second};
    } else if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += {'\\', 'x', digits[u >> 4], digits[u & 15]};
    }
  }
  out += '"';
  return out;
}

bool unescape(std::string_view text, std::string& out, std::string& error) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) {
      error = "a lone '\\' at the end";
      return false;
    }
    const char c = text[i];
    const auto* letter =
        std::find_if(std::begin(letters), std::end(letters), [c](const auto& l) { return l.second == c; });
    if (letter != std::end(letters)) {
      out += letter->first;
    } else if (c == 'x') {
      std::string byte;
      // from_hex skips separators, which an escape may not contain ("\x 4").
      const std::string_view digits = text.substr(i + 1, 2);
      if (digits.size() != 2 || digits.find_first_of(" \t\r\n:") != std::string_view::npos ||
          from_hex(digits, byte) || byte.size() != 1) {
        error = "'\\x' followed by two hex digits at offset " + std::to_string(i - 1);
        return false;
      }
      out += byte;
      i += 2;
    } else {
      error = std::string{"unknown escape '\\"} + c + "' at offset " + std::to_string(i - 1);
      return false;
    }
  }
  return true;
}

}  // namespace gearspec::util
