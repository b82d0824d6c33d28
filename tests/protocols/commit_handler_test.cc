// A 2PC participant's handlers on the fake context: a yes vote is forced to
// disk before it leaves, and then the participant is uncertain - it keeps its
// locks, asks, and may not decide alone, across a restart too.
#include <gtest/gtest.h>

#include "protocols/commit/commit.h"
#include "tests/testing/fake_context.h"

namespace dsim::commit {
namespace {

using testing::FakeContext;

class ParticipantTest : public ::testing::Test {
 protected:
  // Server 1 coordinates; accounts 0, 2, 4, 6 live on server 2 (this one).
  ParticipantTest() : ctx_(/*id=*/2, /*num_servers=*/3) {
    o_.accounts = 8;
    o_.initial_balance = 100;
  }
  std::unique_ptr<Participant> Boot() {
    auto p = std::make_unique<Participant>(o_);
    ctx_.Start(*p);
    return p;
  }
  static Prepare Transfer(TxId tx, int32_t account, int64_t delta) {
    return Prepare{tx, {2, 3}, {{account, delta}}, false};
  }
  CommitOptions o_;
  FakeContext ctx_;
};

TEST_F(ParticipantTest, AYesVoteIsForcedToDiskBeforeItLeaves) {
  auto p = Boot();
  ctx_.Deliver(*p, 1, Transfer(MakeTx(4, 1), 0, -30));
  ASSERT_EQ(ctx_.sent().size(), 1u);
  const Vote v = ctx_.sent()[0].As<Vote>();
  EXPECT_TRUE(v.yes);
  EXPECT_TRUE(ctx_.SyncedBefore(ctx_.sent()[0]));
  EXPECT_TRUE(ctx_.PersistedBefore(ctx_.sent()[0]));
  // The checks see the vote stamped after the sync: a crash during it
  // would unmake the vote.
  const auto& votes = ctx_.observations()->Of<VoteCast>().entries();
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_TRUE(votes[0].value.yes);
  EXPECT_GT(votes[0].stamp_ns, votes[0].event_ns);
}

TEST_F(ParticipantTest, VotesNoOnInsufficientFundsAndMayAbortAlone) {
  auto p = Boot();
  ctx_.Deliver(*p, 1, Transfer(MakeTx(4, 1), 0, -101));
  EXPECT_FALSE(ctx_.sent().back().As<Vote>().yes);
  // It decided abort on its own: a StateReq learns "aborted".
  ctx_.Deliver(*p, 3, StateReq{MakeTx(4, 1)});
  EXPECT_EQ(ctx_.sent().back().As<StateResp>().state, State::kAborted);
}

TEST_F(ParticipantTest, AfterAYesVoteItStaysUncertainKeepsItsLocksAndAsks) {
  auto p = Boot();
  const TxId tx = MakeTx(4, 1);
  ctx_.Deliver(*p, 1, Transfer(tx, 0, -30));
  ctx_.ClearActions();
  // The coordinator is silent: at each timeout it asks the coordinator and
  // its peer, and never decides.
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(ctx_.FireNext(*p));
  }
  const auto asks = ctx_.SentOf<StateReq>();
  ASSERT_EQ(asks.size(), 6u);
  for (const auto& [to, req] : asks) {
    EXPECT_TRUE(to == 1 || to == 3);
    EXPECT_EQ(req.tx, tx);
  }
  EXPECT_TRUE(ctx_.SentOf<Ack>().empty());
  ctx_.Deliver(*p, 3, StateReq{tx});
  EXPECT_EQ(ctx_.sent().back().As<StateResp>().state, State::kUncertain);
  // The account stays locked: a second transaction on it is refused.
  ctx_.Deliver(*p, 1, Transfer(MakeTx(5, 1), 0, -1));
  EXPECT_FALSE(ctx_.sent().back().As<Vote>().yes);
  // Another account is free.
  ctx_.Deliver(*p, 1, Transfer(MakeTx(5, 2), 2, -1));
  EXPECT_TRUE(ctx_.sent().back().As<Vote>().yes);
}

TEST_F(ParticipantTest, ARestartedUncertainParticipantAsksAtOnceAndStillHoldsTheLock) {
  auto p = Boot();
  const TxId tx = MakeTx(4, 1);
  ctx_.Deliver(*p, 1, Transfer(tx, 0, -30));
  ctx_.Crash();
  ctx_.ClearActions();
  p = Boot();
  EXPECT_EQ(ctx_.SentOf<StateReq>().size(), 2u);  // coordinator and peer, at boot
  ctx_.Deliver(*p, 1, Transfer(MakeTx(5, 1), 0, -1));
  EXPECT_FALSE(ctx_.sent().back().As<Vote>().yes);
  // The decision arrives: applied, forced, acked, the lock released.
  ctx_.Deliver(*p, 1, Decision{tx, true});
  const FakeContext::Sent& ack = ctx_.sent().back();
  EXPECT_EQ(ack.type, Ack::kType);
  EXPECT_TRUE(ctx_.PersistedBefore(ack));
  ctx_.Deliver(*p, 1, Transfer(MakeTx(5, 2), 0, -70));  // 100 - 30 left: exactly enough
  EXPECT_TRUE(ctx_.sent().back().As<Vote>().yes);
}

TEST_F(ParticipantTest, PlantedVoteNotPersistedForgetsTheVoteOnRestart) {
  o_.bug_vote_not_persisted = true;
  auto p = Boot();
  ctx_.Deliver(*p, 1, Transfer(MakeTx(4, 1), 0, -30));
  EXPECT_FALSE(ctx_.SyncedBefore(ctx_.sent().back()));
  ctx_.Crash();
  ctx_.ClearActions();
  p = Boot();
  EXPECT_TRUE(ctx_.SentOf<StateReq>().empty());  // it no longer knows it voted
  ctx_.Deliver(*p, 1, Transfer(MakeTx(5, 1), 0, -1));
  EXPECT_TRUE(ctx_.sent().back().As<Vote>().yes);  // the lock is gone
}

}  // namespace
}  // namespace dsim::commit
