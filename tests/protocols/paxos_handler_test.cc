// Single-decree Paxos handlers, one event at a time on the fake context.
#include <memory>
#include <utility>

#include <gtest/gtest.h>

#include "protocols/paxos/single.h"
#include "sim/time.h"
#include "tests/testing/fake_context.h"

namespace dsim::paxos {
namespace {

using testing::FakeContext;

class AcceptorTest : public ::testing::Test {
 protected:
  AcceptorTest() : ctx_(/*id=*/2, /*num_servers=*/3) {
    o_.proposers = {1};
    o_.acceptors = {1, 2, 3};
    o_.learners = {1, 2, 3};
  }
  std::unique_ptr<SingleServer> Boot() {
    auto s = std::make_unique<SingleServer>(o_);
    ctx_.Start(*s);
    return s;
  }
  SingleOptions o_;
  FakeContext ctx_;
};

TEST_F(AcceptorTest, PromisesAHigherBallotAndPersistsBeforeAnswering) {
  auto a = Boot();
  ctx_.Deliver(*a, 1, Prepare{MakeBallot(3, 1)});
  ASSERT_EQ(ctx_.sent().size(), 1u);
  const FakeContext::Sent& reply = ctx_.sent()[0];
  EXPECT_EQ(reply.to, 1);
  const Promise p = reply.As<Promise>();
  EXPECT_EQ(p.ballot, MakeBallot(3, 1));
  EXPECT_EQ(p.accepted_ballot, 0u);
  EXPECT_TRUE(ctx_.PersistedBefore(reply));
  EXPECT_TRUE(ctx_.SyncedBefore(reply));
  const auto& promises = ctx_.observations()->Of<PromiseSet>().entries();
  ASSERT_EQ(promises.size(), 1u);
  EXPECT_EQ(promises[0].node, 2);
  EXPECT_EQ(promises[0].value.ballot, MakeBallot(3, 1));
  // Reported after the sync, which took time.
  EXPECT_GT(promises[0].stamp_ns, promises[0].event_ns);
}

TEST_F(AcceptorTest, RefusesALowerOrEqualBallotWithoutWriting) {
  auto a = Boot();
  ctx_.Deliver(*a, 1, Prepare{MakeBallot(5, 1)});
  ctx_.ClearActions();
  for (Ballot b : {MakeBallot(4, 3), MakeBallot(5, 1)}) {
    ctx_.Deliver(*a, 3, Prepare{b});
    ASSERT_FALSE(ctx_.sent().empty());
    const Nack n = ctx_.sent().back().As<Nack>();
    EXPECT_EQ(n.ballot, b);
    EXPECT_EQ(n.promised, MakeBallot(5, 1));
  }
  for (FakeContext::Action act : ctx_.actions()) {
    EXPECT_NE(act, FakeContext::Action::kPut);
    EXPECT_NE(act, FakeContext::Action::kSync);
  }
  // An Accept below the promise is refused too, and nothing is accepted.
  ctx_.Deliver(*a, 3, Accept{MakeBallot(4, 3), "c3"});
  EXPECT_EQ(ctx_.sent().back().type, Nack::kType);
  EXPECT_TRUE(ctx_.observations()->Of<AcceptedValue<std::string>>().entries().empty());
}

TEST_F(AcceptorTest, APromiseSurvivesARestartAndItsAcceptanceIsReported) {
  auto a = Boot();
  ctx_.Deliver(*a, 1, Prepare{MakeBallot(2, 1)});
  ctx_.Deliver(*a, 1, Accept{MakeBallot(2, 1), "c1"});
  ctx_.Crash();
  a = Boot();
  ctx_.ClearActions();
  ctx_.Deliver(*a, 3, Prepare{MakeBallot(3, 3)});
  const Promise p = ctx_.sent().back().As<Promise>();
  EXPECT_EQ(p.accepted_ballot, MakeBallot(2, 1));
  EXPECT_EQ(p.accepted_value, "c1");
  // A Prepare at the old ballot is refused after the restart.
  ctx_.Deliver(*a, 1, Prepare{MakeBallot(2, 1)});
  EXPECT_EQ(ctx_.sent().back().type, Nack::kType);
}

TEST_F(AcceptorTest, PlantedVolatilePromiseForgetsThePromiseOnRestart) {
  o_.bug_volatile_promise = true;
  auto a = Boot();
  ctx_.Deliver(*a, 1, Prepare{MakeBallot(5, 1)});
  ctx_.Crash();
  a = Boot();
  ctx_.ClearActions();
  ctx_.Deliver(*a, 3, Prepare{MakeBallot(4, 3)});
  EXPECT_EQ(ctx_.sent().back().type, Promise::kType);  // broke its promise of ballot 5.1
}

TEST_F(AcceptorTest, AStampTakenBeforeACrashSurvivesOnlyIfTheSyncCompleted) {
  auto a = Boot();
  ctx_.Deliver(*a, 1, Prepare{MakeBallot(2, 1)});
  ctx_.Deliver(*a, 1, Accept{MakeBallot(2, 1), "c1"});
  ASSERT_EQ(ctx_.observations()->Of<AcceptedValue<std::string>>().Survivors(ctx_).size(), 1u);
  ctx_.Advance(kMillisecond);
  ctx_.Deliver(*a, 1, Accept{MakeBallot(3, 1), "c2"});
  ctx_.CrashDuringLastEvent();
  // The second acceptance was reported, but its sync never completed.
  const auto& all = ctx_.observations()->Of<AcceptedValue<std::string>>();
  ASSERT_EQ(all.entries().size(), 2u);
  const auto kept = all.Survivors(ctx_);
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].value.value, "c1");
  // A crash at the instant the stamp was taken erases it.
  FakeContext other(2, 3);
  ObservationStamp s = other.Stamp();
  other.Crash();
  EXPECT_FALSE(other.Survived(s));
}

// Proposer 1 of three acceptors, with a client (node 4).
struct ProposerFixture {
  explicit ProposerFixture(SingleOptions options) : o(std::move(options)), ctx(1, 3, /*num_nodes=*/4) {
    o.proposers = {1};
    o.acceptors = {1, 2, 3};
    o.learners = {1, 2, 3};
    server = std::make_unique<SingleServer>(o);
    ctx.Start(*server);
  }
  SingleOptions o;
  FakeContext ctx;
  std::unique_ptr<SingleServer> server;
};

TEST(ProposerTest, RetriesWithAHigherRoundAfterATimeoutAndPersistsTheRound) {
  SingleOptions o;
  o.backoff = false;
  ProposerFixture f(o);
  FakeContext& ctx = f.ctx;
  SingleServer& p = *f.server;
  ctx.Deliver(p, 4, Propose{"c1"});
  auto prepares = ctx.SentOf<Prepare>();
  ASSERT_EQ(prepares.size(), 3u);
  const Ballot first = prepares[0].second.ballot;
  EXPECT_TRUE(ctx.PersistedBefore(ctx.sent()[0]));
  ctx.ClearActions();
  ASSERT_TRUE(ctx.FireNext(p));  // the phase timeout: no quorum answered
  if (ctx.SentOf<Prepare>().empty()) {
    ASSERT_TRUE(ctx.FireNext(p));  // the retry
  }
  prepares = ctx.SentOf<Prepare>();
  ASSERT_EQ(prepares.size(), 3u);
  EXPECT_GT(BallotRound(prepares[0].second.ballot), BallotRound(first));
  ASSERT_EQ(ctx.observations()->Of<BallotStarted>().entries().size(), 2u);
}

// Phase 2 carries the value of the highest accepted ballot that a quorum of
// promises reported; the planted bug carries the proposer's own.
void CarryTest(bool bug, const std::string& want) {
  SingleOptions o;
  o.bug_ignores_accepted = bug;
  ProposerFixture f(o);
  FakeContext& ctx = f.ctx;
  SingleServer& p = *f.server;
  ctx.Deliver(p, 4, Propose{"c1"});
  const Ballot b = ctx.SentOf<Prepare>().at(0).second.ballot;
  ctx.Deliver(p, 2, Promise{b, MakeBallot(1, 3), "c2"});
  EXPECT_TRUE(ctx.SentOf<Accept>().empty());  // one promise is no quorum
  ctx.Deliver(p, 3, Promise{b, 0, ""});
  const auto accepts = ctx.SentOf<Accept>();
  ASSERT_EQ(accepts.size(), 3u);
  for (const auto& [to, a] : accepts) {
    EXPECT_EQ(a.ballot, b);
    EXPECT_EQ(a.value, want);
  }
}

TEST(ProposerTest, PhaseTwoCarriesTheHighestAcceptedValueReported) { CarryTest(false, "c2"); }
TEST(ProposerTest, PlantedIgnoresAcceptedCarriesItsOwnValue) { CarryTest(true, "c1"); }

}  // namespace
}  // namespace dsim::paxos
