#include "sim/time.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;

TEST(ParseDuration, Units) {
  EXPECT_EQ(*ParseDuration("10ns"), 10);
  EXPECT_EQ(*ParseDuration("250us"), 250'000);
  EXPECT_EQ(*ParseDuration("1ms"), 1'000'000);
  EXPECT_EQ(*ParseDuration("2s"), 2'000'000'000);
  EXPECT_EQ(*ParseDuration("1m"), 60'000'000'000);
  EXPECT_EQ(*ParseDuration("0"), 0);
  EXPECT_EQ(*ParseDuration("1.5ms"), 1'500'000);
  EXPECT_EQ(*ParseDuration("-20ms"), -20'000'000);
  EXPECT_EQ(*ParseDuration("0.000000001s"), 1);
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad : {"", "ms", "10", "10 ms", "10mss", "1.5.3ms", "abc", "1e3ms", "--1s",
                          "10h", "1.ms5"}) {
    absl::StatusOr<int64_t> d = ParseDuration(bad);
    EXPECT_FALSE(d.ok()) << bad;
    if (!d.ok()) {
      EXPECT_THAT(std::string(d.status().message()), HasSubstr("duration")) << bad;
    }
  }
}

TEST(ParseDuration, RejectsFractionalNanoseconds) {
  EXPECT_THAT(ParseDuration("1.5ns").status().message(), HasSubstr("whole number"));
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_FALSE(ParseDuration("99999999999999999999s").ok());
  EXPECT_FALSE(ParseDuration("10000000000s").ok());
}

TEST(ParseDuration, AtMostTheLongestDurationEitherWay) {
  EXPECT_EQ(*ParseDuration("1000000s"), kMaxDuration);
  EXPECT_EQ(*ParseDuration("-1000000s"), -kMaxDuration);
  EXPECT_THAT(ParseDuration("1000000.000000001s").status().message(),
              HasSubstr("too large (at most 1000000s"));
  EXPECT_FALSE(ParseDuration("-16667m").ok());
  // A few thousand of the longest durations still add up without overflow.
  EXPECT_LT(kMaxDuration, kForever / 9000);
}

TEST(SaturatingAdd, ClampsInsteadOfOverflowing) {
  EXPECT_EQ(SaturatingAdd(1, 2), 3);
  EXPECT_EQ(SaturatingAdd(kForever, 1), kForever);
  EXPECT_EQ(SaturatingAdd(kForever - 5, kForever), kForever);
  EXPECT_EQ(SaturatingAdd(-kForever, -kForever), -kForever);
  EXPECT_EQ(SaturatingAdd(-kForever, kForever), 0);
}

TEST(FormatDuration, RoundTrips) {
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{10}, int64_t{1500}, int64_t{250'000},
                     int64_t{1'500'000}, int64_t{2'000'000'000}, int64_t{-20'000'000},
                     int64_t{123'456'789'012}}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(ns)), ns) << FormatDuration(ns);
  }
  EXPECT_EQ(FormatDuration(1'500'000), "1.5ms");
  EXPECT_EQ(FormatDuration(2 * kSecond), "2s");
  EXPECT_EQ(FormatDuration(10), "10ns");
}

}  // namespace
}  // namespace dsim
