// A node's local clock. There is no global clock: a node reads
//   wall = offset + mono,  mono = true time stretched by its drift,
// piecewise linear because faults can change the drift at any time. Steps
// move `wall` (as an operator or NTP would); timers run on `mono`, the way
// CLOCK_MONOTONIC timers are slewed but never stepped.
//
//   LocalClock c;
//   c.SetDrift(/*true_now=*/0, /*ppb=*/1'000'000);   // 0.1% fast
//   int64_t local = c.Wall(kSecond);                   // 1.001 s
//   int64_t when = c.TrueAtMono(c.Mono(0) + kSecond);  // ~0.999 s of true time
#ifndef DSIM_SIM_CLOCK_H_
#define DSIM_SIM_CLOCK_H_

#include <algorithm>
#include <cstdint>

#include "sim/assert.h"
#include "sim/time.h"

namespace dsim {

inline constexpr int64_t kPartsPerBillion = 1'000'000'000;
// However often a clock is stepped, its offset stays within this either way,
// so a reading plus any duration still fits in int64.
inline constexpr int64_t kMaxClockOffset = kForever / 4;

class LocalClock {
 public:
  // REQUIRES: drift_ppb > -kPartsPerBillion (a clock cannot stop or run back).
  void Configure(int64_t offset_ns, int64_t drift_ppb) {
    DSIM_ASSERT(drift_ppb > -kPartsPerBillion);
    offset_ns_ = offset_ns;
    ppb_ = drift_ppb;
  }

  int64_t Mono(int64_t true_ns) const {
    const int64_t d = true_ns - base_true_ns_;
    if (ppb_ == 0) return base_mono_ns_ + d;  // the common, ideal-rate case
    return base_mono_ns_ + d +
           static_cast<int64_t>(static_cast<__int128>(d) * ppb_ / kPartsPerBillion);
  }
  int64_t Wall(int64_t true_ns) const { return Mono(true_ns) + offset_ns_; }

  // The earliest true time t >= base at which Mono(t) >= mono_ns.
  int64_t TrueAtMono(int64_t mono_ns) const {
    const int64_t m = mono_ns - base_mono_ns_;
    if (m <= 0) return base_true_ns_;
    const __int128 estimate =
        ppb_ == 0 ? m : static_cast<__int128>(m) * kPartsPerBillion / (kPartsPerBillion + ppb_);
    // Beyond any run (timeouts of "forever", a slow clock's far deadline): no
    // exact time is needed, and computing one could overflow.
    if (estimate > kForever / 4 - base_true_ns_) return kForever;
    if (ppb_ == 0) return base_true_ns_ + m;
    int64_t d = static_cast<int64_t>(estimate);
    while (Mono(base_true_ns_ + d) < mono_ns) ++d;
    while (d > 0 && Mono(base_true_ns_ + d - 1) >= mono_ns) --d;
    return base_true_ns_ + d;
  }

  void Step(int64_t delta_ns) {
    offset_ns_ = std::clamp(SaturatingAdd(offset_ns_, delta_ns), -kMaxClockOffset, kMaxClockOffset);
  }

  // Changes the rate from true_now on; readings stay continuous.
  void SetDrift(int64_t true_now_ns, int64_t drift_ppb) {
    DSIM_ASSERT(drift_ppb > -kPartsPerBillion);
    base_mono_ns_ = Mono(true_now_ns);
    base_true_ns_ = true_now_ns;
    ppb_ = drift_ppb;
  }

  int64_t drift_ppb() const { return ppb_; }
  int64_t offset_ns() const { return offset_ns_; }

 private:
  int64_t base_true_ns_ = 0;
  int64_t base_mono_ns_ = 0;
  int64_t ppb_ = 0;
  int64_t offset_ns_ = 0;
};

}  // namespace dsim

#endif  // DSIM_SIM_CLOCK_H_
