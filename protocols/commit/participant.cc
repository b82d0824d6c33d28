#include <algorithm>

#include "protocols/commit/commit.h"

namespace dsim::commit {
namespace {

constexpr uint64_t kUncertainTag = 1ull << 40;    // | a token naming the transaction
constexpr uint64_t kTerminationTag = 2ull << 40;
constexpr uint64_t kTokenMask = (1ull << 40) - 1;

}  // namespace

const char* StateName(State s) {
  switch (s) {
    case State::kInit:
      return "init";
    case State::kUncertain:
      return "uncertain";
    case State::kPrecommitted:
      return "precommitted";
    case State::kCommitted:
      return "committed";
    case State::kAborted:
      return "aborted";
  }
  return "?";
}

void Participant::OnStart(Context& ctx) {
  if (std::optional<std::map<int32_t, int64_t>> b = kBalances.Load(ctx)) {
    balances_ = std::move(*b);
  } else {
    for (int32_t a = 0; a < o_.accounts; ++a) {
      if (o_.ShardOf(a, ctx.num_servers()) == ctx.id()) balances_[a] = o_.initial_balance;
    }
  }
  // Recovery: prepared transactions without a decision are uncertain again,
  // holding their locks, and must ask; the participant may not decide alone.
  // Decisions first: a decided transaction stays decided whatever else it
  // left on disk.
  kDecisions.Scan(ctx, [&](TxId tx, const DecisionRecord& d) {
    txs_[tx].state = d.commit ? State::kCommitted : State::kAborted;
  });
  kPrepared.Scan(ctx, [&](TxId tx, PreparedRecord r) {
    Tx& t = txs_[tx];
    t.record = std::move(r);
    if (t.state == State::kInit) t.state = State::kUncertain;
  });
  kPrecommitted.Scan(ctx, [&](TxId tx) {
    Tx& t = txs_[tx];
    if (t.state != State::kCommitted && t.state != State::kAborted) t.state = State::kPrecommitted;
  });
  for (auto& [tx, t] : txs_) {
    if (t.state == State::kUncertain || t.state == State::kPrecommitted) {
      t.recovered = true;
      Lock(tx, t.record.changes, t.record.read_all);
      OnUncertainTimeout(ctx, tx);  // ask at once
    }
  }
}

void Participant::OnMessage(Context& ctx, const Envelope& m) {
  switch (m.type) {
    case Prepare::kType:
      return OnPrepare(ctx, m.from, m.As<Prepare>());
    case PreCommit::kType:
      return OnPreCommit(ctx, m.from, m.As<PreCommit>());
    case Decision::kType: {
      const Decision d = m.As<Decision>();
      return Decide(ctx, d.tx, d.commit, m.from);
    }
    case StateReq::kType:
      return OnStateReq(ctx, m.from, m.As<StateReq>().tx);
    case StateResp::kType:
      return OnStateResp(ctx, m.from, m.As<StateResp>());
  }
}

State Participant::StateOf(TxId tx) const {
  auto it = txs_.find(tx);
  return it == txs_.end() ? State::kInit : it->second.state;
}

void Participant::Lock(TxId tx, const std::vector<Change>& changes, bool read_all) {
  if (read_all) read_locks_.insert(tx);
  for (const Change& c : changes) {
    auto held = locks_.find(c.account);
    DSIM_ASSERT_MSG(held == locks_.end() || held->second == tx, "%s locks account %d, held by %s", FormatTx(tx),
                    c.account, FormatTx(held->second));
    locks_[c.account] = tx;
  }
}

void Participant::Unlock(TxId tx) {
  read_locks_.erase(tx);
  for (auto it = locks_.begin(); it != locks_.end();) {
    it = it->second == tx ? locks_.erase(it) : std::next(it);
  }
}

void Participant::SaveBalances(Context& ctx) { kBalances.Store(ctx, balances_); }

// Phase 1: vote. No waits for locks (a conflict votes no), so no deadlocks.
void Participant::OnPrepare(Context& ctx, NodeId from, const Prepare& p) {
  const State s = StateOf(p.tx);
  if (s == State::kAborted || s == State::kCommitted) {
    ctx.Send(from, Vote{p.tx, s == State::kCommitted, {}});
    return;
  }
  if (s != State::kInit) return;  // a duplicate: the vote is on its way
  bool ok = read_locks_.empty() || p.read_all;
  if (p.read_all && !locks_.empty()) ok = false;
  for (const Change& c : p.changes) {
    if (locks_.count(c.account)) ok = false;
    auto b = balances_.find(c.account);
    if (b == balances_.end() || b->second + c.delta < 0) ok = false;  // insufficient funds
  }
  if (!ok) {
    // Not voted yes: this participant may abort alone.
    txs_[p.tx].state = State::kAborted;
    kDecisions.Put(ctx, p.tx, DecisionRecord{false, p.participants});
    ctx.Observe(VoteCast{p.tx, false});
    ctx.Send(from, Vote{p.tx, false, {}});
    return;
  }
  Tx& t = txs_[p.tx];
  t.record = {p.participants, p.changes, p.read_all, from};
  t.state = State::kUncertain;
  Lock(p.tx, p.changes, p.read_all);
  // BUG(vote_not_persisted): the yes vote is never forced to disk.
  if (!o_.bug_vote_not_persisted) {
    kPrepared.Put(ctx, p.tx, t.record);
    ctx.disk().Sync();  // forced before the yes vote leaves
  }
  ctx.Observe(VoteCast{p.tx, true});
  Vote v{p.tx, true, {}};
  if (p.read_all) {
    for (const auto& [a, b] : balances_) v.balances.push_back({a, b});
  }
  ctx.Send(from, v);
  SetTxTimer(ctx, o_.uncertain_timeout_ns, kUncertainTag, p.tx);
}

void Participant::SetTxTimer(Context& ctx, int64_t delay_ns, uint64_t kind, TxId tx) {
  const uint64_t token = next_token_++;
  timer_tx_[token] = tx;
  ctx.SetTimer(delay_ns, kind | token);
}

void Participant::OnPreCommit(Context& ctx, NodeId from, const PreCommit& p) {
  auto it = txs_.find(p.tx);
  if (it == txs_.end()) return;
  if (it->second.state == State::kUncertain) {
    it->second.state = State::kPrecommitted;
    kPrecommitted.Add(ctx, p.tx);
    ctx.disk().Sync();
  }
  if (it->second.state == State::kPrecommitted) ctx.Send(from, PreAck{p.tx});
}

void Participant::Decide(Context& ctx, TxId tx, bool commit, NodeId ack_to) {
  Tx& t = txs_[tx];
  if (t.state == State::kCommitted || t.state == State::kAborted) {
    if ((t.state == State::kCommitted) == commit && ack_to != 0) ctx.Send(ack_to, Ack{tx});
    return;  // a decision never changes; a late contrary one is ignored
  }
  t.state = commit ? State::kCommitted : State::kAborted;
  t.terminating = false;
  if (commit) {
    for (const Change& c : t.record.changes) balances_[c.account] += c.delta;
    SaveBalances(ctx);
  }
  kDecisions.Put(ctx, tx, DecisionRecord{commit, t.record.participants});
  ctx.disk().Sync();  // forced before the ack
  ctx.Observe(DecisionMade{tx, commit});
  if (commit) ctx.Observe(CommitAcked{tx});
  Unlock(tx);
  if (ack_to != 0) ctx.Send(ack_to, Ack{tx});
}

void Participant::OnStateReq(Context& ctx, NodeId from, TxId tx) {
  State s = StateOf(tx);
  if (s == State::kInit) {
    // Never voted: abort alone, so that a late prepare is refused.
    txs_[tx].state = State::kAborted;
    kDecisions.Put(ctx, tx, DecisionRecord{false, {}});
    s = State::kAborted;
  }
  auto it = txs_.find(tx);
  ctx.Send(from, StateResp{tx, s, it != txs_.end() && it->second.recovered});
}

void Participant::OnStateResp(Context& ctx, NodeId from, const StateResp& r) {
  auto it = txs_.find(r.tx);
  if (it == txs_.end()) return;
  Tx& t = it->second;
  if (t.state == State::kCommitted || t.state == State::kAborted) return;
  if (!o_.three_phase) {
    // Cooperative termination: a peer that knows settles it.
    if (r.state == State::kCommitted || r.state == State::kAborted) {
      Decide(ctx, r.tx, r.state == State::kCommitted, 0);
    }
    return;
  }
  if (t.terminating) t.peers[from] = r;
}

void Participant::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  auto it = timer_tx_.find(tag & kTokenMask);
  if (it == timer_tx_.end()) return;
  const TxId tx = it->second;
  timer_tx_.erase(it);
  if ((tag & ~kTokenMask) == kUncertainTag) {
    OnUncertainTimeout(ctx, tx);
  } else {
    FinishTermination(ctx, tx);
  }
}

// Still uncertain: 2PC asks the coordinator and the peers, again and again
// (blocking while nobody knows); 3PC runs the termination protocol.
void Participant::OnUncertainTimeout(Context& ctx, TxId tx) {
  auto it = txs_.find(tx);
  if (it == txs_.end()) return;
  Tx& t = it->second;
  if (t.state != State::kUncertain && t.state != State::kPrecommitted) return;
  if (!o_.three_phase) {
    if (t.record.coordinator != 0) ctx.Send(t.record.coordinator, StateReq{tx});
    for (NodeId p : t.record.participants) {
      if (p != ctx.id()) ctx.Send(p, StateReq{tx});
    }
  } else {
    t.terminating = true;
    t.peers.clear();
    // The coordinator answers with its decision if it made one.
    if (t.record.coordinator != 0) ctx.Send(t.record.coordinator, StateReq{tx});
    for (NodeId p : t.record.participants) {
      if (p != ctx.id()) ctx.Send(p, StateReq{tx});
    }
    SetTxTimer(ctx, o_.termination_wait_ns, kTerminationTag, tx);
  }
  SetTxTimer(ctx, o_.uncertain_timeout_ns, kUncertainTag, tx);
}

// 3PC termination: the lowest id among those that answered decides for all.
void Participant::FinishTermination(Context& ctx, TxId tx) {
  auto it = txs_.find(tx);
  if (it == txs_.end() || !it->second.terminating) return;
  Tx& t = it->second;
  NodeId lowest = ctx.id();
  for (const auto& [p, r] : t.peers) lowest = std::min(lowest, p);
  if (lowest != ctx.id()) return;  // the backup coordinator will tell us
  bool any_aborted = false, any_committed = false, any_recovered = t.recovered;
  for (const auto& [p, r] : t.peers) {
    any_aborted |= r.state == State::kAborted || r.state == State::kInit;
    any_committed |= r.state == State::kCommitted || r.state == State::kPrecommitted;
    any_recovered |= r.recovered;
  }
  any_committed |= t.state == State::kPrecommitted;
  // All uncertain: abort - unless one of them was down and may have missed a
  // commit the others no longer remember; then nobody here may decide.
  if (!any_aborted && !any_committed && any_recovered) return;
  const bool commit = !any_aborted && any_committed;
  ctx.Note("terminate", static_cast<int64_t>(tx), commit);
  for (NodeId p : t.record.participants) {
    if (p != ctx.id()) ctx.Send(p, Decision{tx, commit});
  }
  if (t.record.coordinator != 0) ctx.Send(t.record.coordinator, Decision{tx, commit});
  Decide(ctx, tx, commit, 0);
}

}  // namespace dsim::commit
