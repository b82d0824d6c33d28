// FastLeaderElection (shared/docs/protocols.md 2.3).
#include "protocols/zab/server.h"

namespace dsim::zab {

Notification Server::MyNotification() const {
  return {vote_, state_ == PeerState::kLooking ? logical_clock_ : decided_round_, state_};
}

void Server::Broadcast(Context& ctx) { ctx.SendToServers(MyNotification()); }

// Vote order: currentEpoch of the proposed leader, then its zxid, then id.
bool Server::Better(const Vote& a, const Vote& b) const {
  // BUG(vote_ignores_epoch): compares zxid and id only.
  if (!o_.bug_vote_ignores_epoch && a.peer_epoch != b.peer_epoch) return a.peer_epoch > b.peer_epoch;
  if (a.zxid != b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

// Step 1: a new round, voting for ourselves.
void Server::StartLooking(Context& ctx) {
  StopServing(ctx);
  if (state_ != PeerState::kLooking || phase_ != Phase::kElection) ctx.Note("looking", logical_clock_ + 1);
  state_ = PeerState::kLooking;
  ctx.Observe(StateChanged{state_});
  phase_ = Phase::kElection;
  leader_ = 0;
  committed_ = 0;  // learned again from the next leader
  synced_ = false;
  lead_ = Leading{};
  ++logical_clock_;
  vote_ = {ctx.id(), last_logged(), current_epoch_};
  fle_ = Election{.notification_timeout_ns = o_.notification_timeout_ns};
  ctx.CancelTimer(finalize_timer_);
  Broadcast(ctx);
  ctx.CancelTimer(notification_timer_);
  notification_timer_ = ctx.SetTimer(fle_.notification_timeout_ns, kNotificationTimeout);
}

void Server::OnNotification(Context& ctx, NodeId from, const Notification& n) {
  if (state_ != PeerState::kLooking) {
    // Decided servers answer a looking one with the leader they know.
    if (n.state == PeerState::kLooking && from != ctx.id()) ctx.Send(from, MyNotification());
    return;
  }
  if (n.state == PeerState::kLooking) {
    if (n.election_epoch > logical_clock_) {
      // A newer round: join it, with the better of its vote and our own.
      logical_clock_ = n.election_epoch;
      fle_.recvset.clear();
      const Vote mine{ctx.id(), last_logged(), current_epoch_};
      vote_ = Better(n.vote, mine) ? n.vote : mine;
      fle_.finalizing = false;
      ctx.CancelTimer(finalize_timer_);
      Broadcast(ctx);
    } else if (n.election_epoch < logical_clock_) {
      ctx.Send(from, MyNotification());  // an old round: help it catch up
      return;
    } else if (Better(n.vote, vote_)) {
      vote_ = n.vote;
      if (fle_.finalizing) {  // a better vote during the finalize wait: back to step 2
        fle_.finalizing = false;
        ctx.CancelTimer(finalize_timer_);
      }
      Broadcast(ctx);
    }
    fle_.recvset[from] = n.vote;
    CheckQuorum(ctx);
    return;
  }
  // From a FOLLOWING or LEADING server: someone already decided.
  fle_.outofelection[from] = n;
  auto same = [&n](const Vote& v) { return v.leader == n.vote.leader && v.peer_epoch == n.vote.peer_epoch; };
  if (n.election_epoch == logical_clock_) {
    fle_.recvset[from] = n.vote;
    int agree = 0;
    for (const auto& [s, v] : fle_.recvset) agree += same(v);
    if (agree >= quorum() && CheckLeader(n.vote.leader, n.election_epoch)) {
      Decide(ctx, n.vote, logical_clock_);
      return;
    }
  }
  int agree = 0;
  for (const auto& [s, o] : fle_.outofelection) agree += same(o.vote);
  if (agree >= quorum() && CheckLeader(n.vote.leader, n.election_epoch)) {
    logical_clock_ = n.election_epoch;
    Decide(ctx, n.vote, n.election_epoch);
  }
}

// Do not follow a leader that only stale followers still name.
// checkLeader: a leader other than us must have told us itself that it
// leads; if it is us, the round must be ours.
bool Server::CheckLeader(NodeId leader, uint64_t round) const {
  if (leader == self_) return round == logical_clock_;
  auto it = fle_.outofelection.find(leader);
  return it != fle_.outofelection.end() && it->second.state == PeerState::kLeading;
}

// A quorum agrees with our vote: wait for the finalize window to pass
// quietly, then decide.
void Server::CheckQuorum(Context& ctx) {
  int agree = 0;
  for (const auto& [s, v] : fle_.recvset) agree += v == vote_;
  if (agree < quorum()) return;
  fle_.finalizing = true;  // every arrival restarts the quiet window
  ctx.CancelTimer(finalize_timer_);
  finalize_timer_ = ctx.SetTimer(o_.finalize_wait_ns, kFinalize);
}

void Server::Decide(Context& ctx, const Vote& v, uint64_t round) {
  ctx.CancelTimer(notification_timer_);
  ctx.CancelTimer(finalize_timer_);
  fle_.finalizing = false;
  vote_ = v;
  decided_round_ = round;
  leader_ = v.leader;
  state_ = v.leader == ctx.id() ? PeerState::kLeading : PeerState::kFollowing;
  ctx.Observe(StateChanged{state_});
  ctx.Observe(ElectionDecided{v.leader, round});
  ctx.Note(state_ == PeerState::kLeading ? "leading" : "following", v.leader, static_cast<int64_t>(round));
  if (state_ == PeerState::kLeading) {
    LeadStart(ctx);
  } else {
    FollowStart(ctx);
  }
}

}  // namespace dsim::zab
