// The follower's side of ZAB (shared/docs/protocols.md 2.4).
#include "protocols/zab/server.h"

namespace dsim::zab {

// Discovery, step 1: tell the elected leader our accepted epoch (retried
// every tick until it answers, within initLimit).
void Server::FollowStart(Context& ctx) {
  phase_ = Phase::kDiscovery;
  synced_ = false;
  phase_started_ = ctx.Monotonic();
  last_heard_ = ctx.Monotonic();
  ctx.Send(leader_, FollowerInfo{accepted_epoch_});
}

// Discovery, step 3: accept a newer epoch (durably, before answering).
void Server::OnLeaderInfo(Context& ctx, NodeId from, const LeaderInfo& l) {
  if (state_ != PeerState::kFollowing || from != leader_ || phase_ != Phase::kDiscovery) return;
  last_heard_ = ctx.Monotonic();
  if (l.epoch < accepted_epoch_) {
    StartLooking(ctx);
    return;
  }
  epoch_ = l.epoch;
  int64_t reported = current_epoch_;
  if (l.epoch > accepted_epoch_) {
    accepted_epoch_ = l.epoch;
    SaveAcceptedEpoch(ctx);
  } else {
    reported = -1;  // already accepted an epoch with this number: do not count me
  }
  phase_ = Phase::kSync;
  ctx.Send(from, AckEpoch{last_logged(), reported});
}

// Synchronization: take the leader's history, make it durable, adopt the
// epoch, and only then acknowledge NEWLEADER.
void Server::OnSyncData(Context& ctx, NodeId from, const SyncData& s) {
  if (state_ != PeerState::kFollowing || from != leader_) return;
  last_heard_ = ctx.Monotonic();
  if (s.epoch != accepted_epoch_) {
    StartLooking(ctx);
    return;
  }
  switch (s.mode) {
    case SyncData::kDiff:
      for (const LogEntry& e : s.entries) {
        if (e.zxid > last_logged()) AppendLog(ctx, e);
      }
      break;
    case SyncData::kTrunc:
      TruncateLog(ctx, s.trunc_to);
      break;
    case SyncData::kSnap:
      ReplaceLog(ctx, s.entries);
      break;
  }
  if (o_.bug_ack_before_persist) {
    // BUG(ack_before_persist): the acknowledgement leaves before the log
    // and the epoch are on disk.
    ctx.Send(from, AckNewLeader{s.epoch});
    ctx.disk().Sync();
    current_epoch_ = s.epoch;
    SaveCurrentEpoch(ctx);
    synced_ = true;
    return;
  }
  ctx.disk().Sync();
  current_epoch_ = s.epoch;
  DSIM_ASSERT_MSG(current_epoch_ == accepted_epoch_, "currentEpoch %d, acceptedEpoch %d", current_epoch_,
                  accepted_epoch_);
  SaveCurrentEpoch(ctx);
  synced_ = true;
  ctx.Send(from, AckNewLeader{s.epoch});
}

// The leader is established: serve what is committed.
void Server::OnUpToDate(Context& ctx, NodeId from, const UpToDate& u) {
  if (state_ != PeerState::kFollowing || from != leader_ || serving_) return;
  last_heard_ = ctx.Monotonic();
  if (!synced_) {  // UPTODATE without the SYNC before it: the stream broke
    StartLooking(ctx);
    return;
  }
  phase_ = Phase::kBroadcast;
  vote_.peer_epoch = epoch_;
  committed_ = std::max(committed_, u.committed);
  RebuildTree(ctx, committed_);
  serving_ = true;
}

// A proposal or commit that does not follow on from our log: the
// connection to the leader broke and messages were lost with it (TCP would
// have told us). Like a ZooKeeper follower whose socket failed, we go back
// to LOOKING and get synced again.
bool Server::StreamBroken(Context& ctx, Zxid z, bool proposal) {
  if (!synced_) {  // the leader's SYNC never came, yet what follows it did
    ctx.Note("stream_gap", z, -1);
    StartLooking(ctx);
    return true;
  }
  const Zxid last = last_logged();
  const Zxid expected = EpochOf(last) == EpochOf(z) ? last + 1 : MakeZxid(EpochOf(z), 1);
  if (proposal ? z <= expected : z <= last) return false;
  ctx.Note("stream_gap", z, last);
  StartLooking(ctx);
  return true;
}

// Broadcast, step 2: log the proposal durably, then acknowledge it.
void Server::OnProposal(Context& ctx, NodeId from, const Proposal& p) {
  if (state_ != PeerState::kFollowing || from != leader_) return;
  last_heard_ = ctx.Monotonic();
  if (StreamBroken(ctx, p.entry.zxid, true)) return;
  if (p.entry.zxid > last_logged()) {
    AppendLog(ctx, p.entry);
    if (o_.bug_ack_before_persist) {
      // BUG(ack_before_persist): acknowledged before the write is durable.
      ctx.Send(from, Ack{p.entry.zxid});
      ctx.disk().Sync();
      return;
    }
    ctx.disk().Sync();
  }
  ctx.Send(from, Ack{p.entry.zxid});  // a duplicate from sync is acked again
}

void Server::OnCommit(Context& ctx, NodeId from, Zxid z) {
  if (state_ != PeerState::kFollowing || from != leader_) return;
  last_heard_ = ctx.Monotonic();
  if (StreamBroken(ctx, z, false)) return;
  committed_ = std::max(committed_, z);
  if (serving_) ApplyCommitted(ctx, committed_);
}

void Server::FollowerTick(Context& ctx) {
  const int64_t now = ctx.Monotonic();
  if (phase_ != Phase::kBroadcast) {
    if (now - phase_started_ > o_.init_limit * o_.tick_ns) {
      StartLooking(ctx);  // no leader established us in time
      return;
    }
    if (phase_ == Phase::kDiscovery) ctx.Send(leader_, FollowerInfo{accepted_epoch_});
    return;
  }
  if (now - last_heard_ > o_.sync_limit * o_.tick_ns) StartLooking(ctx);  // the leader went silent
}

}  // namespace dsim::zab
