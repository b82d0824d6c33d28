#include "sim/network.h"

#include "gtest/gtest.h"

namespace dsim {
namespace {

NetworkOptions Fixed(int64_t latency_ns, bool fifo = true) {
  NetworkOptions o;
  o.defaults.latency = LatencyDist::Constant(latency_ns);
  o.defaults.fifo = fifo;
  return o;
}

TEST(Network, DefaultLatencyIsATenthToOneMillisecond) {
  Network net(3, NetworkOptions{});
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const Network::Route r = net.Plan(1, 2, 0, rng);
    ASSERT_EQ(r.drop, DropReason::kNone);
    ASSERT_GE(r.deliver_ns, 100'000);
    ASSERT_LE(r.deliver_ns, 1'000'000);
  }
}

TEST(Network, LoopbackIsImmediateAndNeverCut) {
  Network net(3, Fixed(500));
  Rng rng(1);
  net.Isolate(1);
  const Network::Route r = net.Plan(1, 1, 77, rng);
  EXPECT_EQ(r.drop, DropReason::kNone);
  EXPECT_EQ(r.deliver_ns, 77);
}

TEST(Network, PartitionCutsAcrossGroupsOnly) {
  Network net(5, Fixed(500));
  net.Partition({{1, 2}, {3, 4, 5}});
  Rng rng(1);
  EXPECT_EQ(net.Plan(1, 2, 0, rng).drop, DropReason::kNone);
  EXPECT_EQ(net.Plan(3, 5, 0, rng).drop, DropReason::kNone);
  EXPECT_EQ(net.Plan(1, 3, 0, rng).drop, DropReason::kPartition);
  EXPECT_EQ(net.Plan(4, 2, 0, rng).drop, DropReason::kPartition);
  net.Heal();
  EXPECT_EQ(net.Plan(1, 3, 0, rng).drop, DropReason::kNone);
  EXPECT_EQ(net.cut_links(), 0);
}

TEST(Network, OneWayCut) {
  Network net(3, Fixed(500));
  net.Cut({1}, {2});
  EXPECT_TRUE(net.IsCut(1, 2));
  EXPECT_FALSE(net.IsCut(2, 1));
}

TEST(Network, IsolateAndBridge) {
  Network net(5, Fixed(500));
  net.Isolate(3);
  for (NodeId other : {1, 2, 4, 5}) {
    EXPECT_TRUE(net.IsCut(3, other));
    EXPECT_TRUE(net.IsCut(other, 3));
  }
  net.Heal();
  net.Bridge({1, 2}, {4, 5}, 3);
  EXPECT_TRUE(net.IsCut(1, 4));
  EXPECT_TRUE(net.IsCut(5, 2));
  EXPECT_FALSE(net.IsCut(1, 3));
  EXPECT_FALSE(net.IsCut(3, 5));
  EXPECT_FALSE(net.IsCut(1, 2));
}

TEST(Network, FifoKeepsOrderDatagramsReorder) {
  NetworkOptions o;
  o.defaults.latency = LatencyDist::Uniform(100, 10'000);
  Network fifo(2, o);
  o.defaults.fifo = false;
  Network dgram(2, o);
  Rng rng(3);
  int64_t last = 0;
  int inversions = 0;
  int64_t last_d = 0;
  for (int i = 0; i < 1000; ++i) {
    const int64_t t = fifo.Plan(1, 2, i * 10, rng).deliver_ns;
    ASSERT_GE(t, last);
    last = t;
    const int64_t d = dgram.Plan(1, 2, i * 10, rng).deliver_ns;
    inversions += d < last_d;
    last_d = d;
  }
  EXPECT_GT(inversions, 100);
}

TEST(Network, CutBreaksTheFifoConnection) {
  Network net(2, Fixed(500));
  Rng rng(1);
  const Network::Route before = net.Plan(1, 2, 0, rng);
  EXPECT_TRUE(net.Deliverable(1, 2, before.epoch));
  net.Cut({1}, {2});
  net.Heal();
  // Healed, but the message was in flight on the old connection.
  EXPECT_FALSE(net.Deliverable(1, 2, before.epoch));
  const Network::Route after = net.Plan(1, 2, 10, rng);
  EXPECT_TRUE(net.Deliverable(1, 2, after.epoch));
}

TEST(Network, DatagramInFlightSurvivesAHealedCut) {
  Network net(2, Fixed(500, /*fifo=*/false));
  Rng rng(1);
  const Network::Route r = net.Plan(1, 2, 0, rng);
  net.Cut({1}, {2});
  EXPECT_FALSE(net.Deliverable(1, 2, r.epoch));  // cut at delivery: lost
  net.Heal();
  EXPECT_TRUE(net.Deliverable(1, 2, r.epoch));
}

TEST(Network, LossAndDuplicationRates) {
  NetworkOptions o = Fixed(500);
  o.defaults.loss = 0.2;
  o.defaults.duplicate = 0.1;
  Network net(2, o);
  Rng rng(7);
  int lost = 0, dup = 0;
  for (int i = 0; i < 20000; ++i) {
    const Network::Route r = net.Plan(1, 2, i, rng);
    lost += r.drop == DropReason::kLoss;
    dup += r.duplicate;
  }
  EXPECT_NEAR(lost, 4000, 300);
  EXPECT_NEAR(dup, 1600, 200);  // 10% of the 80% that got through
}

TEST(Network, LinkOverridesAndChanges) {
  NetworkOptions o = Fixed(500);
  o.links.push_back({{1}, {2}, LinkChange{.latency = LatencyDist::Constant(9000)}});
  Network net(3, o);
  Rng rng(1);
  EXPECT_EQ(net.Plan(1, 2, 0, rng).deliver_ns, 9000);
  EXPECT_EQ(net.Plan(2, 1, 0, rng).deliver_ns, 500);
  net.ChangeLinks({}, {3}, LinkChange{.loss = 1.0});
  EXPECT_EQ(net.Plan(1, 3, 0, rng).drop, DropReason::kLoss);
  EXPECT_EQ(net.Plan(3, 1, 0, rng).drop, DropReason::kNone);
  net.Heal();  // back to the configured links, override included
  EXPECT_EQ(net.Plan(1, 3, 10, rng).drop, DropReason::kNone);
  EXPECT_EQ(net.Plan(1, 2, 20'000, rng).deliver_ns, 29'000);
}

// One link change undone on its own: the changes made before and after it
// stay, in the order they were made, and a heal leaves nothing to revert.
TEST(Network, RevertingOneLinkChangeKeepsTheOthers) {
  Network net(3, Fixed(500, /*fifo=*/false));
  Rng rng(1);
  const uint64_t slow = net.ChangeLinks({1}, {}, LinkChange{.latency = LatencyDist::Constant(4000)});
  const uint64_t lossy = net.ChangeLinks({}, {3}, LinkChange{.loss = 1.0});
  const uint64_t slower = net.ChangeLinks({1}, {2}, LinkChange{.latency = LatencyDist::Constant(9000)});
  EXPECT_EQ(net.Plan(1, 2, 0, rng).deliver_ns, 9000);
  EXPECT_EQ(net.Plan(1, 3, 0, rng).drop, DropReason::kLoss);
  EXPECT_TRUE(net.RevertLinks(lossy));
  EXPECT_EQ(net.Plan(1, 3, 0, rng).deliver_ns, 4000);  // still slow, no longer lossy
  EXPECT_EQ(net.Plan(1, 2, 0, rng).deliver_ns, 9000);  // the later change still wins
  EXPECT_FALSE(net.RevertLinks(lossy));
  EXPECT_TRUE(net.RevertLinks(slower));
  EXPECT_EQ(net.Plan(1, 2, 0, rng).deliver_ns, 4000);
  EXPECT_EQ(net.Heal(), 1u);  // the slow links
  EXPECT_FALSE(net.RevertLinks(slow));
  EXPECT_EQ(net.Plan(1, 2, 10'000, rng).deliver_ns, 10'500);
  EXPECT_EQ(net.Heal(), 0u);
}

// The nemesis heals only its own faults: a partition or link change the
// scenario scheduled stays in force across a nemesis episode.
TEST(Network, NemesisHealKeepsTheScenariosFaults) {
  Network net(4, Fixed(500));
  Rng rng(1);
  net.Partition({{1, 2}, {3, 4}});
  net.ChangeLinks({1}, {2}, LinkChange{.latency = LatencyDist::Constant(7000)});
  net.Isolate(2, kNemesisLayer);
  net.ChangeLinks({4}, {3}, LinkChange{.loss = 1.0}, kNemesisLayer);
  EXPECT_TRUE(net.IsCut(1, 2));
  EXPECT_EQ(net.Plan(4, 3, 0, rng).drop, DropReason::kLoss);
  net.HealNemesis();
  EXPECT_FALSE(net.IsCut(1, 2));
  EXPECT_FALSE(net.IsCut(2, 1));
  EXPECT_TRUE(net.IsCut(2, 3));  // the scenario's partition
  EXPECT_TRUE(net.IsCut(1, 4));
  EXPECT_EQ(net.Plan(4, 3, 0, rng).drop, DropReason::kNone);
  EXPECT_EQ(net.Plan(1, 2, 0, rng).deliver_ns, 7000);  // the scenario's slow link
  // A link both layers cut stays cut until both heal; a scheduled heal
  // restores everything.
  net.Cut({3}, {4}, kNemesisLayer);
  net.HealNemesis();
  EXPECT_TRUE(net.IsCut(3, 1));
  net.Heal();
  EXPECT_EQ(net.cut_links(), 0);
  EXPECT_EQ(net.Plan(1, 2, 10'000, rng).deliver_ns, 10'500);
}

// A link cut by one layer while the other already cut it does not break
// its connection a second time.
TEST(Network, OverlappingCutsBreakTheConnectionOnce) {
  Network net(2, Fixed(500));
  Rng rng(1);
  net.Cut({1}, {2});
  const uint32_t epoch = net.Plan(1, 2, 0, rng).epoch;
  net.Cut({1}, {2}, kNemesisLayer);
  EXPECT_EQ(net.Plan(1, 2, 0, rng).epoch, epoch);
}

}  // namespace
}  // namespace dsim
