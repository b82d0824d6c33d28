#include "sim/check/linearizability.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/check/model.h"
#include "sim/check/search_support.h"
#include "tests/check/test_histories.h"

namespace dsim {
namespace {

using namespace dsim::testing;  // NOLINT
using ::testing::HasSubstr;

Verdict Check(const History& h, const std::string& model_name, ModelOptions o = {}) {
  auto m = MakeModel(model_name, o);
  EXPECT_TRUE(m.ok());
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h, **m, {});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->verdict : Verdict::kUnknown;
}

// The examples of shared/docs/protocols.md 4.1.
TEST(Linearizability, StaleReadAfterCompletedWriteIsAViolation) {
  const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)), Inv(2, "read"), Ok(2, "read", I(0))};
  EXPECT_EQ(Check(h, "register", {.init = I(0)}), Verdict::kNotLinearizable);
}

TEST(Linearizability, OnlyATimedOutWriteCanExplainTheReads) {
  // w(1) timed out; reads 0, 1, 1: it took effect between the first two reads.
  const History h = {Inv(1, "write", I(1)), Info(1, "write", I(1)),
                     Inv(2, "read"), Ok(2, "read", I(0)),
                     Inv(2, "read"), Ok(2, "read", I(1)),
                     Inv(2, "read"), Ok(2, "read", I(1))};
  EXPECT_EQ(Check(h, "register", {.init = I(0)}), Verdict::kLinearizable);
  // Without the timed-out write nothing explains the 1s.
  const History without(h.begin() + 2, h.end());
  EXPECT_EQ(Check(without, "register", {.init = I(0)}), Verdict::kNotLinearizable);
}

TEST(Linearizability, ReadsOneThenZeroIsAViolationEvenWithAnUnknownWrite) {
  const History h = {Inv(1, "write", I(1)), Info(1, "write", I(1)),
                     Inv(2, "read"), Ok(2, "read", I(1)),
                     Inv(2, "read"), Ok(2, "read", I(0))};
  EXPECT_EQ(Check(h, "register", {.init = I(0)}), Verdict::kNotLinearizable);
}

TEST(Linearizability, FailedOperationsDidNotHappen) {
  // A failed write of 5 cannot explain a read of 5.
  const History h = {Inv(1, "write", I(5)), Fail(1, "write", I(5)), Inv(2, "read"), Ok(2, "read", I(5))};
  EXPECT_EQ(Check(h, "register"), Verdict::kNotLinearizable);
  const History ok = {Inv(1, "write", I(5)), Fail(1, "write", I(5)), Inv(2, "read"), Ok(2, "read", Nil())};
  EXPECT_EQ(Check(ok, "register"), Verdict::kLinearizable);
}

TEST(Linearizability, AFailedCasIsAnObservationWhenTheRuleSaysSo) {
  const Value cas12 = Value::List({I(1), I(2)});
  // write 1 ok; then cas [1 2] fails: the register was 1 throughout.
  const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)), Inv(1, "cas", cas12), Fail(1, "cas", cas12)};
  EXPECT_EQ(Check(h, "cas-register"), Verdict::kLinearizable) << "dropped: it did not happen";
  EXPECT_EQ(Check(h, "cas-register", {.failed_cas_observed = true}), Verdict::kNotLinearizable)
      << "observed: it saw a value other than 1, which no state allows";
  // A concurrent write of 3 lets the failed cas see 3: linearizable either way.
  const History racing = {Inv(1, "write", I(1)),       Ok(1, "write", I(1)),   Inv(2, "write", I(3)),
                          Inv(1, "cas", cas12),        Fail(1, "cas", cas12), Ok(2, "write", I(3))};
  EXPECT_EQ(Check(racing, "cas-register", {.failed_cas_observed = true}), Verdict::kLinearizable);
  // And it changed nothing: a later read of 2 is still impossible.
  History after = racing;
  after.push_back(Inv(3, "read"));
  after.push_back(Ok(3, "read", I(2)));
  EXPECT_EQ(Check(after, "cas-register", {.failed_cas_observed = true}), Verdict::kNotLinearizable);
}

TEST(Linearizability, ConcurrentOperationsMayTakeEitherOrder) {
  // Two overlapping writes; a later read sees either.
  for (int seen : {1, 2}) {
    const History h = {Inv(1, "write", I(1)), Inv(2, "write", I(2)), Ok(1, "write", I(1)),
                       Ok(2, "write", I(2)), Inv(3, "read"), Ok(3, "read", I(seen))};
    EXPECT_EQ(Check(h, "register"), Verdict::kLinearizable) << seen;
  }
  const History h = {Inv(1, "write", I(1)), Inv(2, "write", I(2)), Ok(1, "write", I(1)),
                     Ok(2, "write", I(2)), Inv(3, "read"), Ok(3, "read", I(3))};
  EXPECT_EQ(Check(h, "register"), Verdict::kNotLinearizable);
}

TEST(Linearizability, NilReadSemantics) {
  // dsim: a nil read means the register was nil.
  const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)), Inv(2, "read"), Ok(2, "read", Nil())};
  EXPECT_EQ(Check(h, "register"), Verdict::kNotLinearizable);
  // Knossos: a nil read says nothing.
  EXPECT_EQ(Check(h, "register", {.init = I(0), .nil_read_unknown = true}), Verdict::kLinearizable);
}

TEST(Linearizability, CasRegister) {
  const History ok = {Inv(1, "write", I(1)), Ok(1, "write", I(1)),
                      Inv(2, "cas", L({I(1), I(2)})), Ok(2, "cas", L({I(1), I(2)})),
                      Inv(3, "read"), Ok(3, "read", I(2))};
  EXPECT_EQ(Check(ok, "cas-register"), Verdict::kLinearizable);
  const History bad = {Inv(1, "write", I(1)), Ok(1, "write", I(1)),
                       Inv(2, "cas", L({I(3), I(2)})), Ok(2, "cas", L({I(3), I(2)}))};
  EXPECT_EQ(Check(bad, "cas-register"), Verdict::kNotLinearizable);
  // An unknown cas may or may not have happened.
  for (int seen : {1, 2}) {
    const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)),
                       Inv(2, "cas", L({I(1), I(2)})), Info(2, "cas", L({I(1), I(2)})),
                       Inv(3, "read"), Ok(3, "read", I(seen))};
    EXPECT_EQ(Check(h, "cas-register"), Verdict::kLinearizable) << seen;
  }
}

TEST(Linearizability, RegisterRejectsCas) {
  auto m = MakeModel("register", {});
  const History h = {Inv(1, "cas", L({I(1), I(2)})), Ok(1, "cas", L({I(1), I(2)}))};
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h, **m, {}, "h.edn");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("no operation \"cas\""));
}

TEST(Linearizability, KvSplitsByKey) {
  const History ok = {Inv(1, "put", S("a"), "x"), Ok(1, "put", S("a"), "x"),
                      Inv(1, "append", S("b"), "x"), Ok(1, "append", S("b"), "x"),
                      Inv(2, "get", Nil(), "x"), Ok(2, "get", S("ab"), "x"),
                      Inv(2, "get", Nil(), "y"), Ok(2, "get", S(""), "y")};
  auto m = MakeModel("kv", {});
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(ok, **m, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kLinearizable);
  EXPECT_EQ(r->partitions, 2u);
  const History bad = {Inv(1, "append", S("a"), "x"), Ok(1, "append", S("a"), "x"),
                       Inv(1, "append", S("b"), "x"), Ok(1, "append", S("b"), "x"),
                       Inv(2, "get", Nil(), "x"), Ok(2, "get", S("ba"), "x")};
  EXPECT_EQ(Check(bad, "kv"), Verdict::kNotLinearizable);
  const History concurrent = {Inv(1, "append", S("a"), "x"), Inv(3, "append", S("b"), "x"),
                              Ok(1, "append", S("a"), "x"), Ok(3, "append", S("b"), "x"),
                              Inv(2, "get", Nil(), "x"), Ok(2, "get", S("ba"), "x")};
  EXPECT_EQ(Check(concurrent, "kv"), Verdict::kLinearizable);
}

TEST(Linearizability, MultiRegisterTransactions) {
  ModelOptions o{.init = I(0), .nil_read_unknown = true};
  const Value wr = L({L({S(":write"), S(":x"), I(1)}), L({S(":write"), S(":y"), I(1)})});
  const History ok = {Inv(1, "txn", wr), Ok(1, "txn", wr),
                      Inv(2, "txn", L({L({S(":read"), S(":x"), Nil()}), L({S(":read"), S(":y"), Nil()})})),
                      Ok(2, "txn", L({L({S(":read"), S(":x"), I(1)}), L({S(":read"), S(":y"), I(1)})}))};
  EXPECT_EQ(Check(ok, "multi-register", o), Verdict::kLinearizable);
  // A torn read: x written, y not, although one transaction wrote both.
  const History torn = {Inv(1, "txn", wr), Ok(1, "txn", wr),
                        Inv(2, "txn", L({L({S(":read"), S(":x"), Nil()}), L({S(":read"), S(":y"), Nil()})})),
                        Ok(2, "txn", L({L({S(":read"), S(":x"), I(1)}), L({S(":read"), S(":y"), I(0)})}))};
  EXPECT_EQ(Check(torn, "multi-register", o), Verdict::kNotLinearizable);
}

TEST(Linearizability, Mutex) {
  const History ok = {Inv(1, "acquire"), Ok(1, "acquire"), Inv(1, "release"), Ok(1, "release"),
                      Inv(2, "acquire"), Ok(2, "acquire")};
  EXPECT_EQ(Check(ok, "mutex"), Verdict::kLinearizable);
  const History twice = {Inv(1, "acquire"), Ok(1, "acquire"), Inv(2, "acquire"), Ok(2, "acquire")};
  EXPECT_EQ(Check(twice, "mutex"), Verdict::kNotLinearizable);
  // An acquire that timed out may have taken the lock: a later acquire by
  // someone else is explained only if it did not.
  const History unknown = {Inv(1, "acquire"), Info(1, "acquire"), Inv(2, "acquire"), Ok(2, "acquire")};
  EXPECT_EQ(Check(unknown, "mutex"), Verdict::kLinearizable);
}

TEST(Linearizability, WitnessIsTheShortestPrefix) {
  const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)),   // 0, 1
                     Inv(2, "read"), Ok(2, "read", I(1)),           // 2, 3
                     Inv(3, "write", I(2)), Inv(2, "read"),         // 4, 5
                     Ok(2, "read", I(7)),                           // 6: impossible
                     Ok(3, "write", I(2)),                          // 7
                     Inv(2, "read"), Ok(2, "read", I(9))};          // 8, 9: also impossible
  auto m = MakeModel("register", {});
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h, **m, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->verdict, Verdict::kNotLinearizable);
  ASSERT_TRUE(r->witness);
  EXPECT_EQ(r->witness->prefix_events, 7);  // events 0..6
  EXPECT_EQ(r->witness->blocked.op.f, "read");
  EXPECT_EQ(r->witness->blocked.op.output, I(7));
  EXPECT_THAT(r->witness->states, ::testing::UnorderedElementsAre("1", "2"));
  ASSERT_EQ(r->witness->concurrent.size(), 1u);  // the write of 2 was pending
  EXPECT_EQ(r->witness->concurrent[0].op.input, I(2));
  EXPECT_THAT(r->witness->ToText(), HasSubstr("events 0..6"));
  EXPECT_EQ(r->witness->ToJson()["prefix_events"], 7);
}

TEST(Linearizability, BudgetGivesUnknownNeverAWrongAnswer) {
  // Many concurrent writes and a read nothing explains: the search must try
  // every order before saying no.
  History h;
  for (int p = 1; p <= 14; ++p) h.push_back(Inv(p, "write", I(p)));
  for (int p = 1; p <= 14; ++p) h.push_back(Ok(p, "write", I(p)));
  h.push_back(Inv(99, "read"));
  h.push_back(Ok(99, "read", I(77)));
  auto m = MakeModel("register", {});
  CheckBudget tiny;
  tiny.max_steps = 2000;
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h, **m, tiny);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->verdict, Verdict::kLinearizable);
  CheckBudget expired;
  expired.expired = [] { return true; };
  r = CheckLinearizability(h, **m, expired);
  EXPECT_EQ(r->verdict, Verdict::kUnknown);
  EXPECT_THAT(r->unknown_reason, HasSubstr("time budget"));
  r = CheckLinearizability(h, **m, {});
  EXPECT_EQ(r->verdict, Verdict::kNotLinearizable);
}

// Keys whose searches each need every order of 14 concurrent puts before
// they can say no; all keys' operations overlap in time.
History ManyHardKeys(int keys) {
  History h;
  for (int k = 0; k < keys; ++k) {
    const std::string key = absl::StrCat("k", k);
    for (int p = 1; p <= 14; ++p) h.push_back(Inv(100 * k + p, "put", S(absl::StrCat(p)), key));
  }
  for (int k = 0; k < keys; ++k) {
    const std::string key = absl::StrCat("k", k);
    for (int p = 1; p <= 14; ++p) h.push_back(Ok(100 * k + p, "put", S(absl::StrCat(p)), key));
    h.push_back(Inv(100 * k + 99, "get", Nil(), key));
    h.push_back(Ok(100 * k + 99, "get", S("never written"), key));
  }
  return h;
}

TEST(Linearizability, OneMemoryBudgetForAllKeys) {
  auto m = MakeModel("kv", {});
  // The smallest budget (in 256 KiB steps) one key decides within.
  CheckBudget budget;
  const History one = ManyHardKeys(1);
  for (budget.max_memory_bytes = 256 << 10;; budget.max_memory_bytes += 256 << 10) {
    ASSERT_LT(budget.max_memory_bytes, 1ull << 30);
    if (CheckLinearizability(one, **m, budget)->verdict != Verdict::kUnknown) break;
  }
  EXPECT_EQ(CheckLinearizability(one, **m, budget)->verdict, Verdict::kNotLinearizable);
  // Twice that would do for any one of eight keys, but not for eight at once.
  budget.max_memory_bytes *= 2;
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(ManyHardKeys(8), **m, budget);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->partitions, 8u);
  EXPECT_EQ(r->verdict, Verdict::kUnknown);
  EXPECT_THAT(r->unknown_reason, HasSubstr("all keys together"));
  EXPECT_GT(r->configurations, 0u);
  // With room for all of them, the answer is the real one.
  budget.max_memory_bytes *= 8;
  EXPECT_EQ(CheckLinearizability(ManyHardKeys(8), **m, budget)->verdict, Verdict::kNotLinearizable);
}

TEST(Linearizability, ADecidedKeyFreesItsTables) {
  // Each key's search decides within one turn, after trying about 2^10
  // orders (the get sees the first put, so that put must come last): the
  // budget for one key is enough for many, one after another.
  auto m = MakeModel("kv", {});
  History h;
  for (int k = 0; k < 40; ++k) {
    const std::string key = absl::StrCat("k", k);
    for (int p = 1; p <= 10; ++p) h.push_back(Inv(100 * k + p, "put", S(absl::StrCat(p)), key));
    for (int p = 1; p <= 10; ++p) h.push_back(Ok(100 * k + p, "put", S(absl::StrCat(p)), key));
    h.push_back(Inv(100 * k + 99, "get", Nil(), key));
    h.push_back(Ok(100 * k + 99, "get", S("1"), key));
  }
  CheckBudget budget;
  const History first(h.begin(), h.begin() + 22);
  for (budget.max_memory_bytes = 16 << 10;; budget.max_memory_bytes += 16 << 10) {
    ASSERT_LT(budget.max_memory_bytes, 1ull << 30);
    if (CheckLinearizability(first, **m, budget)->verdict != Verdict::kUnknown) break;
  }
  const uint64_t one_key_steps = CheckLinearizability(first, **m, budget)->steps;
  EXPECT_GT(one_key_steps, 1024u);   // the budget is looked at while it runs
  EXPECT_LT(one_key_steps, 16384u);  // and it decides within one turn
  budget.max_memory_bytes *= 3;
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h, **m, budget);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->partitions, 40u);
  EXPECT_EQ(r->verdict, Verdict::kLinearizable) << r->unknown_reason;
}

TEST(Linearizability, ZooKeeperModelChecksSyncReadsNotPlainReads) {
  auto m = MakeModel("zookeeper", {});
  History h = {Inv(1, "write", I(1), "k"), Ok(1, "write", I(1), "k"),
               // A plain read may come from a lagging server: allowed.
               Inv(2, "read", Nil(), "k"), Ok(2, "read", Nil(), "k")};
  EXPECT_EQ(CheckLinearizability(h, **m, {})->verdict, Verdict::kLinearizable);
  // A sync read after the write completed must see it.
  h.push_back(Inv(3, "sync-read", Nil(), "k"));
  h.push_back(Ok(3, "sync-read", Nil(), "k"));
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h, **m, {});
  EXPECT_EQ(r->verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(r->ops, 2u);  // the plain read is not checked
  History ok = {Inv(1, "write", I(1), "k"), Ok(1, "write", I(1), "k"),
                Inv(3, "sync-read", Nil(), "k"), Ok(3, "sync-read", I(1), "k")};
  EXPECT_EQ(CheckLinearizability(ok, **m, {})->verdict, Verdict::kLinearizable);
  History cas = {Inv(1, "cas", L({I(1), I(2)}), "k"), Ok(1, "cas", L({I(1), I(2)}), "k")};
  EXPECT_FALSE(CheckLinearizability(cas, **m, {}).ok());
}

TEST(Linearizability, MalformedHistories) {
  auto m = MakeModel("register", {});
  HistoryEvent orphan = Ok(1, "write", I(1));
  orphan.line = 7;
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability({orphan}, **m, {}, "h.edn");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()),
            "h.edn:7: ok for process 1, which has no open invocation");
  r = CheckLinearizability({Inv(1, "write", I(1)), Ok(1, "read", I(1))}, **m, {}, "h.edn");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("completes \"read\" but invoked \"write\""));
}

}  // namespace
// A search over no operations keeps no bits; it must not copy from or
// compare a null bitset (a fuzz finding: UBSan, memcpy from nullptr).
TEST(VisitedSetTest, NoOperationsStillDeduplicatesStates) {
  VisitedSet v(0);
  EXPECT_TRUE(v.Insert(0, 1, nullptr));
  EXPECT_FALSE(v.Insert(0, 1, nullptr));
  EXPECT_TRUE(v.Insert(0, 2, nullptr));
  EXPECT_EQ(v.size(), 2u);
}

}  // namespace dsim
