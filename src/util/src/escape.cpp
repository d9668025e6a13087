#include "gearspec/util/escape.hpp"

#include "gearspec/util/encoding.hpp"

namespace gearspec::util {

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
    switch (text[i]) {
      case '0':
        out += '\0';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
      case '"':
      case '\'':
        out += text[i];
        break;
      case 'x': {
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
        break;
      }
      default:
        error = std::string{"unknown escape '\\"} + text[i] + "' at offset " + std::to_string(i - 1);
        return false;
    }
  }
  return true;
}

}  // namespace gearspec::util
