#include "sim/time.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace dsim {
namespace {

absl::Status Malformed(std::string_view text) {
  return absl::InvalidArgumentError(absl::StrFormat(
      "malformed duration \"%s\" (expected a number and a unit: ns, us, ms, "
      "s or m, such as \"250us\")",
      text));
}

}  // namespace

absl::StatusOr<int64_t> ParseDuration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Integer part and fraction part as decimal digits.
  __int128 whole = 0;
  __int128 frac = 0;
  int frac_digits = 0;
  size_t i = 0;
  bool any_digit = false;
  while (i < s.size() && absl::ascii_isdigit(s[i])) {
    whole = whole * 10 + (s[i] - '0');
    if (whole > (__int128)1 << 80) return Malformed(text);
    any_digit = true;
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && absl::ascii_isdigit(s[i])) {
      if (frac_digits >= 18) return Malformed(text);
      frac = frac * 10 + (s[i] - '0');
      ++frac_digits;
      any_digit = true;
      ++i;
    }
  }
  if (!any_digit) return Malformed(text);
  std::string_view unit = s.substr(i);
  int64_t scale;
  if (unit == "ns") {
    scale = kNanosecond;
  } else if (unit == "us") {
    scale = kMicrosecond;
  } else if (unit == "ms") {
    scale = kMillisecond;
  } else if (unit == "s") {
    scale = kSecond;
  } else if (unit == "m") {
    scale = kMinute;
  } else if (unit.empty() && whole == 0 && frac == 0) {
    scale = 1;  // a bare "0" needs no unit
  } else {
    return Malformed(text);
  }
  __int128 pow10 = 1;
  for (int k = 0; k < frac_digits; ++k) pow10 *= 10;
  __int128 total = whole * scale;
  __int128 frac_ns = frac * scale;
  if (frac_ns % pow10 != 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "duration \"%s\" is not a whole number of nanoseconds", text));
  }
  total += frac_ns / pow10;
  if (total > kMaxDuration) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "duration \"%s\" is too large (at most %s, about 11.6 days, either way)", text,
        FormatDuration(kMaxDuration)));
  }
  return negative ? -static_cast<int64_t>(total) : static_cast<int64_t>(total);
}

std::string FormatDuration(int64_t ns) {
  if (ns == 0) return "0s";
  if (ns == kForever) return "forever";
  std::string sign = ns < 0 ? "-" : "";
  uint64_t v = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : ns;
  struct Unit {
    uint64_t scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {
      {1000000000, "s"}, {1000000, "ms"}, {1000, "us"}, {1, "ns"}};
  for (const Unit& u : kUnits) {
    if (v >= u.scale) {
      uint64_t whole = v / u.scale;
      uint64_t rest = v % u.scale;
      if (rest == 0) return absl::StrFormat("%s%d%s", sign, whole, u.name);
      // Print the fraction exactly, without trailing zeros.
      std::string frac = absl::StrFormat("%0*d", u.scale == 1000000000 ? 9
                                                 : u.scale == 1000000  ? 6
                                                                       : 3,
                                         rest);
      while (!frac.empty() && frac.back() == '0') frac.pop_back();
      return absl::StrFormat("%s%d.%s%s", sign, whole, frac, u.name);
    }
  }
  return absl::StrFormat("%s%dns", sign, v);
}

}  // namespace dsim
