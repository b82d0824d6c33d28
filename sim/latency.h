// Latency distributions for network links, drawn from a node-independent RNG
// stream with exact arithmetic only (no libm), so every compiler agrees.
//
//   constant  always `min`
//   uniform   uniform integer nanoseconds in [min, max]
//   longtail  Lomax (Pareto II, shape 1): min + (median - min) * (1/u - 1),
//             capped at max. Half the samples fall below `median`; one in k+1
//             exceeds min + k * (median - min). The tail a timeout must survive.
//
//   LatencyDist d = LatencyDist::Uniform(100 * kMicrosecond, kMillisecond);
//   int64_t ns = d.Sample(rng);
#ifndef DSIM_SIM_LATENCY_H_
#define DSIM_SIM_LATENCY_H_

#include <cstdint>
#include <string>

#include "sim/rng.h"

namespace dsim {

struct LatencyDist {
  enum class Kind : uint8_t { kConstant, kUniform, kLongTail };
  Kind kind = Kind::kUniform;
  int64_t min_ns = 100'000;     // 100us: the default hop is 0.1..1 ms
  int64_t max_ns = 1'000'000;   // uniform: upper bound; longtail: the cap
  int64_t median_ns = 0;        // longtail only

  static LatencyDist Constant(int64_t ns) {
    return {Kind::kConstant, ns, ns, ns};
  }
  static LatencyDist Uniform(int64_t lo_ns, int64_t hi_ns) {
    return {Kind::kUniform, lo_ns, hi_ns, 0};
  }
  static LatencyDist LongTail(int64_t lo_ns, int64_t median_ns, int64_t cap_ns) {
    return {Kind::kLongTail, lo_ns, cap_ns, median_ns};
  }

  int64_t Sample(Rng& rng) const {
    switch (kind) {
      case Kind::kConstant:
        return min_ns;
      case Kind::kUniform:
        return rng.UniformInt(min_ns, max_ns);
      case Kind::kLongTail: {
        // u in (0, 1]: never zero, so 1/u is finite.
        const double u = static_cast<double>((rng.Next64() >> 11) + 1) * 0x1.0p-53;
        const double scale = static_cast<double>(median_ns - min_ns);
        const double extra = scale * (1.0 / u - 1.0);
        const double cap = static_cast<double>(max_ns - min_ns);
        return extra >= cap ? max_ns : min_ns + static_cast<int64_t>(extra);
      }
    }
    return min_ns;
  }

  std::string ToString() const;
};

}  // namespace dsim

#endif  // DSIM_SIM_LATENCY_H_
