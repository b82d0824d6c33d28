// ZooKeeper in dsim: the data tree's semantics, each check on observations
// that break it, and whole runs (election rules, determinism).
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "protocols/zab/tree.h"
#include "protocols/zab/observations.h"
#include "protocols/zab/zab_checks.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/time.h"
#include "tests/testing/fake_context.h"
#include "tests/testing/scenario_test_base.h"

namespace dsim::zab {
namespace {

using ::testing::HasSubstr;

Txn Create(const std::string& path, const std::string& data, int64_t session = 0, bool ephemeral = false,
           bool sequential = false) {
  Txn t;
  t.kind = Txn::kCreate;
  t.path = path;
  t.data = data;
  t.session = session;
  t.ephemeral = ephemeral;
  t.sequential = sequential;
  return t;
}

TEST(DataTree, SequentialNamesCountEveryChildCreation) {
  DataTree tree;
  tree.Apply(1, Create("/q", ""));
  const Txn a = tree.Prepare(Create("/q/x-", "a", 0, false, true));
  EXPECT_EQ(a.path, "/q/x-0000000000");
  tree.Apply(2, a);
  tree.Apply(3, Create("/q/other", ""));
  const Txn b = tree.Prepare(Create("/q/x-", "b", 0, false, true));
  EXPECT_EQ(b.path, "/q/x-0000000002");  // the parent's counter, not the count of x- nodes
}

TEST(DataTree, ErrorsAreTransactionsEveryServerAgreesOn) {
  DataTree tree;
  EXPECT_EQ(tree.Prepare(Create("/a/b", "")).err, Err::kNoNode);
  tree.Apply(1, Create("/a", "v"));
  EXPECT_EQ(tree.Prepare(Create("/a", "")).err, Err::kNodeExists);
  Txn set;
  set.kind = Txn::kSetData;
  set.path = "/a";
  set.version = 3;
  const Txn bad = tree.Prepare(set);
  EXPECT_EQ(bad.kind, Txn::kError);
  EXPECT_EQ(bad.err, Err::kBadVersion);
  set.version = 0;
  tree.Apply(2, tree.Prepare(set));
  Stat st;
  ASSERT_NE(tree.Data("/a", &st), nullptr);
  EXPECT_EQ(st.version, 1);
  EXPECT_EQ(st.czxid, 1);
  EXPECT_EQ(st.mzxid, 2);
}

TEST(DataTree, EphemeralsVanishWithTheirSession) {
  DataTree tree;
  Txn open;
  open.kind = Txn::kCreateSession;
  open.session = 7;
  tree.Apply(1, open);
  tree.Apply(2, Create("/lock", ""));
  tree.Apply(3, Create("/lock/c-0000000000", "", 7, true));
  EXPECT_EQ(tree.Prepare(Create("/lock/c-0000000000/child", "")).err, Err::kNoChildrenForEphemerals);
  Txn close;
  close.kind = Txn::kCloseSession;
  close.session = 7;
  const Applied a = tree.Apply(4, close);
  EXPECT_FALSE(tree.Exists("/lock/c-0000000000"));
  EXPECT_THAT(a.parents, ::testing::ElementsAre("/lock"));  // the child watch on /lock fires
  EXPECT_EQ(tree.Prepare(Create("/x", "", 7, true)).err, Err::kSessionExpired);
}

// A ZabLog with what each server delivered, as a run would fill it.
class ZabLogBuilder {
 public:
  void Broadcast(Zxid z, const std::string& path) {
    Txn t = Create(path, "");
    log.broadcasts.push_back({0, 1, z, log.values.Intern(Encode(t))});
  }
  void Deliver(NodeId s, Zxid z, const std::string& path, uint32_t sequence = 1, int64_t t_ns = 0) {
    Txn t = Create(path, "");
    log.deliveries.push_back({t_ns, s, 0, sequence, z, log.values.Intern(Encode(t))});
  }
  ZabLog log;
};

TEST(ZabChecks, HoldOnAConsistentRun) {
  ZabLogBuilder b;
  b.Broadcast(MakeZxid(1, 1), "/a");
  b.Broadcast(MakeZxid(1, 2), "/b");
  b.Deliver(1, MakeZxid(1, 1), "/a");
  b.Deliver(1, MakeZxid(1, 2), "/b");
  b.Deliver(2, MakeZxid(1, 1), "/a");
  b.log.establishments.push_back({0, 1, 1, 0});
  const ZabFindings z = CheckZab(b.log);
  EXPECT_TRUE(z.agreement.ok) << z.agreement.detail;
  EXPECT_TRUE(z.integrity.ok);
  EXPECT_TRUE(z.primary_order.ok);
  EXPECT_TRUE(z.primary_integrity.ok);
  EXPECT_EQ(z.committed.size(), 2u);
}

TEST(ZabChecks, DivergentDeliveriesBreakAgreement) {
  ZabLogBuilder b;
  b.Broadcast(MakeZxid(1, 1), "/a");
  b.Broadcast(MakeZxid(2, 1), "/b");
  b.Deliver(1, MakeZxid(1, 1), "/a");
  b.Deliver(2, MakeZxid(2, 1), "/b");
  const ZabFindings z = CheckZab(b.log);
  EXPECT_FALSE(z.agreement.ok);
  EXPECT_THAT(z.agreement.detail, HasSubstr("position 0"));
}

TEST(ZabChecks, UnbroadcastOrReorderedDeliveriesAreCaught) {
  ZabLogBuilder b;
  b.Broadcast(MakeZxid(1, 2), "/b");
  b.Deliver(1, MakeZxid(1, 2), "/b");
  b.Deliver(1, MakeZxid(1, 1), "/a");  // never broadcast, and out of order
  const ZabFindings z = CheckZab(b.log);
  EXPECT_FALSE(z.integrity.ok);
  EXPECT_FALSE(z.primary_order.ok);
}

TEST(ZabChecks, AnEstablishedLeaderMustHoldEarlierDeliveries) {
  ZabLogBuilder b;
  b.Broadcast(MakeZxid(1, 1), "/a");
  b.Broadcast(MakeZxid(1, 2), "/b");
  b.Deliver(1, MakeZxid(1, 1), "/a");
  b.Deliver(1, MakeZxid(1, 2), "/b");
  b.log.establishments.push_back({100, 2, 2, MakeZxid(1, 1)});  // epoch 2 without 0x100000002
  const ZabFindings z = CheckZab(b.log);
  EXPECT_FALSE(z.primary_integrity.ok);
  EXPECT_THAT(z.primary_integrity.detail, HasSubstr("n2 established epoch 2"));
}

TEST(ZabChecks, OneLeaderPerEpochAndEpochsOnlyGrow) {
  ZabLog log;
  log.establishments.push_back({0, 1, 3, 0});
  log.establishments.push_back({5, 2, 3, 0});
  log.epoch_writes.push_back({1, 1, true, 4});
  log.epoch_writes.push_back({2, 1, true, 3});
  const ZabFindings z = CheckZab(log);
  EXPECT_FALSE(z.one_leader_per_epoch.ok);
  EXPECT_FALSE(z.epoch_monotonic.ok);
  EXPECT_THAT(z.epoch_monotonic.detail, HasSubstr("acceptedEpoch 3 after 4"));
}

// What servers report is what the checks read; an epoch write whose sync a
// crash cut short never happened.
TEST(ZabObservations, CollectKeepsOnlyDurableEpochWrites) {
  testing::FakeContext ctx(/*id=*/1, /*num_servers=*/3);
  ctx.Observe(StateChanged{PeerState::kLeading});
  ctx.Observe(Established{4, MakeZxid(3, 7)});
  ctx.Observe(EpochSaved{true, 4});
  ctx.Advance(kMillisecond);
  ctx.Observe(EpochSaved{true, 3});
  ctx.Crash();  // at the instant of the second write
  const ZabLog log = CollectZabLog(*ctx.observations(), ctx);
  ASSERT_EQ(log.epoch_writes.size(), 1u);
  EXPECT_EQ(log.epoch_writes[0].epoch, 4u);
  ASSERT_EQ(log.establishments.size(), 1u);
  EXPECT_EQ(log.establishments[0].leader, 1);
  EXPECT_EQ(log.establishments[0].history_end, MakeZxid(3, 7));
  EXPECT_EQ(log.states.at(1), PeerState::kLeading);
  EXPECT_TRUE(CheckZab(log).epoch_monotonic.ok);
  // Had the sync completed, the epoch would have gone back.
  testing::FakeContext up(1, 3);
  up.Observe(EpochSaved{true, 4});
  up.Observe(EpochSaved{true, 3});
  EXPECT_FALSE(CheckZab(CollectZabLog(*up.observations(), up)).epoch_monotonic.ok);
}

// A hold ends when its client reports so; one never ended is open at the end.
TEST(ZabObservations, HoldsPairTheirStartAndEnd) {
  testing::FakeContext a(/*id=*/6, 3, /*num_nodes=*/8);
  a.Observe(HoldChanged{true, 5});
  a.Advance(100);
  a.Observe(HoldChanged{false, 0});
  a.Advance(100);
  a.Observe(HoldChanged{true, 9});
  a.Observe(ConfigPublished{3});
  a.Observe(ConfigPublished{4});
  const RecipeLog log = CollectRecipeLog(*a.observations());
  ASSERT_EQ(log.holds.size(), 2u);
  EXPECT_EQ(log.holds[0].client, 6);
  EXPECT_EQ(log.holds[0].token, 5);
  EXPECT_EQ(log.holds[0].end_ns - log.holds[0].start_ns, 100);
  EXPECT_EQ(log.holds[1].end_ns, -1);
  EXPECT_EQ(log.published, 4);
}

TEST(RecipeChecks, OverlappingHoldsAndStaleResourceWrites) {
  RecipeLog log;
  log.holds = {{6, 5, 100, 300}, {7, 9, 200, 400}};
  EXPECT_FALSE(CheckExclusiveHolds(log, "held the lock").ok);
  log.holds = {{6, 5, 100, 200}, {7, 9, 200, 400}};
  EXPECT_TRUE(CheckExclusiveHolds(log, "held the lock").ok);
  log.holds.push_back({6, 11, 350, -1});  // still holding at the end
  EXPECT_FALSE(CheckExclusiveHolds(log, "held the lock").ok);

  log.uses = {{1, 6, 5, true}, {2, 7, 9, true}, {3, 6, 5, true}};
  const Finding f = CheckResourceExclusive(log);
  EXPECT_FALSE(f.ok);
  EXPECT_THAT(f.detail, HasSubstr("two holders wrote interleaved"));
  log.uses[2].accepted = false;  // fenced
  EXPECT_TRUE(CheckResourceExclusive(log).ok);
}

TEST(RecipeChecks, TermsAreUniqueAndIncrease) {
  RecipeLog log;
  log.holds = {{6, 5, 100, 200}, {7, 9, 300, 400}};
  EXPECT_TRUE(CheckTerms(log).ok);
  log.holds.push_back({8, 9, 500, 600});  // term 9 again, by another client
  EXPECT_FALSE(CheckTerms(log).ok);
  log.holds = {{6, 9, 100, 200}, {7, 5, 300, 400}};  // a term going back
  EXPECT_FALSE(CheckTerms(log).ok);
}

TEST(RecipeChecks, QueueLossDuplicatesAndOrder) {
  History h;
  HistoryEvent e;
  e.type = OpType::kOk;
  e.f = "enqueue";
  e.value = Value::Int(5);
  h.push_back(e);
  e.value = Value::Int(6);
  h.push_back(e);
  e.f = "dequeue";
  e.value = Value::Int(5);
  h.push_back(e);
  h.push_back(e);  // taken twice
  std::vector<LogEntry> committed;
  committed.push_back({1, Create("/queue", "")});
  committed.push_back({2, Create("/queue/q-5-0000000000", "")});
  Txn del;
  del.kind = Txn::kDelete;
  del.path = "/queue/q-5-0000000000";
  // Item 6's create is missing: acknowledged but lost.
  committed.push_back({3, del});
  QueueFindings q = CheckQueue(h, committed);
  EXPECT_FALSE(q.no_loss.ok);
  EXPECT_FALSE(q.no_duplicate.ok);
  EXPECT_TRUE(q.fifo.ok);
  // Taking a later item first breaks FIFO.
  std::vector<LogEntry> out_of_order = {{1, Create("/queue", "")},
                                        {2, Create("/queue/q-5-0000000000", "")},
                                        {3, Create("/queue/q-6-0000000001", "")}};
  del.path = "/queue/q-6-0000000001";
  out_of_order.push_back({4, del});
  del.path = "/queue/q-5-0000000000";
  out_of_order.push_back({5, del});
  EXPECT_FALSE(CheckQueue({}, out_of_order).fifo.ok);
}

TEST(RecipeChecks, ConfigAndMembership) {
  RecipeLog log;
  log.seen = {{1, 7, 1}, {2, 7, 3}, {3, 8, 3}};
  EXPECT_TRUE(CheckConfigConverged(log, {7, 8}, 3).ok);
  EXPECT_FALSE(CheckConfigConverged(log, {7, 8, 9}, 3).ok);  // n9 never read it
  log.published = 4;
  EXPECT_FALSE(CheckConfigConverged(log, {7, 8}, 3).ok);  // an acknowledged version was lost
  EXPECT_TRUE(CheckConfigMonotonic(log).ok);
  log.seen.push_back({4, 7, 2});
  EXPECT_FALSE(CheckConfigMonotonic(log).ok);

  RecipeLog m;
  m.views = {{1, {"m6", "m7"}}, {2, {"m6"}}};
  EXPECT_TRUE(CheckMembership(m, {"m6"}, {"m6"}, {"m7"}).ok);
  EXPECT_FALSE(CheckMembership(m, {"m6", "m7"}, {"m6"}, {}).ok);   // the view is behind the group
  EXPECT_FALSE(CheckMembership(m, {"m6"}, {"m6", "m8"}, {}).ok);   // an alive member is missing
  EXPECT_FALSE(CheckMembership(RecipeLog{}, {}, {}, {}).ok);       // the monitor never listed
}

class ZabRunTest : public ScenarioTestBase {
 protected:
  ZabRunTest() : ScenarioTestBase("scenarios/zab") {}
};

TEST_F(ZabRunTest, ElectionRulesHoldOnEverySeed) {
  for (const char* f : {"startup_election.json", "partition_election.json", "epoch_before_zxid.json"}) {
    const Scenario s = Load(f);
    for (uint64_t seed = 1; seed <= 20; ++seed) {
      const RunReport r = RunScenario(s, {.seed = seed});
      ASSERT_TRUE(r.pass) << f << " seed " << seed << ": " << Why(r);
    }
  }
}

TEST_F(ZabRunTest, PlantedBugsAreCaught) {
  const Scenario s = Load("bugs/vote_ignores_epoch.json");
  const RunReport r = RunScenario(s, {.seed = 3});
  EXPECT_FALSE(r.pass);
  ASSERT_FALSE(r.violations().empty());
  EXPECT_EQ(r.violations()[0]->name, "progress");
}

// ZOOKEEPER-1675 under both sync modes: ZooKeeper's deposed leader answers
// a sync from its own state, stale; with "sync": "quorum" the sync is a
// no-op it cannot commit without the majority, so the stale reads never
// happen. The soak found the same story on kv_nemesis seed 1001025.
TEST_F(ZabRunTest, QuorumSyncClosesTheDeposedLeaderWindow) {
  std::ifstream in(std::string(DSIM_SOURCE_DIR) + "/scenarios/zab/zookeeper_1675.json");
  nlohmann::json j = nlohmann::json::parse(in);
  const Scenario leader = Parse(j.dump());
  j["options"]["sync"] = "quorum";
  j["expect"].erase("violations");
  const Scenario quorum = Parse(j.dump());
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const RunReport stale = RunScenario(leader, {.seed = seed});
    ASSERT_NE(Find(stale, "linearizable"), nullptr);
    EXPECT_FALSE(Find(stale, "linearizable")->ok) << "seed " << seed;
    const RunReport fresh = RunScenario(quorum, {.seed = seed});
    EXPECT_TRUE(fresh.pass) << "seed " << seed << ": " << Why(fresh);
    EXPECT_GT(fresh.facts.at("ops_ok").get<int64_t>(), 100) << "seed " << seed;
  }
  // The soak's seed, on the clean nemesis scenario (which syncs by quorum).
  const Scenario kv = Load("kv_nemesis.json");
  EXPECT_TRUE(RunScenario(kv, {.seed = 1001025}).pass);
  nlohmann::json k = nlohmann::json::parse(std::ifstream(std::string(DSIM_SOURCE_DIR) +
                                                         "/scenarios/zab/kv_nemesis.json"));
  k["options"]["sync"] = "leader";
  const RunReport deposed = RunScenario(Parse(k.dump()), {.seed = 1001025});
  ASSERT_NE(Find(deposed, "linearizable"), nullptr);
  EXPECT_FALSE(Find(deposed, "linearizable")->ok);
}

TEST_F(ZabRunTest, SameSeedSameRun) {
  for (const char* f : {"kv_nemesis.json", "lock_pause.json", "queue_leader_crash.json"}) {
    const Scenario s = Load(f);
    const RunReport a = RunScenario(s, {.seed = 17});
    const RunReport b = RunScenario(s, {.seed = 17});
    EXPECT_EQ(a.trace_hash, b.trace_hash) << f;
    EXPECT_NE(a.trace_hash, RunScenario(s, {.seed = 18}).trace_hash) << f;
  }
}

// With a network of latency 0, refused clients once reconnected at the same
// instant forever; attempts are now spaced, so the run ends and serves.
TEST_F(ZabRunTest, AZeroLatencyNetworkDoesNotLivelockTheClients) {
  absl::StatusOr<Scenario> s = ParseScenario(
      R"({"name": "z", "protocol": "zab", "nodes": 3, "duration": "1s", "network": {"latency": "0"},
          "workload": {"clients": 3, "think": "5ms"}})",
      "z.json", registry_);
  ASSERT_TRUE(s.ok()) << s.status();
  const RunReport r = RunScenario(*s, {.seed = 1});
  EXPECT_TRUE(r.pass) << Why(r);
  EXPECT_LT(r.stats.events, 2'000'000u);
  ASSERT_TRUE(r.facts.contains("ops_ok"));
  EXPECT_GT(r.facts.at("ops_ok").get<int64_t>(), 100);
}

TEST_F(ZabRunTest, BadRecipeKeysAreOneLineErrors) {
  absl::StatusOr<Scenario> s = ParseScenario(
      R"({"name": "x", "protocol": "zab", "nodes": 3, "duration": "1s", "workload": {"recipe": "locks"}})",
      "t.json", registry_);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("t.json: /workload/recipe"));
  s = ParseScenario(
      R"({"name": "x", "protocol": "zab", "nodes": 3, "duration": "1s",
          "workload": {"stop": "500ms", "resume": "400ms"}})",
      "t.json", registry_);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("resume"));
}

}  // namespace
}  // namespace dsim::zab
