// The client toolkit: history process ids, outcome counts, and the
// linearizability report every family's run makes.
#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/check/model.h"
#include "sim/client.h"
#include "sim/run_checks.h"
#include "tests/check/test_histories.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace ::dsim::testing;  // NOLINT: the history shorthands

TEST(HistoryProcess, OneIdPerGenerationAndTheClientBehindEach) {
  HistoryProcess p(7);
  EXPECT_EQ(p.id(), 7000);
  p.Next();
  p.Next();
  EXPECT_EQ(p.id(), 7002);
  EXPECT_EQ(HistoryProcess::ClientOf(p.id()), 7);
  EXPECT_EQ(HistoryProcess::Merged(7002), 7999);
  EXPECT_EQ(HistoryProcess::Merged(7000), HistoryProcess::Merged(7002));
  EXPECT_NE(HistoryProcess::ClientOf(HistoryProcess::Merged(7002)), 8);
}

TEST(HistoryProcessDeathTest, RunningOutOfGenerationsIsAnAssertion) {
  HistoryProcess p(3);
  for (int i = 0; i < HistoryProcess::kGenerations - 2; ++i) p.Next();
  EXPECT_EQ(p.id(), 3998);  // the last before Merged()'s id
  EXPECT_DEATH(p.Next(), "client 3 ran out of history processes");
}

TEST(OutcomeCounts, CountsAndReportsEachOutcome) {
  const History h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)), Inv(2, "read"), Info(2, "read"),
                     Inv(3, "write", I(2)), Fail(3, "write", I(2))};
  const OutcomeCounts c = OutcomeCounts::Of(h);
  EXPECT_EQ(c.ok, 1);
  EXPECT_EQ(c.info, 1);
  EXPECT_EQ(c.fail, 1);
  EXPECT_EQ(c.total(), 3);
  RunOutcome out;
  c.Report(out);
  EXPECT_EQ(out.facts().at("ops_ok"), 1);
  EXPECT_EQ(out.facts().at("ops_info"), 1);
  EXPECT_EQ(out.facts().at("ops_fail"), 1);
  EXPECT_EQ(OutcomeCounts::Facts().size(), out.facts().size());
}

TEST(ReportLinearizability, PassesALinearizableHistory) {
  auto model = MakeModel("register", {});
  ASSERT_TRUE(model.ok());
  const History h = {Inv(1, "write", I(1), "k"), Ok(1, "write", I(1), "k"), Inv(2, "read", Nil(), "k"),
                     Ok(2, "read", I(1), "k")};
  RunOutcome out;
  ReportLinearizability(h, **model, {.check = "lin", .fact = "lin_verdict", .what = "all"}, out);
  ASSERT_EQ(out.checks().size(), 1u);
  EXPECT_TRUE(out.checks()[0].ok);
  EXPECT_EQ(out.checks()[0].detail, "2 operations (all) on 1 keys");
  EXPECT_EQ(out.facts().at("lin_verdict"), "linearizable");
  EXPECT_TRUE(out.summary().empty());
}

TEST(ReportLinearizability, FailsAStaleReadWithItsWitness) {
  auto model = MakeModel("register", {});
  ASSERT_TRUE(model.ok());
  // The write of 2 completed before the read began, yet the read saw 1.
  const History h = {Inv(1, "write", I(1), "k"), Ok(1, "write", I(1), "k"), Inv(1, "write", I(2), "k"),
                     Ok(1, "write", I(2), "k"), Inv(2, "read", Nil(), "k"), Ok(2, "read", I(1), "k")};
  RunOutcome out;
  ReportLinearizability(h, **model, {.check = "linearizable", .fact = "linearizability", .witness = "linearizability"},
                        out);
  ASSERT_EQ(out.checks().size(), 1u);
  EXPECT_FALSE(out.checks()[0].ok);
  EXPECT_THAT(out.checks()[0].detail, StartsWith("not linearizable: "));
  EXPECT_EQ(out.facts().at("linearizability"), "not-linearizable");
  ASSERT_EQ(out.summary().size(), 1u);
  EXPECT_THAT(out.summary()[0], StartsWith("linearizability witness:\n    "));
  EXPECT_THAT(out.summary()[0], HasSubstr("read"));
}

}  // namespace
}  // namespace dsim
