// Error messages are one line: a user's value quoted into one (a key, a
// string with a newline in it) must not break it. OneLine escapes control
// characters as JSON does (\n, \t, \u0001).
#ifndef DSIM_SIM_ONE_LINE_H_
#define DSIM_SIM_ONE_LINE_H_

#include <string>
#include <string_view>

#include "absl/strings/str_format.h"

namespace dsim {

inline std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      out += absl::StrFormat("\\u%04x", u);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace dsim

#endif  // DSIM_SIM_ONE_LINE_H_
