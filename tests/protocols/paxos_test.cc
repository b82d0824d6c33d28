#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tests/testing/scenario_test_base.h"

namespace dsim {
namespace {

class PaxosTest : public ScenarioTestBase {
 protected:
  PaxosTest() : ScenarioTestBase("scenarios/paxos") {}
};

TEST_F(PaxosTest, BiddingStoryCarriesClientTwosValue) {
  const RunReport r = RunScenario(Load("bidding_story.json"), {});
  EXPECT_TRUE(r.pass) << Why(r);
  EXPECT_EQ(r.facts.at("chosen"), "c2");
  EXPECT_EQ(r.facts.at("ballots")["1"], nlohmann::json({"1.1", "2.1"}));
  EXPECT_EQ(r.facts.at("last_proposal")["1"], "c2");
}

TEST_F(PaxosTest, DuelWithoutBackoffNeverDecidesButStaysSafe) {
  const RunReport r = RunScenario(Load("dueling_no_backoff.json"), {});
  EXPECT_TRUE(r.pass) << Why(r);
  EXPECT_EQ(r.facts.at("decided"), false);
  EXPECT_GT(r.facts.at("rounds").get<int>(), 100);
  for (const CheckResult& c : r.checks) EXPECT_TRUE(c.ok) << c.name;
}

TEST_F(PaxosTest, DuelWithBackoffDecidesOnEverySeed) {
  const Scenario s = Load("dueling_backoff.json");
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const RunReport r = RunScenario(s, {.seed = seed});
    ASSERT_TRUE(r.pass) << "seed " << seed << ": " << Why(r);
  }
}

// P-4: a restarted acceptor keeps its promise; with the planted bug it
// forgets it, and the check sees the promise go down.
TEST_F(PaxosTest, RestartedAcceptorKeepsItsPromiseUnlessTheBugIsOn) {
  const Scenario clean = Load("single_nemesis.json");
  const Scenario buggy = Load("bugs/single_acceptor_volatile_promise.json");
  int clean_failures = 0, bug_failures = 0;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    clean_failures += !RunScenario(clean, {.seed = seed}).pass;
    const RunReport r = RunScenario(buggy, {.seed = seed});
    if (!r.pass) {
      ++bug_failures;
      EXPECT_FALSE(Find(r, "acceptor_monotonic")->ok);
    }
  }
  EXPECT_EQ(clean_failures, 0);
  EXPECT_GT(bug_failures, 0);
}

TEST_F(PaxosTest, LeaderCrashElectsAnotherAndTheRestartedServerCatchesUp) {
  const RunReport r = RunScenario(Load("kv_leader_crash.json"), {});
  EXPECT_TRUE(r.pass) << Why(r);
  const nlohmann::json leaders = r.facts.at("leaders");
  ASSERT_GE(leaders.size(), 2u);
  EXPECT_EQ(leaders[0], 1);
  EXPECT_NE(leaders[1], 1);
  EXPECT_TRUE(Find(r, "log_order")->ok);
}

TEST_F(PaxosTest, MinorityAnswersNothingMajorityServes) {
  const RunReport r = RunScenario(Load("kv_minority_partition.json"), {});
  EXPECT_TRUE(r.pass) << Why(r);
  const nlohmann::json a = r.facts.at("availability");
  ASSERT_TRUE(a.contains("majority [3 4 5]"));
  EXPECT_GT(a["majority [3 4 5]"]["share"].get<double>(), 0.5);
  EXPECT_TRUE(Find(r, "minority_unavailable")->ok);
}

// P-6: a partitioned follower misses instances, then catches up and applies
// them in order.
TEST_F(PaxosTest, PartitionedFollowerCatchesUpInOrder) {
  const Scenario s = Parse(R"({"name": "catchup", "protocol": "multipaxos", "nodes": 5, "duration": "2s",
      "options": {"initial_leader": 1},
      "workload": {"clients": 3, "think": "5ms"},
      "faults": [{"at": "300ms", "kind": "isolate", "node": 5}, {"at": "1s", "kind": "heal"}],
      "expect": {"facts": {"leaderships": {"min": 1}}}})");
  const RunReport r = RunScenario(s, {});
  EXPECT_TRUE(r.pass) << Why(r);
  EXPECT_THAT(Find(r, "log_order")->detail, ::testing::HasSubstr("5 replica logs agree"));
}

TEST_F(PaxosTest, LeaseReadsAreSafeWithinTheMarginAndNotBeyond) {
  const Scenario within = Load("lease_reads_within_margin.json");
  const Scenario beyond = Load("lease_reads_clock_drift.json");
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    EXPECT_TRUE(RunScenario(within, {.seed = seed}).pass) << seed;
  }
  const RunReport r = RunScenario(beyond, {.seed = 39});  // recorded in tests/data/recorded_seeds.tsv
  EXPECT_FALSE(r.pass);
  EXPECT_FALSE(Find(r, "linearizable")->ok);
}

TEST_F(PaxosTest, SameSeedSameRun) {
  const Scenario s = Load("kv_nemesis.json");
  EXPECT_EQ(RunScenario(s, {.seed = 5}).trace_hash, RunScenario(s, {.seed = 5}).trace_hash);
}

}  // namespace
}  // namespace dsim
