#include "sim/clock.h"

#include "gtest/gtest.h"
#include "sim/time.h"

namespace dsim {
namespace {

TEST(LocalClock, IdealClockReadsTrueTime) {
  LocalClock c;
  EXPECT_EQ(c.Wall(12345), 12345);
  EXPECT_EQ(c.TrueAtMono(777), 777);
}

TEST(LocalClock, OffsetAndStepMoveWallNotMono) {
  LocalClock c;
  c.Configure(5 * kMillisecond, 0);
  EXPECT_EQ(c.Wall(kSecond), kSecond + 5 * kMillisecond);
  c.Step(-10 * kMillisecond);
  EXPECT_EQ(c.Wall(kSecond), kSecond - 5 * kMillisecond);
  EXPECT_EQ(c.Mono(kSecond), kSecond);
}

TEST(LocalClock, DriftStretchesTime) {
  LocalClock c;
  c.Configure(0, 100'000'000);  // 10% fast
  EXPECT_EQ(c.Mono(kSecond), 1100 * kMillisecond);
  // A 1.1 s local timer fires after 1 s of true time.
  EXPECT_EQ(c.TrueAtMono(1100 * kMillisecond), kSecond);
}

TEST(LocalClock, DriftChangeIsContinuous) {
  LocalClock c;
  c.SetDrift(0, 500'000'000);  // 50% fast
  const int64_t at = c.Mono(kSecond);
  c.SetDrift(kSecond, -500'000'000);  // now 50% slow
  EXPECT_EQ(c.Mono(kSecond), at);
  EXPECT_EQ(c.Mono(2 * kSecond), at + 500 * kMillisecond);
}

TEST(LocalClock, TrueAtMonoIsTheEarliestInstant) {
  LocalClock c;
  c.Configure(0, 333'333'333);
  for (int64_t m : {int64_t{1}, int64_t{7}, int64_t{1000}, int64_t{123456789}}) {
    const int64_t t = c.TrueAtMono(m);
    EXPECT_GE(c.Mono(t), m);
    EXPECT_LT(c.Mono(t - 1), m);
  }
}

TEST(LocalClock, StepsAccumulateWithoutOverflow) {
  LocalClock c;
  c.Configure(kMaxDuration, 0);
  for (int i = 0; i < 100'000; ++i) c.Step(kMaxDuration);
  EXPECT_EQ(c.offset_ns(), kMaxClockOffset);
  EXPECT_EQ(c.Wall(kSecond), kSecond + kMaxClockOffset);
  for (int i = 0; i < 200'000; ++i) c.Step(-kMaxDuration);
  EXPECT_EQ(c.offset_ns(), -kMaxClockOffset);
  c.Step(kForever);
  EXPECT_EQ(c.offset_ns(), kMaxClockOffset);
}

TEST(LocalClock, AFarDeadlineIsNever) {
  for (int64_t ppb : {int64_t{0}, int64_t{-900'000'000}, int64_t{-999'999'999}, int64_t{900'000'000}}) {
    LocalClock c;
    c.Configure(0, ppb);
    c.SetDrift(kSecond, ppb);
    EXPECT_EQ(c.TrueAtMono(kForever), kForever) << ppb;
    EXPECT_EQ(c.TrueAtMono(kForever / 2), kForever) << ppb;
    if (ppb < -900'000'000) continue;  // a clock this slow never gets there
    // A deadline within any run is still exact.
    const int64_t t = c.TrueAtMono(c.Mono(kSecond) + kMaxDuration);
    EXPECT_GE(c.Mono(t), c.Mono(kSecond) + kMaxDuration) << ppb;
    EXPECT_LT(c.Mono(t - 1), c.Mono(kSecond) + kMaxDuration) << ppb;
  }
}

}  // namespace
}  // namespace dsim
