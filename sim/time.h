// Simulated time: an int64 count of nanoseconds.
//
// True time (the engine's) and local time (a node's clock reading) are both
// int64 nanoseconds; names carry the unit (`timeout_ns`). Durations in
// scenario files are strings with units, parsed here:
//
//   absl::StatusOr<int64_t> ns = ParseDuration("250us");   // 250000
//   std::string s = FormatDuration(1500000);              // "1.5ms"
#ifndef DSIM_SIM_TIME_H_
#define DSIM_SIM_TIME_H_

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dsim {

inline constexpr int64_t kNanosecond = 1;
inline constexpr int64_t kMicrosecond = 1000;
inline constexpr int64_t kMillisecond = 1000 * kMicrosecond;
inline constexpr int64_t kSecond = 1000 * kMillisecond;
inline constexpr int64_t kMinute = 60 * kSecond;
inline constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

// The longest duration a file may give, either way: 1,000,000 s, about 11.6
// days of simulated time. Every time the engine computes is a sum of a few
// such durations (an event's time plus a latency, a fault's start plus its
// length), so with this bound none can overflow: 9,000 of them fit in int64.
// What accumulates without a bound the loader can see (clock steps) goes
// through SaturatingAdd.
inline constexpr int64_t kMaxDuration = 1'000'000 * kSecond;

// a + b, clamped to [-kForever, kForever] instead of overflowing.
inline constexpr int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? kForever : -kForever;
  return sum;
}

// Parses "<number><unit>" with unit one of ns, us, ms, s, m (minutes). The
// number may have a fraction ("1.5ms") and a sign ("-20ms") but must come to
// a whole number of nanoseconds, at most kMaxDuration either way. "0" alone is accepted. Errors say what is
// wrong in a phrase that fits after "FILE: /pointer: ".
absl::StatusOr<int64_t> ParseDuration(std::string_view text);

// The shortest exact rendering in the largest fitting unit: "1.5ms", "10ns".
std::string FormatDuration(int64_t ns);

}  // namespace dsim

#endif  // DSIM_SIM_TIME_H_
