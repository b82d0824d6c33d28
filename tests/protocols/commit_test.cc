#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tests/testing/scenario_test_base.h"

namespace dsim {
namespace {

class CommitTest : public ScenarioTestBase {
 protected:
  CommitTest() : ScenarioTestBase("scenarios/commit") {}
};

// C-1: three participants, all yes, no faults: commit everywhere with
// Prepare, Vote, Decision and Ack to and from each (plus the client's
// request and reply), and four forced writes before the decision leaves.
TEST_F(CommitTest, HappyPathMessageCount) {
  const Scenario s = Parse(R"({"name": "c1", "protocol": "2pc", "nodes": 4, "duration": "1s",
      "options": {"accounts": 3},
      "workload": {"clients": 1, "think": "0", "script": [{"read_all": true}]},
      "expect": {"facts": {"committed": 1}}})");
  const RunReport r = RunScenario(s, {});
  EXPECT_TRUE(r.pass) << Why(r);
  EXPECT_EQ(r.stats.messages_sent, 3u * 4 + 2);
}

// C-2: a participant that cannot vote yes (not enough money) aborts alone.
TEST_F(CommitTest, NoVoteAborts) {
  const Scenario s = Parse(R"({"name": "c2", "protocol": "2pc", "nodes": 3, "duration": "1s",
      "options": {"accounts": 2, "initial_balance": 5},
      "workload": {"clients": 1, "think": "0", "script": [{"from": 0, "to": 1, "amount": 50}]},
      "expect": {"facts": {"committed": 0, "aborted": 1}}})");
  const RunReport r = RunScenario(s, {});
  EXPECT_TRUE(r.pass) << Why(r);
}

TEST_F(CommitTest, CoordinatorCrashBlocksTwoPhaseCommit) {
  const RunReport r = RunScenario(Load("2pc_coordinator_crash_blocks.json"), {});
  EXPECT_TRUE(r.pass) << Why(r);
  EXPECT_GE(r.facts.at("blocked_ms_max").get<int>(), 900);
}

TEST_F(CommitTest, ThreePhaseCommitTerminatesWithoutTheCoordinator) {
  const RunReport r = RunScenario(Load("3pc_coordinator_crash.json"), {});
  EXPECT_TRUE(r.pass) << Why(r);
  EXPECT_LT(r.facts.at("blocked_ms_max").get<int>(), 200);
}

TEST_F(CommitTest, PartitionSplitsThreePhaseCommitAndBlocksTwoPhaseCommit) {
  const RunReport three = RunScenario(Load("3pc_partition_split.json"), {});
  EXPECT_TRUE(three.pass) << Why(three);
  EXPECT_FALSE(Find(three, "atomic_commit")->ok);
  EXPECT_THAT(Find(three, "atomic_commit")->detail, ::testing::HasSubstr("decided commit"));
  const RunReport two = RunScenario(Load("2pc_partition.json"), {});
  EXPECT_TRUE(two.pass) << Why(two);
  EXPECT_TRUE(Find(two, "atomic_commit")->ok);
  EXPECT_GE(two.facts.at("blocked_ms_max").get<int>(), 150);
}

TEST_F(CommitTest, CleanProtocolsSurviveTheirNemesis) {
  for (const char* f : {"2pc_nemesis.json", "3pc_crash_nemesis.json", "2pc_crash_heavy.json"}) {
    const Scenario s = Load(f);
    for (uint64_t seed = 1; seed <= 60; ++seed) {
      const RunReport r = RunScenario(s, {.seed = seed});
      ASSERT_TRUE(r.pass) << f << " seed " << seed << ": " << Why(r);
    }
  }
}

TEST_F(CommitTest, SameSeedSameRun) {
  const Scenario s = Load("2pc_nemesis.json");
  EXPECT_EQ(RunScenario(s, {.seed = 9}).trace_hash, RunScenario(s, {.seed = 9}).trace_hash);
}

}  // namespace
}  // namespace dsim
