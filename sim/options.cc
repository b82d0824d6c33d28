#include "sim/options.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dsim {

const char* DefaultSeparator(const std::string& default_text) {
  // "default 10", "default \"2s\"", "default read 5, write 3", but
  // "default: the run's end" (words only).
  const bool words = !default_text.empty() && absl::ascii_isalpha(default_text[0]) &&
                     default_text.find(' ') != std::string::npos &&
                     default_text.find_first_of("0123456789") == std::string::npos;
  return words ? ": " : " ";
}

nlohmann::ordered_json DurationSchema(int64_t min_ns) {
  return {{"$ref", min_ns > 0 ? "#/$defs/positive_duration" : "#/$defs/duration"}};
}

std::string DescribeOption(const std::string& doc, const std::string& default_text) {
  if (default_text.empty()) return doc + ".";
  return absl::StrCat(doc, " (default", DefaultSeparator(default_text), default_text, ").");
}

std::string DurationDefaultText(int64_t ns) {
  if (ns == 0) return "0";
  return absl::StrCat("\"", FormatDuration(ns), "\"");
}

}  // namespace dsim
