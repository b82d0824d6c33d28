#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tests/testing/scenario_test_base.h"

namespace dsim {
namespace {

class HeartbeatTest : public ScenarioTestBase {
 protected:
  HeartbeatTest() : ScenarioTestBase("scenarios/heartbeat") {}
};

TEST_F(HeartbeatTest, PartitionProducesFalseSuspicionsAndCrashIsDetected) {
  const RunReport r = RunScenario(Load("partition.json"), {});
  EXPECT_TRUE(r.pass) << (r.unmet.empty() ? "" : r.unmet[0]);
  ASSERT_NE(Find(r, "no_false_suspicion"), nullptr);
  EXPECT_FALSE(Find(r, "no_false_suspicion")->ok);
  EXPECT_TRUE(Find(r, "crash_detected")->ok);
  // {1,2} | {3,4,5}: each side suspects every server of the other side once.
  EXPECT_EQ(r.facts.at("false_suspicions"), 12);
  EXPECT_EQ(r.facts.at("detected_crashes"), 4);  // n5's crash, seen by n1..n4
}

TEST_F(HeartbeatTest, SlowClockProducesFalseSuspicions) {
  const RunReport r = RunScenario(Load("clock_drift.json"), {});
  EXPECT_TRUE(r.pass) << (r.unmet.empty() ? "" : r.unmet[0]);
  EXPECT_FALSE(Find(r, "no_false_suspicion")->ok);
  EXPECT_THAT(Find(r, "no_false_suspicion")->detail, ::testing::HasSubstr("suspected n2"));
}

TEST_F(HeartbeatTest, NoClockDriftNoFalseSuspicion) {
  Scenario s = Load("clock_drift.json");
  s.faults.clear();
  s.expect = Expectations{};
  const RunReport r = RunScenario(s, {});
  EXPECT_TRUE(r.pass) << (r.unmet.empty() ? "" : r.unmet[0]);
  EXPECT_EQ(r.facts.at("suspicions"), 0);
}

TEST_F(HeartbeatTest, CrashesAreDetectedAndStepsAreHarmless) {
  const Scenario s = Load("crash_nemesis.json");
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const RunReport r = RunScenario(s, {.seed = seed});
    EXPECT_TRUE(r.pass) << "seed " << seed << ": " << (r.unmet.empty() ? "" : r.unmet[0]);
  }
}

TEST_F(HeartbeatTest, MissedCrashIsReported) {
  // A detection bound shorter than the timeout cannot be met.
  Scenario s = Load("partition.json");
  const std::string text = R"({"name": "m", "protocol": "heartbeat", "nodes": 3, "duration": "3s",
      "options": {"timeout": "500ms", "detection_bound": "100ms"},
      "faults": [{"at": "1s", "kind": "crash", "node": 3}]})";
  absl::StatusOr<Scenario> m = ParseScenario(text, "m.json", registry_);
  ASSERT_TRUE(m.ok()) << m.status();
  const RunReport r = RunScenario(*m, {});
  EXPECT_FALSE(r.pass);
  EXPECT_FALSE(Find(r, "crash_detected")->ok);
  EXPECT_EQ(r.facts.at("missed_crashes"), 2);
}

TEST_F(HeartbeatTest, PlantedWallClockBugIsFound) {
  const Scenario s = Load("bugs/wall_clock_timeout.json");
  int failing = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const RunReport r = RunScenario(s, {.seed = seed});
    if (!r.pass) {
      ++failing;
      // A forward step fakes silence, a backward one hides a real crash.
      EXPECT_TRUE(!Find(r, "no_false_suspicion")->ok || !Find(r, "crash_detected")->ok);
    }
  }
  EXPECT_GT(failing, 5);
}

}  // namespace
}  // namespace dsim
