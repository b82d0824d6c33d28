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

}  // namespace
}  // namespace dsim
