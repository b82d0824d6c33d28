// A ZooKeeper server's follower handlers on the fake context: a follower
// whose log runs ahead of the new leader truncates it on TRUNC, durably,
// before it acknowledges NEWLEADER.
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "protocols/zab/server.h"
#include "tests/testing/fake_context.h"

namespace dsim::zab {
namespace {

using testing::FakeContext;

std::string LogKey(Zxid z) { return absl::StrFormat("l/%016x", static_cast<uint64_t>(z)); }

class FollowerTest : public ::testing::Test {
 protected:
  // Server 1 of 3 had logged (1,1)..(1,3) under epoch 1; only (1,1) made it
  // to the new leader, server 3, which leads epoch 2.
  FollowerTest() : ctx_(/*id=*/1, /*num_servers=*/3) {
    Disk& d = ctx_.disk_image();
    d.Put("acceptedEpoch", Encode(uint32_t{1}));
    d.Put("currentEpoch", Encode(uint32_t{1}));
    for (uint32_t c = 1; c <= 3; ++c) d.Put(LogKey(MakeZxid(1, c)), Encode(LogEntry{MakeZxid(1, c), {}}));
    d.Sync(0, 0);
  }
  std::unique_ptr<Server> Boot() {
    auto s = std::make_unique<Server>(o_);
    ctx_.Start(*s);
    return s;
  }
  // Servers 2 and 3 tell it that 3 leads round `round`.
  void LearnLeader(Server& s, uint64_t round) {
    const Vote v{3, MakeZxid(1, 1), 1};
    ctx_.Deliver(s, 3, Notification{v, round, PeerState::kLeading});
    ctx_.Deliver(s, 2, Notification{v, round, PeerState::kFollowing});
  }
  ServerOptions o_;
  FakeContext ctx_;
};

TEST_F(FollowerTest, TruncatesALogAheadOfTheNewLeaderBeforeAcking) {
  auto s = Boot();
  const auto hello = ctx_.SentOf<Notification>();
  ASSERT_FALSE(hello.empty());
  EXPECT_EQ(hello[0].second.vote.zxid, MakeZxid(1, 3));  // it recovered its whole log
  LearnLeader(*s, hello[0].second.election_epoch);
  const auto info = ctx_.SentOf<FollowerInfo>();
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].first, 3);
  EXPECT_EQ(info[0].second.accepted_epoch, 1u);

  ctx_.Deliver(*s, 3, LeaderInfo{2});
  const auto ack_epoch = ctx_.SentOf<AckEpoch>();
  ASSERT_EQ(ack_epoch.size(), 1u);
  EXPECT_EQ(ack_epoch[0].second.last_zxid, MakeZxid(1, 3));
  ASSERT_NE(ctx_.disk_image().Get("acceptedEpoch"), nullptr);
  EXPECT_TRUE(ctx_.PersistedBefore(ctx_.sent().back()));  // the new epoch, before the ack

  ctx_.Deliver(*s, 3, SyncData{SyncData::kTrunc, MakeZxid(1, 1), {}, 2});
  const FakeContext::Sent& ack = ctx_.sent().back();
  EXPECT_EQ(ack.type, AckNewLeader::kType);
  EXPECT_EQ(ack.As<AckNewLeader>().epoch, 2u);
  EXPECT_TRUE(ctx_.PersistedBefore(ack));
  EXPECT_NE(ctx_.disk_image().Get(LogKey(MakeZxid(1, 1))), nullptr);
  EXPECT_EQ(ctx_.disk_image().Get(LogKey(MakeZxid(1, 2))), nullptr);
  EXPECT_EQ(ctx_.disk_image().Get(LogKey(MakeZxid(1, 3))), nullptr);

  // The truncation is durable: after a crash the server comes back with
  // the leader's history and the new epoch.
  ctx_.Crash();
  ctx_.ClearActions();
  s = Boot();
  const auto again = ctx_.SentOf<Notification>();
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(again[0].second.vote.zxid, MakeZxid(1, 1));
  EXPECT_EQ(again[0].second.vote.peer_epoch, 2u);
}

TEST_F(FollowerTest, PlantedAckBeforePersistAcksWhileTheTruncationIsNotDurable) {
  o_.bug_ack_before_persist = true;
  auto s = Boot();
  LearnLeader(*s, ctx_.SentOf<Notification>().at(0).second.election_epoch);
  ctx_.Deliver(*s, 3, LeaderInfo{2});
  ctx_.Deliver(*s, 3, SyncData{SyncData::kTrunc, MakeZxid(1, 1), {}, 2});
  const auto acks = ctx_.SentOf<AckNewLeader>();
  ASSERT_EQ(acks.size(), 1u);
  for (const FakeContext::Sent& m : ctx_.sent()) {
    if (m.type == AckNewLeader::kType) {
      EXPECT_FALSE(ctx_.PersistedBefore(m));
    }
  }
}

TEST_F(FollowerTest, ALeaderWithAnOlderEpochSendsItBackToLooking) {
  auto s = Boot();
  LearnLeader(*s, ctx_.SentOf<Notification>().at(0).second.election_epoch);
  ctx_.ClearActions();
  ctx_.Deliver(*s, 3, LeaderInfo{0});  // below its accepted epoch 1
  EXPECT_TRUE(ctx_.SentOf<AckEpoch>().empty());
  const auto n = ctx_.SentOf<Notification>();
  ASSERT_FALSE(n.empty());  // a new election round
  EXPECT_EQ(n[0].second.state, PeerState::kLooking);
}

}  // namespace
}  // namespace dsim::zab
