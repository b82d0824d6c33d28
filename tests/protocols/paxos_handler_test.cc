// Single-decree Paxos handlers, one event at a time on the fake context.
#include <memory>
#include <utility>

#include <gtest/gtest.h>

#include "protocols/paxos/single.h"
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
    log_.Attach(&ctx_);
  }
  std::unique_ptr<SingleServer> Boot() {
    auto s = std::make_unique<SingleServer>(o_, 3, &log_, &record_);
    ctx_.Start(*s);
    return s;
  }
  SingleOptions o_;
  FakeContext ctx_;
  PaxosLog log_;
  SingleRecord record_;
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
  ASSERT_EQ(log_.promise_writes.size(), 3u);
  ASSERT_EQ(log_.promise_writes[2].size(), 1u);
  EXPECT_EQ(log_.promise_writes[2][0].ballot, MakeBallot(3, 1));
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
  EXPECT_TRUE(log_.accepted.empty());
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
  ASSERT_EQ(log_.accepted.size(), 1u);
  EXPECT_TRUE(ctx_.Survived(log_.accepted[0].stamp));
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
    log.Attach(&ctx);
    server = std::make_unique<SingleServer>(o, 3, &log, &record);
    ctx.Start(*server);
  }
  SingleOptions o;
  FakeContext ctx;
  PaxosLog log;
  SingleRecord record;
  std::unique_ptr<SingleServer> server;
};

TEST(ProposerTest, RetriesWithAHigherRoundAfterATimeoutAndPersistsTheRound) {
  SingleOptions o;
  o.backoff = false;
  ProposerFixture f(o);
  FakeContext& ctx = f.ctx;
  SingleServer& p = *f.server;
  SingleRecord& record = f.record;
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
  ASSERT_EQ(record.ballots[1].size(), 2u);
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
