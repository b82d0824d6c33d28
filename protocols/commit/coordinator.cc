#include <algorithm>

#include "protocols/commit/commit.h"

namespace dsim::commit {
namespace {

constexpr uint64_t kVoteTimeout = 1ull << 40;
constexpr uint64_t kPreAckTimeout = 2ull << 40;
constexpr uint64_t kResend = 3ull << 40;
constexpr uint64_t kTxMask = (1ull << 40) - 1;  // the transaction's index in `order_`

}  // namespace

void Coordinator::OnStart(Context& ctx) {
  // Recovery: every logged decision is announced again until acknowledged;
  // anything else was never decided and is presumed aborted.
  kDecisions.Scan(ctx, [&](TxId tx, const DecisionRecord& d) {
    Tx& t = txs_[tx];
    t.participants = d.participants;
    t.stage = Stage::kDecided;
    t.commit = d.commit;
    Announce(ctx, tx);
  });
}

void Coordinator::OnMessage(Context& ctx, const Envelope& m) {
  switch (m.type) {
    case TxRequest::kType:
      return OnRequest(ctx, m.from, m.As<TxRequest>());
    case Vote::kType:
      return OnVote(ctx, m.from, m.As<Vote>());
    case PreAck::kType: {
      const PreAck a = m.As<PreAck>();
      auto it = txs_.find(a.tx);
      if (it == txs_.end() || it->second.stage != Stage::kPrecommitting) return;
      it->second.preacks.insert(m.from);
      if (it->second.preacks.size() == it->second.participants.size()) Decide(ctx, a.tx, true);
      return;
    }
    case Ack::kType: {
      auto it = txs_.find(m.As<Ack>().tx);
      if (it != txs_.end()) it->second.acks.insert(m.from);
      return;
    }
    case StateReq::kType: {
      // An uncertain participant asks. 2PC: no record and not in progress
      // means never decided, so abort (presumed abort) - only the
      // coordinator decides commit, and it logs that first. 3PC: a backup
      // may have committed without us, so silence unless we know.
      const TxId tx = m.As<StateReq>().tx;
      auto it = txs_.find(tx);
      if (it == txs_.end()) {
        if (!o_.three_phase) {
          ctx.Observe(DecisionMade{tx, false});  // this answer is a decision
          ctx.Send(m.from, Decision{tx, false});
        }
      } else if (it->second.stage == Stage::kDecided) {
        ctx.Send(m.from, Decision{tx, it->second.commit});
      }
      return;
    }
    case Decision::kType: {
      // A 3PC backup coordinator settled it while we were unreachable.
      const Decision d = m.As<Decision>();
      auto it = txs_.find(d.tx);
      if (it != txs_.end() && it->second.stage != Stage::kDecided) Decide(ctx, d.tx, d.commit);
      return;
    }
  }
}

void Coordinator::OnRequest(Context& ctx, NodeId client, const TxRequest& r) {
  const TxId tx = MakeTx(client, r.seq);
  if (txs_.count(tx)) return;  // a duplicate
  Tx& t = txs_[tx];
  t.client = client;
  t.seq = r.seq;
  t.read_all = r.read_all;
  std::map<NodeId, std::vector<Change>> changes;
  const int n = ctx.num_servers();
  if (r.read_all) {
    for (NodeId p = 2; p <= n; ++p) changes[p];
  } else {
    changes[o_.ShardOf(r.from, n)].push_back({r.from, -r.amount});
    changes[o_.ShardOf(r.to, n)].push_back({r.to, r.amount});
  }
  for (const auto& [p, c] : changes) t.participants.push_back(p);
  ctx.Observe(TxParticipants{tx, t.participants});
  for (const auto& [p, c] : changes) ctx.Send(p, Prepare{tx, t.participants, c, r.read_all});
  ctx.SetTimer(o_.vote_timeout_ns, kVoteTimeout | Index(tx));
}

void Coordinator::OnVote(Context& ctx, NodeId from, const Vote& v) {
  auto it = txs_.find(v.tx);
  if (it == txs_.end() || it->second.stage != Stage::kVoting) return;
  Tx& t = it->second;
  DSIM_ASSERT_MSG(std::find(t.participants.begin(), t.participants.end(), from) != t.participants.end(),
                  "a vote on %s from n%d, not a participant", FormatTx(v.tx), from);
  t.votes[from] = v.yes;
  for (const auto& [a, b] : v.balances) t.balances[a] = b;
  if (!v.yes && !o_.bug_commit_on_majority) {
    Decide(ctx, v.tx, false);
    return;
  }
  int yes = 0;
  for (const auto& [p, y] : t.votes) yes += y;
  const int n = static_cast<int>(t.participants.size());
  // BUG(commit_on_majority): a majority of yes votes is taken for unanimity.
  const bool enough = o_.bug_commit_on_majority ? 2 * yes > n : yes == n;
  if (!enough) {
    if (static_cast<int>(t.votes.size()) == n) Decide(ctx, v.tx, false);
    return;
  }
  if (!o_.three_phase) {
    Decide(ctx, v.tx, true);
    return;
  }
  // 3PC: everyone voted yes; move them to pre-committed first.
  t.stage = Stage::kPrecommitting;
  for (NodeId p : t.participants) ctx.Send(p, PreCommit{v.tx});
  ctx.SetTimer(o_.preack_timeout_ns, kPreAckTimeout | Index(v.tx));
}

void Coordinator::Decide(Context& ctx, TxId tx, bool commit) {
  Tx& t = txs_[tx];
  t.stage = Stage::kDecided;
  t.commit = commit;
  const DecisionRecord record{commit, t.participants};
  if (o_.bug_decision_not_logged) {
    // BUG(decision_not_logged): announce first, log afterwards.
    ctx.Observe(DecisionMade{tx, commit});  // what it told the participants
    Announce(ctx, tx);
    kDecisions.Put(ctx, tx, record);
    ctx.disk().Sync();
  } else {
    // The forced decision record is the commit point (presumed abort: an
    // abort need not be forced, but is logged all the same).
    kDecisions.Put(ctx, tx, record);
    if (commit) ctx.disk().Sync();
    ctx.Observe(DecisionMade{tx, commit});
    Announce(ctx, tx);
  }
  if (t.client != 0) {
    TxReply reply{t.seq, commit, {}};
    if (commit && t.read_all) {
      for (const auto& [a, b] : t.balances) reply.balances.push_back(b);
    }
    ctx.Send(t.client, reply);
  }
}

void Coordinator::Announce(Context& ctx, TxId tx) {
  const Tx& t = txs_[tx];
  for (NodeId p : t.participants) {
    if (!t.acks.count(p)) ctx.Send(p, Decision{tx, t.commit});
  }
  ctx.SetTimer(o_.resend_ns, kResend | Index(tx));
}

void Coordinator::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  const uint64_t index = tag & kTxMask;
  if (index >= order_.size()) return;
  const TxId tx = order_[index];
  Tx& t = txs_[tx];
  switch (tag & ~kTxMask) {
    case kVoteTimeout:
      if (t.stage == Stage::kVoting) Decide(ctx, tx, false);
      return;
    case kPreAckTimeout:
      // 3PC: a participant that did not pre-ack is taken for crashed.
      if (t.stage == Stage::kPrecommitting) Decide(ctx, tx, true);
      return;
    case kResend:
      if (t.stage == Stage::kDecided && t.acks.size() < t.participants.size()) Announce(ctx, tx);
      return;
  }
}

uint64_t Coordinator::Index(TxId tx) {
  auto [it, inserted] = index_.try_emplace(tx, order_.size());
  if (inserted) order_.push_back(tx);
  return it->second;
}

}  // namespace dsim::commit
