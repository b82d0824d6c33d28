// The non-linearizability checkers, each on inputs that hold and that break it.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/check/atomic_commit.h"
#include "sim/check/broadcast.h"
#include "sim/check/consensus.h"
#include "sim/check/convergence.h"
#include "sim/check/sequential.h"
#include "tests/check/test_histories.h"

namespace dsim {
namespace {

using namespace dsim::testing;  // NOLINT
using ::testing::HasSubstr;

TEST(Consensus, HoldsAndBreaks) {
  const std::set<std::string> proposed = {"a", "b"};
  ConsensusReport ok = CheckConsensus({{1, 1, 0, 1, "a"}, {2, 2, 0, 1, "a"}, {3, 3, 0, 2, "b"}}, proposed);
  EXPECT_TRUE(ok.agreement.ok && ok.validity.ok && ok.integrity.ok);
  EXPECT_EQ(ok.slots_decided, 2);
  ConsensusReport split = CheckConsensus({{1, 1, 0, 1, "a"}, {2, 2, 0, 1, "b"}}, proposed);
  EXPECT_FALSE(split.agreement.ok);
  EXPECT_THAT(split.agreement.detail, HasSubstr("slot 1"));
  ConsensusReport invented = CheckConsensus({{1, 1, 0, 1, "zz"}}, proposed);
  EXPECT_FALSE(invented.validity.ok);
  EXPECT_TRUE(CheckConsensus({{1, 1, 0, 1, "noop"}}, proposed, "noop").validity.ok);
  ConsensusReport twice = CheckConsensus({{1, 1, 0, 1, "a"}, {2, 1, 0, 1, "a"}}, proposed);
  EXPECT_FALSE(twice.integrity.ok);
  // Re-learning the same value after a restart is fine; a different one is not.
  EXPECT_TRUE(CheckConsensus({{1, 1, 0, 1, "a"}, {2, 1, 1, 1, "a"}}, proposed).integrity.ok);
  EXPECT_FALSE(CheckConsensus({{1, 1, 0, 1, "a"}, {2, 1, 1, 1, "b"}}, proposed).integrity.ok);
}

TEST(OrderedBroadcast, HoldsAndBreaks) {
  const std::vector<Delivered> sent = {{0x100000001, "a"}, {0x100000002, "b"}, {0x200000001, "c"}};
  BroadcastReport ok = CheckOrderedBroadcast(
      {{"n1", {{0x100000001, "a"}, {0x100000002, "b"}, {0x200000001, "c"}}},
       {"n2", {{0x100000001, "a"}}}},
      sent);
  EXPECT_TRUE(ok.prefix_order.ok && ok.integrity.ok && ok.no_duplicates.ok && ok.primary_order.ok);
  BroadcastReport gap = CheckOrderedBroadcast(
      {{"n1", {{0x100000001, "a"}, {0x100000002, "b"}}}, {"n2", {{0x100000001, "a"}, {0x200000001, "c"}}}},
      sent);
  EXPECT_FALSE(gap.prefix_order.ok);
  BroadcastReport forged = CheckOrderedBroadcast({{"n1", {{0x100000001, "x"}}}}, sent);
  EXPECT_FALSE(forged.integrity.ok);
  BroadcastReport dup = CheckOrderedBroadcast({{"n1", {{0x100000001, "a"}, {0x100000001, "a"}}}}, sent);
  EXPECT_FALSE(dup.no_duplicates.ok);
  BroadcastReport order = CheckOrderedBroadcast({{"n1", {{0x200000001, "c"}, {0x100000002, "b"}}}}, sent);
  EXPECT_FALSE(order.primary_order.ok);
  BroadcastReport twice = CheckOrderedBroadcast({}, {{0x100000001, "a"}, {0x100000001, "z"}});
  EXPECT_FALSE(twice.integrity.ok);
  EXPECT_EQ(FormatZxid(0x100000007), "0x100000007");
}

TEST(AtomicCommit, HoldsAndBreaks) {
  const std::map<std::string, std::set<int32_t>> parts = {{"t1", {1, 2}}};
  const std::vector<Vote> yes = {{1, 1, "t1", true}, {2, 2, "t1", true}};
  AtomicCommitReport ok = CheckAtomicCommit(parts, yes, {{5, 0, "t1", true}, {6, 1, "t1", true}});
  EXPECT_TRUE(ok.agreement.ok && ok.no_reversal.ok && ok.unanimity.ok);
  EXPECT_EQ(ok.committed, 1);
  AtomicCommitReport split = CheckAtomicCommit(parts, yes, {{5, 1, "t1", true}, {6, 2, "t1", false}});
  EXPECT_FALSE(split.agreement.ok);
  AtomicCommitReport reversed = CheckAtomicCommit(parts, yes, {{5, 1, "t1", false}, {9, 1, "t1", true}});
  EXPECT_FALSE(reversed.no_reversal.ok);
  AtomicCommitReport early = CheckAtomicCommit(parts, {{1, 1, "t1", true}, {9, 2, "t1", true}},
                                               {{5, 0, "t1", true}});
  EXPECT_FALSE(early.unanimity.ok);
  AtomicCommitReport no_vote = CheckAtomicCommit(parts, {{1, 1, "t1", true}, {2, 2, "t1", false}},
                                                 {{5, 0, "t1", true}});
  EXPECT_FALSE(no_vote.unanimity.ok);
}

TEST(MoneyConserved, HoldsAndBreaks) {
  EXPECT_TRUE(CheckMoneyConserved({{1, {50, 50}}, {2, {30, 70}}}, 100).ok);
  EXPECT_FALSE(CheckMoneyConserved({{1, {50, 60}}}, 100).ok);
  const Finding negative = CheckMoneyConserved({{1, {-10, 110}}}, 100);
  EXPECT_FALSE(negative.ok);
  EXPECT_THAT(negative.detail, HasSubstr("holds -10"));
}

TEST(SequentialConsistency, StaleReadIsSequentialButNotLinearizable) {
  // Process 2 reads the old value after process 1's write completed: not
  // linearizable, but sequentially consistent (order: read, then write).
  const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)), Inv(2, "read"), Ok(2, "read", I(0))};
  auto m = MakeModel("register", {.init = I(0)});
  auto ops = PrepareOperations(h, **m, "h");
  ASSERT_TRUE(ops.ok());
  EXPECT_EQ(CheckOperations(*ops, **m, {}).verdict, Verdict::kNotLinearizable);
  EXPECT_TRUE(CheckSequentialConsistency(*ops, **m, {}).consistent());
}

TEST(SequentialConsistency, ProgramOrderStillCounts) {
  // One process reads 1 then 0: no order keeps its own order.
  const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)),
                     Inv(2, "read"), Ok(2, "read", I(1)), Inv(2, "read"), Ok(2, "read", I(0))};
  auto m = MakeModel("register", {.init = I(0)});
  auto ops = PrepareOperations(h, **m, "h");
  const SequentialResult r = CheckSequentialConsistency(*ops, **m, {});
  EXPECT_FALSE(r.consistent());
  EXPECT_THAT(r.detail, HasSubstr("no order keeps every process's order"));
}

TEST(SequentialConsistency, IsNotLocalSoKeysAreCheckedTogether) {
  // Each key alone is fine, but p1 sees x new then y old while p2 sees y
  // new then x old: no single order explains both.
  const History h = {Inv(1, "write", I(1), "x"), Ok(1, "write", I(1), "x"),
                     Inv(1, "read", Nil(), "y"), Ok(1, "read", I(0), "y"),
                     Inv(2, "write", I(1), "y"), Ok(2, "write", I(1), "y"),
                     Inv(2, "read", Nil(), "x"), Ok(2, "read", I(0), "x")};
  auto m = MakeModel("register", {.init = I(0)});
  auto ops = PrepareOperations(h, **m, "h");
  EXPECT_FALSE(CheckSequentialConsistency(*ops, **m, {}).consistent());
}

TEST(SequentialConsistency, AnUnknownWriteMayNeverHaveHappened) {
  // p1's write timed out; p1 (the same session, in order) and p2 then read
  // the old value. Consistent only if the write can be left out.
  const History h = {Inv(1, "write", I(1)), Info(1, "write", I(1)),
                     Inv(1, "read"), Ok(1, "read", I(0)), Inv(2, "read"), Ok(2, "read", I(0))};
  auto m = MakeModel("register", {.init = I(0)});
  auto ops = PrepareOperations(h, **m, "h");
  ASSERT_TRUE(ops.ok());
  EXPECT_TRUE(CheckSequentialConsistency(*ops, **m, {}).consistent());
}

TEST(SequentialConsistency, AnUnknownWriteTakesEffectInItsPlaceOrNotAtAll) {
  // p1 reads its timed-out write, then the old value again: the write
  // cannot have happened both before and after the second read.
  const History h = {Inv(1, "write", I(1)), Info(1, "write", I(1)),
                     Inv(1, "read"), Ok(1, "read", I(1)), Inv(1, "read"), Ok(1, "read", I(0))};
  auto m = MakeModel("register", {.init = I(0)});
  auto ops = PrepareOperations(h, **m, "h");
  ASSERT_TRUE(ops.ok());
  EXPECT_FALSE(CheckSequentialConsistency(*ops, **m, {}).consistent());
  // Another process may still see it take effect.
  const History seen = {Inv(1, "write", I(1)), Info(1, "write", I(1)), Inv(2, "read"), Ok(2, "read", I(1))};
  auto ops2 = PrepareOperations(seen, **m, "h");
  ASSERT_TRUE(ops2.ok());
  EXPECT_TRUE(CheckSequentialConsistency(*ops2, **m, {}).consistent());
}

TEST(SequentialConsistency, AWriteOfTheCurrentValueStillChangesStateLater) {
  // Order: p2 writes 1, p3 reads 1, p1 writes 0, p3 reads 0. p1's write is
  // a no-op at the start but not where it must go; it may not be hurried.
  const History h = {Inv(1, "write", I(0)), Ok(1, "write", I(0)), Inv(2, "write", I(1)), Ok(2, "write", I(1)),
                     Inv(3, "read"), Ok(3, "read", I(1)), Inv(3, "read"), Ok(3, "read", I(0))};
  auto m = MakeModel("register", {.init = I(0)});
  auto ops = PrepareOperations(h, **m, "h");
  ASSERT_TRUE(ops.ok());
  EXPECT_TRUE(CheckSequentialConsistency(*ops, **m, {}).consistent());
}

TEST(SequentialConsistency, ALaggingReaderIsAStraightWalk) {
  // Two writers run far ahead; a reader sees each of their values late, in
  // commit order. Reads go first whenever they are legal, so the search
  // does not wander: a small step budget is enough.
  History h;
  std::vector<int64_t> committed;
  for (int i = 1; i <= 400; ++i) {
    const int32_t p = 1 + i % 2;
    h.push_back(Inv(p, "write", I(i)));
    h.push_back(Ok(p, "write", I(i)));
    committed.push_back(i);
  }
  for (int64_t v : committed) {
    h.push_back(Inv(3, "read"));
    h.push_back(Ok(3, "read", I(v)));
  }
  auto m = MakeModel("register", {.init = I(0)});
  auto ops = PrepareOperations(h, **m, "h");
  ASSERT_TRUE(ops.ok());
  CheckBudget budget;
  budget.max_steps = 100'000;
  EXPECT_TRUE(CheckSequentialConsistency(*ops, **m, budget).consistent());
}

TEST(Convergence, MeasuresTheTimeAfterTheHeal) {
  const std::vector<StateChange> changes = {{0, 1, 7}, {0, 2, 7}, {100, 1, 8}, {150, 2, 8}};
  ConvergenceReport ok = CheckConvergence(changes, {1, 2}, 120, 100);
  EXPECT_TRUE(ok.converged.ok);
  EXPECT_EQ(ok.converged_at_ns, 150);
  ConvergenceReport slow = CheckConvergence(changes, {1, 2}, 20, 100);
  EXPECT_FALSE(slow.converged.ok);
  ConvergenceReport never = CheckConvergence({{0, 1, 1}, {0, 2, 2}}, {1, 2}, 0, 100);
  EXPECT_FALSE(never.converged.ok);
  EXPECT_EQ(never.converged_at_ns, -1);
}

TEST(Availability, PerSideShareWithADeadline) {
  History h;
  auto at = [](HistoryEvent e, int64_t t) {
    e.time_ns = t;
    return e;
  };
  h.push_back(at(Inv(1, "read"), 10));   // majority side, answered in time
  h.push_back(at(Ok(1, "read", I(1)), 20));
  h.push_back(at(Inv(2, "write", I(1)), 10));  // minority side, timed out
  h.push_back(at(Info(2, "write", I(1)), 500));
  h.push_back(at(Inv(1, "write", I(2)), 30));  // majority, too late
  h.push_back(at(Ok(1, "write", I(2)), 300));
  h.push_back(at(Inv(3, "read"), 5000));  // after the episode: not counted
  h.push_back(at(Ok(3, "read", I(1)), 5001));
  AvailabilityInput in;
  in.start_ns = 0;
  in.end_ns = 1000;
  in.deadline_ns = 100;
  in.side_of = [](const HistoryEvent& e) { return e.process == 2 ? std::string("minority") : std::string("majority"); };
  in.is_read = [](const std::string& f) { return f == "read"; };
  const std::vector<SideAvailability> sides = MeasureAvailability(h, in);
  ASSERT_EQ(sides.size(), 2u);
  EXPECT_EQ(sides[0].side, "majority");
  EXPECT_EQ(sides[0].requests, 2);
  EXPECT_EQ(sides[0].ok, 1);
  EXPECT_EQ(sides[0].reads_ok, 1);
  EXPECT_EQ(sides[0].writes_ok, 0);
  EXPECT_DOUBLE_EQ(sides[0].share(), 0.5);
  EXPECT_EQ(sides[1].side, "minority");
  EXPECT_DOUBLE_EQ(sides[1].share(), 0.0);
}

}  // namespace
}  // namespace dsim
