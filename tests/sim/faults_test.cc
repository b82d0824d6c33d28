#include "sim/faults.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "sim/time.h"
#include "tests/testing/test_protocols.h"
#include "tools/cli/builtin.h"

namespace dsim {
namespace {

class Idle : public Process {
 public:
  void OnStart(Context&) override {}
  void OnMessage(Context&, const Envelope&) override {}
  void OnTimer(Context&, TimerId, uint64_t) override {}
};

TEST(Faults, ScheduledPlanAppliesAtItsTimes) {
  SimOptions o;
  o.num_servers = 3;
  Simulator sim(o, [](NodeId) { return std::make_unique<Idle>(); });
  ScheduleFaults(sim, {{.at_ns = 100, .kind = Fault::Kind::kCrash, .node = 2},
                       {.at_ns = 200, .kind = Fault::Kind::kPartition, .groups = {{1}, {2, 3}}},
                       {.at_ns = 300, .kind = Fault::Kind::kRestart, .node = 2},
                       {.at_ns = 400, .kind = Fault::Kind::kHeal}});
  sim.Start();
  sim.RunUntil(150);
  EXPECT_FALSE(sim.IsUp(2));
  sim.RunUntil(250);
  EXPECT_TRUE(sim.network().IsCut(1, 2));
  sim.RunUntil(350);
  EXPECT_TRUE(sim.IsUp(2));
  sim.RunUntil(450);
  EXPECT_FALSE(sim.network().IsCut(1, 2));
  ASSERT_EQ(sim.fault_log().size(), 4u);
  EXPECT_EQ(sim.fault_log()[0].what, "crash n2");
  EXPECT_EQ(sim.fault_log()[1].what, "partition [1] | [2 3]");
  EXPECT_EQ(sim.fault_log()[1].time_ns, 200);
}

// A link fault with `for` reverts by itself; a heal says when it undid link
// changes; a crash of a down node and a restart of an up one are noted in
// the fault log, not silently dropped.
TEST(Faults, TimedLinkFaultsAndWhatAHealUndoes) {
  SimOptions o;
  o.num_servers = 3;
  o.network.defaults.latency = LatencyDist::Constant(500);
  o.network.defaults.fifo = false;
  Simulator sim(o, [](NodeId) { return std::make_unique<Idle>(); });
  const uint64_t trace_before = [&] {
    Simulator plain(o, [](NodeId) { return std::make_unique<Idle>(); });
    ScheduleFaults(plain, {{.at_ns = 100, .kind = Fault::Kind::kCrash, .node = 2}});
    plain.Start();
    plain.RunUntil(1000);
    return plain.trace_hash();
  }();
  ScheduleFaults(sim, {{.at_ns = 50, .kind = Fault::Kind::kRestart, .node = 1},
                       {.at_ns = 100, .kind = Fault::Kind::kCrash, .node = 2},
                       {.at_ns = 150, .kind = Fault::Kind::kCrash, .node = 2}});
  sim.Start();
  sim.RunUntil(1000);
  EXPECT_EQ(sim.trace_hash(), trace_before);  // the skipped faults change nothing
  ASSERT_EQ(sim.fault_log().size(), 3u);
  EXPECT_EQ(sim.fault_log()[0].what, "restart n1 skipped: it is up");
  EXPECT_EQ(sim.fault_log()[2].what, "crash n2 skipped: it is down");

  Simulator timed(o, [](NodeId) { return std::make_unique<Idle>(); });
  ScheduleFaults(timed, {{.at_ns = 100, .kind = Fault::Kind::kLink, .from = {1}, .amount_ns = 200,
                          .link = LinkChange{.loss = 1.0}},
                         {.at_ns = 150, .kind = Fault::Kind::kLink, .to = {3},
                          .link = LinkChange{.latency = LatencyDist::Constant(7000)}},
                         {.at_ns = 500, .kind = Fault::Kind::kHeal}});
  timed.Start();
  Rng rng(1);
  timed.RunUntil(200);
  EXPECT_EQ(timed.network().Plan(1, 2, 0, rng).drop, DropReason::kLoss);
  timed.RunUntil(400);
  EXPECT_EQ(timed.network().Plan(1, 2, 0, rng).drop, DropReason::kNone);
  EXPECT_EQ(timed.network().Plan(1, 3, 0, rng).deliver_ns, 7000);
  timed.RunUntil(600);
  EXPECT_EQ(timed.network().Plan(1, 3, 0, rng).deliver_ns, 500);
  std::vector<std::string> log;
  for (const FaultRecord& f : timed.fault_log()) log.push_back(f.what);
  EXPECT_THAT(log, ::testing::ElementsAre("link [1] -> [all]: loss 1 for 200ns",
                                        "link [all] -> [3]: latency constant 7us",
                                        "link [1] -> [all]: restored",
                                        "heal (and 1 link change undone)"));
}

TEST(Nemesis, CrashesAMinorityAtMostAndHealsAtStop) {
  SimOptions o;
  o.num_servers = 5;
  o.seed = 3;
  Simulator sim(o, [](NodeId) { return std::make_unique<Idle>(); });
  NemesisOptions n;
  n.enabled = true;
  n.start_ns = 0;
  n.stop_ns = 5 * kSecond;
  n.interval = LatencyDist::Uniform(kMillisecond, 10 * kMillisecond);
  n.crash_weight = 5;
  Nemesis nemesis(n, sim, 10 * kSecond);
  sim.Start();
  int max_down = 0;
  for (int64_t t = 0; t < 5 * kSecond; t += kMillisecond) {
    sim.RunUntil(t);
    int down = 0;
    for (NodeId id = 1; id <= 5; ++id) down += !sim.IsUp(id);
    max_down = std::max(max_down, down);
  }
  EXPECT_EQ(max_down, 2);
  sim.RunUntil(5 * kSecond + 1);
  for (NodeId id = 1; id <= 5; ++id) EXPECT_TRUE(sim.IsUp(id));
  EXPECT_EQ(sim.network().cut_links(), 0);
  for (NodeId id = 1; id <= 5; ++id) EXPECT_EQ(sim.clock(id).drift_ppb(), 0);
  EXPECT_GT(sim.fault_log().size(), 100u);
  EXPECT_EQ(sim.fault_log().back().what, "nemesis stopped: all healed");
}

TEST(Nemesis, SameSeedSameFaults) {
  auto faults = [](uint64_t seed) {
    SimOptions o;
    o.num_servers = 5;
    o.seed = seed;
    Simulator sim(o, [](NodeId) { return std::make_unique<Idle>(); });
    NemesisOptions n;
    n.enabled = true;
    Nemesis nemesis(n, sim, 10 * kSecond);
    sim.Start();
    sim.RunUntil(10 * kSecond);
    std::vector<std::string> out;
    for (const FaultRecord& f : sim.fault_log()) out.push_back(absl::StrCat(f.time_ns, " ", f.what));
    return out;
  };
  EXPECT_EQ(faults(1), faults(1));
  EXPECT_NE(faults(1), faults(2));
}

// The planted bug in the test-only counter (reply before sync) is invisible
// without crashes that drop unsynced writes, and found with them.
TEST(Faults, LosingUnsyncedWritesExposesReplyBeforeSync) {
  ProtocolRegistry registry;
  testing::RegisterTestProtocols(registry);
  const std::string dir = std::string(DSIM_SOURCE_DIR) + "/tests/data/";
  absl::StatusOr<Scenario> clean = LoadScenarioFile(dir + "counter_crashes.json", registry);
  absl::StatusOr<Scenario> buggy = LoadScenarioFile(dir + "counter_crashes_bug.json", registry);
  ASSERT_TRUE(clean.ok() && buggy.ok());
  int clean_failures = 0, buggy_failures = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    clean_failures += !RunScenario(*clean, {.seed = seed}).pass;
    buggy_failures += !RunScenario(*buggy, {.seed = seed}).pass;
  }
  EXPECT_EQ(clean_failures, 0);
  EXPECT_GT(buggy_failures, 0);
}

}  // namespace
}  // namespace dsim
