// The leader's side of ZAB: discovery, synchronization, broadcast
// (shared/docs/protocols.md 2.4).
#include <algorithm>

#include "protocols/zab/server.h"

namespace dsim::zab {

void Server::LeadStart(Context& ctx) {
  phase_ = Phase::kDiscovery;
  phase_started_ = ctx.Monotonic();
  lead_ = Leading{};
  // The leader counts itself among the quorum of FOLLOWERINFO.
  Follower& self = lead_.followers[ctx.id()];
  self.info = true;
  self.accepted_epoch = accepted_epoch_;
  self.last_heard = ctx.Monotonic();
}

// Discovery, step 2: with a quorum of FOLLOWERINFO (ourselves included), the
// new epoch is one more than the highest accepted epoch among them.
void Server::OnFollowerInfo(Context& ctx, NodeId from, const FollowerInfo& f) {
  if (state_ != PeerState::kLeading) return;
  Follower& fl = lead_.followers[from];
  fl.info = true;
  fl.accepted_epoch = f.accepted_epoch;
  fl.last_heard = ctx.Monotonic();
  if (lead_.epoch_fixed) {
    ctx.Send(from, LeaderInfo{epoch_});
    return;
  }
  int infos = 0;
  uint32_t max_epoch = 0;
  for (const auto& [id, x] : lead_.followers) {
    if (!x.info) continue;
    ++infos;
    max_epoch = std::max(max_epoch, x.accepted_epoch);
  }
  if (infos < quorum()) return;
  epoch_ = max_epoch + 1;
  lead_.epoch_fixed = true;
  accepted_epoch_ = epoch_;
  SaveAcceptedEpoch(ctx);
  for (const auto& [id, x] : lead_.followers) {
    if (id != ctx.id() && x.info) ctx.Send(id, LeaderInfo{epoch_});
  }
  // Our own ACKEPOCH.
  Follower& self = lead_.followers[ctx.id()];
  self.acked_epoch = self.counted = true;
  self.last_zxid = last_logged();
}

// Discovery, step 4: a quorum of counted ACKEPOCHs, none ahead of us.
void Server::OnAckEpoch(Context& ctx, NodeId from, const AckEpoch& a) {
  if (state_ != PeerState::kLeading || !lead_.epoch_fixed) return;
  Follower& fl = lead_.followers[from];
  fl.last_heard = ctx.Monotonic();
  fl.last_zxid = a.last_zxid;
  if (a.current_epoch >= 0) {
    // A follower with a newer history than ours must not be counted.
    const bool ahead = a.current_epoch > current_epoch_ ||
                       (a.current_epoch == current_epoch_ && a.last_zxid > last_logged());
    if (ahead && !lead_.epoch_acked) {
      ctx.Note("reject_ackepoch", from);
      return;
    }
    fl.counted = !ahead;
  }
  fl.acked_epoch = true;
  if (lead_.epoch_acked) {
    SyncFollower(ctx, from, a.last_zxid);  // a late joiner: just sync it
    return;
  }
  int counted = 0;
  for (const auto& [id, x] : lead_.followers) counted += x.acked_epoch && x.counted;
  if (counted < quorum()) return;
  lead_.epoch_acked = true;
  current_epoch_ = epoch_;
  SaveCurrentEpoch(ctx);
  phase_ = Phase::kSync;
  Follower& self = lead_.followers[ctx.id()];
  self.acked_newleader = self.forwarding = true;
  for (auto& [id, x] : lead_.followers) {
    if (id != ctx.id() && x.acked_epoch) SyncFollower(ctx, id, x.last_zxid);
  }
}

// Synchronization: bring a follower to our history - DIFF, TRUNC or SNAP -
// then NEWLEADER (one message here).
void Server::SyncFollower(Context& ctx, NodeId f, Zxid peer_last) {
  SyncData s;
  s.epoch = epoch_;
  const Zxid mine = last_logged();
  auto in_log = std::find_if(log_entries_.begin(), log_entries_.end(),
                             [peer_last](const LogEntry& e) { return e.zxid == peer_last; });
  if (peer_last == mine) {
    s.mode = SyncData::kDiff;  // empty
  } else if (peer_last > mine && !o_.bug_skip_truncate) {
    s.mode = SyncData::kTrunc;  // it has a tail we lack: drop it
    s.trunc_to = mine;
  } else if (peer_last > mine) {
    // BUG(skip_truncate): a DIFF with nothing in it; the follower keeps a
    // tail only the old leader had.
    s.mode = SyncData::kDiff;
  } else if (peer_last == 0 || in_log != log_entries_.end()) {
    s.mode = SyncData::kDiff;  // it is a prefix of ours: send the rest
    for (const LogEntry& e : log_entries_) {
      if (e.zxid > peer_last) s.entries.push_back(e);
    }
  } else {
    s.mode = SyncData::kSnap;  // diverged: the whole history
    s.entries = log_entries_;
  }
  ctx.Note("sync", f, s.mode);
  lead_.followers[f].forwarding = true;  // proposals from now on reach it too
  ctx.Send(f, s);
}

void Server::OnAckNewLeader(Context& ctx, NodeId from, const AckNewLeader& a) {
  if (state_ != PeerState::kLeading || a.epoch != epoch_) return;
  Follower& fl = lead_.followers[from];
  fl.acked_newleader = true;
  fl.last_heard = ctx.Monotonic();
  if (lead_.established) {
    ctx.Send(from, UpToDate{committed_});
    return;
  }
  int acked = 0;
  for (const auto& [id, x] : lead_.followers) acked += x.acked_newleader;
  if (acked >= quorum()) Establish(ctx);
}

// A quorum holds our history under the new epoch: it is all committed.
void Server::Establish(Context& ctx) {
  lead_.established = true;
  phase_ = Phase::kBroadcast;
  vote_.peer_epoch = epoch_;
  lead_.counter = 0;
  committed_ = last_logged();
  ctx.Observe(Established{epoch_, committed_});
  ctx.Note("established", epoch_);
  RebuildTree(ctx, committed_);
  serving_ = true;
  lead_.prep = tree_;
  lead_.session_touch.clear();
  lead_.expiring.clear();
  for (const auto& [s, timeout] : tree_.sessions()) lead_.session_touch[s] = ctx.Monotonic();
  for (const auto& [id, x] : lead_.followers) {
    if (id != ctx.id() && x.acked_newleader) ctx.Send(id, UpToDate{committed_});
  }
}

// Broadcast, step 1: a write becomes a proposal with the next zxid.
void Server::Propose(Context& ctx, Txn request) {
  Txn txn = lead_.prep.Prepare(request);
  DSIM_ASSERT_MSG(state_ == PeerState::kLeading, "n%d proposes while not leading", ctx.id());
  const Zxid z = MakeZxid(epoch_, ++lead_.counter);
  if (txn.kind == Txn::kCreateSession) txn.session = z;  // a session is named by its zxid
  lead_.prep.Apply(z, txn);
  const LogEntry e{z, txn};
  AppendLog(ctx, e);
  ctx.disk().Sync();
  ctx.Charge(o_.write_cost_ns);
  ctx.Observe(ProposedTxn{z, Encode(txn)});
  for (const auto& [id, x] : lead_.followers) {
    if (id != ctx.id() && x.forwarding) ctx.Send(id, Proposal{e});
  }
  lead_.acks[z] = 0;
  OnAck(ctx, ctx.id(), z);
}

void Server::OnAck(Context& ctx, NodeId from, Zxid z) {
  if (state_ != PeerState::kLeading) return;
  if (from != ctx.id()) ctx.Charge(o_.ack_cost_ns);  // every ack costs, late ones too
  if (!lead_.established || z <= committed_) return;
  auto f = lead_.followers.find(from);
  if (f != lead_.followers.end()) f->second.last_heard = ctx.Monotonic();
  // A follower logs in zxid order and resyncs on any gap, so its ack for z
  // covers every outstanding proposal up to z (one lost ack must not stall
  // the commits behind it).
  for (auto it = lead_.acks.begin(); it != lead_.acks.end() && it->first <= z; ++it) it->second |= 1ull << (from - 1);
  TryCommit(ctx);
}

// Broadcast, step 3: commit in zxid order, each with a quorum of acks.
void Server::TryCommit(Context& ctx) {
  // BUG(commit_without_quorum): one ack - our own - is enough.
  const int need = o_.bug_commit_without_quorum ? 1 : quorum();
  while (!lead_.acks.empty()) {
    auto it = lead_.acks.begin();
    if (__builtin_popcountll(it->second) < need) return;
    const Zxid z = it->first;
    lead_.acks.erase(it);
    committed_ = z;
    for (const auto& [id, x] : lead_.followers) {
      if (id != ctx.id() && x.forwarding) ctx.Send(id, Commit{z});
    }
    ApplyCommitted(ctx, z);
  }
}

void Server::OnForward(Context& ctx, NodeId from, const Forward& f) {
  if (state_ != PeerState::kLeading || !lead_.established) return;
  if (f.sync) {
    // Everything committed so far has already been sent to `from` on the
    // same FIFO channel; the reply says how far that is, in case a COMMIT
    // was lost on the way.
    ctx.Send(from, SyncReply{f.request.client_session, f.request.xid, committed_});
    return;
  }
  // A request that arrives twice (a duplicated packet) is proposed once.
  // (A duplicated session creation only leaves an unused session to expire.)
  if (f.request.client_session != 0) {
    uint64_t& last = lead_.forwarded_xid[f.request.client_session];
    if (f.request.xid <= last) return;
    last = f.request.xid;
  }
  Propose(ctx, f.request);
}

void Server::LeaderTick(Context& ctx) {
  const int64_t now = ctx.Monotonic();
  if (!lead_.established) {
    if (now - phase_started_ > o_.init_limit * o_.tick_ns) StartLooking(ctx);  // no quorum in time
    return;
  }
  // Ping; step down unless a quorum (us included) was heard within syncLimit.
  int heard = 0;
  for (auto& [id, x] : lead_.followers) {
    if (id == ctx.id()) {
      ++heard;
      continue;
    }
    if (x.forwarding) ctx.Send(id, Ping{epoch_});
    heard += x.acked_newleader && now - x.last_heard <= o_.sync_limit * o_.tick_ns;
  }
  if (heard < quorum()) {
    ctx.Note("step_down", epoch_);
    StartLooking(ctx);
    return;
  }
  // Expire the sessions nobody touched within their timeout.
  for (const auto& [s, timeout] : tree_.sessions()) {
    auto t = lead_.session_touch.find(s);
    if (t == lead_.session_touch.end()) {
      lead_.session_touch[s] = now;
      continue;
    }
    if (now - t->second > timeout && !lead_.expiring.count(s)) {
      lead_.expiring.insert(s);
      Txn close;
      close.kind = Txn::kCloseSession;
      close.session = s;
      Propose(ctx, close);
    }
  }
}

}  // namespace dsim::zab
