// The heartbeat detector's handlers on the fake context: suspicion exactly
// at the timeout on the node's own clock.
#include <gtest/gtest.h>

#include "protocols/heartbeat/heartbeat.h"
#include "tests/testing/fake_context.h"

namespace dsim::heartbeat {
namespace {

using testing::FakeContext;

constexpr uint64_t kCheckTag = 2;

struct Fixture {
  explicit Fixture(bool bug = false) : ctx(/*id=*/1, /*num_servers=*/3) {
    o.interval_ns = 100 * kMillisecond;
    o.timeout_ns = 500 * kMillisecond;
    o.check_interval_ns = 50 * kMillisecond;
    o.bug_wall_clock_timeout = bug;
    d = std::make_unique<Detector>(o);
    ctx.Start(*d);
  }
  // Runs the check timer up to `t_ns`, with node 2 sending heartbeats
  // every interval and node 3 silent.
  void RunTo(int64_t t_ns) {
    while (true) {
      const auto timers = ctx.pending_timers();
      int64_t next = INT64_MAX;
      for (const auto& t : timers) next = std::min(next, t.deadline_ns);
      if (std::min(next, next_beat) > t_ns) break;
      if (next_beat <= next) {
        ctx.AdvanceTo(next_beat);
        ctx.Deliver(*d, 2, Heartbeat{static_cast<uint64_t>(next_beat)});
        next_beat += o.interval_ns;
      } else {
        ctx.FireNext(*d);
      }
    }
    ctx.AdvanceTo(t_ns);
  }
  const std::vector<Observation<Suspicion>>& log() { return ctx.observations()->Of<Suspicion>().entries(); }
  std::vector<Observation<Suspicion>> SuspicionsOf(NodeId peer) {
    std::vector<Observation<Suspicion>> out;
    for (const Observation<Suspicion>& e : log()) {
      if (e.value.peer == peer && e.value.suspect) out.push_back(e);
    }
    return out;
  }
  Options o;
  int64_t next_beat = 100 * kMillisecond;
  FakeContext ctx;
  std::unique_ptr<Detector> d;
};

TEST(DetectorTest, SuspectsASilentPeerAtTheFirstCheckPastTheTimeout) {
  Fixture f;
  // Heard from everyone at boot (t=0): a check at exactly 500 ms is not
  // past the timeout; the one at 550 ms is.
  f.RunTo(500 * kMillisecond);
  EXPECT_TRUE(f.SuspicionsOf(3).empty());
  f.RunTo(550 * kMillisecond);
  const auto s = f.SuspicionsOf(3);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].event_ns, 550 * kMillisecond);
  EXPECT_EQ(s[0].node, 1);
  EXPECT_TRUE(f.SuspicionsOf(2).empty());  // it kept beating
  // Heartbeats went to both peers, never to itself.
  for (const auto& [to, hb] : f.ctx.SentOf<Heartbeat>()) EXPECT_NE(to, 1);
}

TEST(DetectorTest, AHeartbeatFromASuspectedPeerRestoresTrust) {
  Fixture f;
  f.RunTo(600 * kMillisecond);
  ASSERT_EQ(f.SuspicionsOf(3).size(), 1u);
  f.ctx.Deliver(*f.d, 3, Heartbeat{1});
  ASSERT_FALSE(f.log().empty());
  EXPECT_EQ(f.log().back().value.peer, 3);
  EXPECT_FALSE(f.log().back().value.suspect);
}

TEST(DetectorTest, AWallClockStepDoesNotFakeSilence) {
  Fixture f;
  f.RunTo(200 * kMillisecond);
  f.ctx.StepClock(10 * kSecond);
  f.RunTo(260 * kMillisecond);
  EXPECT_TRUE(f.SuspicionsOf(2).empty());
  EXPECT_TRUE(f.SuspicionsOf(3).empty());
}

TEST(DetectorTest, PlantedWallClockTimeoutSuspectsEveryoneOnAStep) {
  Fixture f(/*bug=*/true);
  f.RunTo(200 * kMillisecond);
  f.ctx.StepClock(10 * kSecond);
  f.RunTo(260 * kMillisecond);
  EXPECT_EQ(f.SuspicionsOf(2).size(), 1u);  // beating all along, but the clock jumped
  EXPECT_EQ(f.SuspicionsOf(3).size(), 1u);
}

TEST(DetectorDeathTest, AHeartbeatFromANonServerIsAnAssertion) {
  Fixture f;
  EXPECT_DEATH(f.ctx.Deliver(*f.d, 4, Heartbeat{1}), "a heartbeat from node 4 of 3 servers");
}

}  // namespace
}  // namespace dsim::heartbeat
