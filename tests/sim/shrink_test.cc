#include "sim/shrink.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/fault_kinds.h"
#include "sim/runner.h"
#include "sim/scenario_edits.h"
#include "sim/scenario.h"
#include "sim/time.h"
#include "tests/testing/scenario_test_base.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;

class ShrinkTest : public ScenarioTestBase {
 protected:
  ShrinkTest() : ScenarioTestBase("scenarios") {}
};

// Every fault kind written as a plan line reads back to the same fault: the
// nemesis's choices survive the trip through a file.
TEST_F(ShrinkTest, EveryFaultKindWrittenReadsBack) {
  std::vector<Fault> faults = {
      {.at_ns = 10 * kMillisecond, .kind = Fault::Kind::kCrash, .node = 2, .lose_unsynced = false},
      {.at_ns = 20 * kMillisecond, .kind = Fault::Kind::kRestart, .node = 2},
      {.at_ns = 30 * kMillisecond, .kind = Fault::Kind::kPartition, .groups = {{1}, {2, 3}}},
      {.at_ns = 40 * kMillisecond, .kind = Fault::Kind::kHeal},
      {.at_ns = 50 * kMillisecond, .kind = Fault::Kind::kIsolate, .node = 3},
      {.at_ns = 60 * kMillisecond, .kind = Fault::Kind::kCut, .from = {1}, .to = {2, 3}},
      {.at_ns = 70 * kMillisecond, .kind = Fault::Kind::kBridge, .node = 2, .groups = {{1}, {3}}},
      {.at_ns = 80 * kMillisecond, .kind = Fault::Kind::kClockStep, .node = 1, .amount_ns = -1234567},
      {.at_ns = 90 * kMillisecond, .kind = Fault::Kind::kClockDrift, .node = 1, .drift_ppb = -150'000'000},
      {.at_ns = 100 * kMillisecond, .kind = Fault::Kind::kPause, .node = 3, .amount_ns = 333 * kMicrosecond},
      {.at_ns = 110 * kMillisecond, .kind = Fault::Kind::kLink, .from = {2}, .amount_ns = 5 * kMillisecond},
      {.at_ns = 120 * kMillisecond, .kind = Fault::Kind::kLink, .from = {1}, .to = {3}},
  };
  faults[10].link.latency = LatencyDist::Uniform(5 * kMillisecond, 50 * kMillisecond);
  faults[10].link.fifo = false;
  faults[11].link.loss = 0.123456789;
  faults[11].link.latency = LatencyDist::LongTail(kMillisecond, 2 * kMillisecond, 9 * kMillisecond);
  faults[11].link.duplicate = 0.5;
  std::set<Fault::Kind> kinds;
  nlohmann::json doc = {{"name", "t"}, {"protocol", "heartbeat"}, {"nodes", 3}, {"duration", "1s"}};
  for (const Fault& f : faults) {
    doc["faults"].push_back(FaultToJson(f));
    kinds.insert(f.kind);
  }
  EXPECT_EQ(kinds.size(), FaultKinds().size()) << "a kind is missing from this test";
  Scenario s = Parse(doc.dump());
  ASSERT_EQ(s.faults.size(), faults.size());
  for (size_t i = 0; i < faults.size(); ++i) {
    const Fault& a = faults[i];
    const Fault& b = s.faults[i];
    SCOPED_TRACE(doc["faults"][i].dump());
    EXPECT_EQ(a.at_ns, b.at_ns);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.lose_unsynced, b.lose_unsynced);
    EXPECT_EQ(a.groups, b.groups);
    EXPECT_EQ(a.from, b.from);
    EXPECT_EQ(a.to, b.to);
    EXPECT_EQ(a.amount_ns, b.amount_ns);
    EXPECT_EQ(a.drift_ppb, b.drift_ppb);
    if (a.kind != Fault::Kind::kHeal && a.kind != Fault::Kind::kPartition && a.kind != Fault::Kind::kCut &&
        a.kind != Fault::Kind::kLink) {
      EXPECT_EQ(a.node, b.node);
    }
    EXPECT_EQ(a.link.latency.has_value(), b.link.latency.has_value());
    if (a.link.latency && b.link.latency) {
      EXPECT_EQ(a.link.latency->ToString(), b.link.latency->ToString());
    }
    EXPECT_EQ(a.link.loss, b.link.loss);
    EXPECT_EQ(a.link.duplicate, b.link.duplicate);
    EXPECT_EQ(a.link.fifo, b.link.fifo);
  }
}

// A fault and its end form one episode; dropping a crash takes the restart
// that would no longer follow one.
TEST_F(ShrinkTest, PlanEditsKeepTheScenarioLoadable) {
  nlohmann::json doc = nlohmann::json::parse(R"({"name": "t", "protocol": "heartbeat", "nodes": 3, "duration": "1s",
      "faults": [{"at": "10ms", "kind": "crash", "node": 2}, {"at": "20ms", "kind": "isolate", "node": 1},
                 {"at": "30ms", "kind": "restart", "node": 2}, {"at": "40ms", "kind": "heal"},
                 {"at": "50ms", "kind": "pause", "node": 3, "for": "5ms"}]})");
  const std::vector<nlohmann::json> plan = FaultsOf(doc);
  const std::vector<std::vector<size_t>> episodes = Episodes(plan);
  ASSERT_EQ(episodes.size(), 3u);
  EXPECT_EQ(episodes[0], (std::vector<size_t>{0, 2}));
  EXPECT_EQ(episodes[1], (std::vector<size_t>{1, 3}));
  EXPECT_EQ(episodes[2], (std::vector<size_t>{4}));
  std::vector<nlohmann::json> orphaned = plan;
  orphaned.erase(orphaned.begin());  // the crash, not its restart
  SetFaults(doc, orphaned);
  EXPECT_EQ(FaultsOf(doc).size(), 3u) << doc.dump();
  Parse(doc.dump());
  SetFaults(doc, {});
  EXPECT_FALSE(doc.contains("faults"));

  // Without server 3: its pause goes, the rest stay; the doc still loads.
  doc["faults"] = plan;
  const nlohmann::json two = WithoutServers(doc, 2);
  EXPECT_EQ(two["nodes"], 2);
  EXPECT_EQ(FaultsOf(two).size(), 4u) << two.dump();
  Parse(two.dump());
  // Without server 2: its crash and restart go.
  const nlohmann::json one = WithoutServers(doc, 1);
  for (const nlohmann::json& f : FaultsOf(one)) EXPECT_NE(f.value("node", 0), 2) << f.dump();
}

// A run records every fault it applied, the nemesis's too, as data.
TEST_F(ShrinkTest, RunsRecordTheFaultsTheNemesisApplied) {
  Scenario s = Load("zab/bugs/ack_before_persist.json");
  RunReport r = RunScenario(s, {.seed = 153});
  ASSERT_FALSE(r.applied_faults.empty());
  size_t logged = 0;
  for (const FaultRecord& f : r.faults) logged += f.what.rfind("nemesis stopped", 0) == 0 ? 0 : 1;
  EXPECT_EQ(r.applied_faults.size(), logged);
  for (size_t i = 1; i < r.applied_faults.size(); ++i) {
    EXPECT_LE(r.applied_faults[i - 1].at_ns, r.applied_faults[i].at_ns);
  }
}

// A planted bug's recorded seed shrinks to a few faults that still fail the
// same check, in a file that replays it; shrinking again gives the same file.
TEST_F(ShrinkTest, PlantedBugShrinksToAFewFaultsAndReplays) {
  Scenario s = Load("zab/bugs/ack_before_persist.json");
  absl::StatusOr<ShrinkResult> r = Shrink(s, registry_, {.seed = 153, .max_runs = 300});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->check, "agreement");
  EXPECT_TRUE(r->explicit_plan);
  EXPECT_LE(r->after.faults, 5u);
  EXPECT_LT(r->after.faults, r->before.faults);
  EXPECT_LT(r->after.events, r->before.events);
  EXPECT_LE(r->after.duration_ns, r->before.duration_ns);
  EXPECT_LE(r->runs, 300);
  EXPECT_FALSE(r->steps.empty());
  EXPECT_EQ(r->scenario["seed"], 153);
  EXPECT_FALSE(r->scenario.contains("nemesis"));

  // The file stands alone: it fails agreement and meets its own expect.
  Scenario shrunk = Parse(r->scenario.dump());
  RunReport replay = RunScenario(shrunk, {});
  EXPECT_TRUE(replay.pass) << Why(replay);
  const CheckResult* agreement = Find(replay, "agreement");
  ASSERT_NE(agreement, nullptr);
  EXPECT_FALSE(agreement->ok);

  absl::StatusOr<ShrinkResult> again = Shrink(s, registry_, {.seed = 153, .max_runs = 300});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->scenario.dump(), r->scenario.dump());
  EXPECT_EQ(again->runs, r->runs);
}

// The budget of runs is a hard bound; what is returned still fails.
TEST_F(ShrinkTest, StopsAtItsBudget) {
  Scenario s = Load("zab/bugs/ack_before_persist.json");
  absl::StatusOr<ShrinkResult> r = Shrink(s, registry_, {.seed = 153, .max_runs = 6});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->exhausted);
  EXPECT_LE(r->runs, 6);
  RunReport replay = RunScenario(Parse(r->scenario.dump()), {});
  EXPECT_TRUE(replay.pass) << Why(replay);
}

TEST_F(ShrinkTest, SeedThatDoesNotFailIsAnError) {
  Scenario clean = Load("zab/crash_slow_disk.json");
  absl::StatusOr<ShrinkResult> r = Shrink(clean, registry_, {.seed = 1, .max_runs = 10});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("fails no check"));

  Scenario bug = Load("zab/bugs/ack_before_persist.json");
  r = Shrink(bug, registry_, {.seed = 153, .check = "integrity", .max_runs = 10});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("does not fail integrity"));
  r = Shrink(bug, registry_, {.seed = 153, .check = "no_such_check", .max_runs = 10});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("runs no check \"no_such_check\""));
}

}  // namespace
}  // namespace dsim
