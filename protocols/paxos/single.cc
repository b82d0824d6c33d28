#include "protocols/paxos/single.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim/durable.h"

namespace dsim::paxos {
namespace {

struct AcceptorState {
  Ballot promised = 0;
  Ballot accepted_ballot = 0;
  std::string accepted_value;
  DSIM_FIELDS(promised, accepted_ballot, accepted_value)
};

constexpr DurableCell<AcceptorState> kAcceptor{"acceptor"};
constexpr DurableCell<uint32_t> kMaxRound{"max_round"};

}  // namespace

bool SingleServer::IsProposer(NodeId id) const {
  return std::find(o_.proposers.begin(), o_.proposers.end(), id) != o_.proposers.end();
}
bool SingleServer::IsAcceptor(NodeId id) const {
  return std::find(o_.acceptors.begin(), o_.acceptors.end(), id) != o_.acceptors.end();
}
bool SingleServer::IsLearner(NodeId id) const {
  return std::find(o_.learners.begin(), o_.learners.end(), id) != o_.learners.end();
}

void SingleServer::OnStart(Context& ctx) {
  // Recovery: the acceptor's promise and acceptance, the proposer's round.
  if (std::optional<AcceptorState> stored = kAcceptor.Load(ctx)) {
    const AcceptorState& a = *stored;
    // BUG(acceptor_volatile_promise): the promise was never written, so a
    // restarted acceptor has forgotten it.
    promised_ = o_.bug_volatile_promise ? 0 : a.promised;
    accepted_ballot_ = a.accepted_ballot;
    accepted_value_ = a.accepted_value;
  }
  max_round_ = kMaxRound.Load(ctx).value_or(0);
}

void SingleServer::OnMessage(Context& ctx, const Envelope& m) {
  switch (m.type) {
    case Propose::kType: {
      if (!IsProposer(ctx.id())) return;
      waiting_clients_.insert(m.from);
      if (learned_) {
        ctx.Send(m.from, Decided{*learned_});
        return;
      }
      if (!my_value_) {
        my_value_ = m.As<Propose>().value;
        StartBallot(ctx);
      }
      return;
    }
    case Prepare::kType:
      if (IsAcceptor(ctx.id())) OnPrepare(ctx, m.from, m.As<Prepare>());
      return;
    case Promise::kType:
      OnPromise(ctx, m.from, m.As<Promise>());
      return;
    case Nack::kType: {
      const Nack n = m.As<Nack>();
      if (n.ballot == ballot_ && (phase_ == Phase::kOne || phase_ == Phase::kTwo)) {
        Abandon(ctx, n.promised);
      }
      return;
    }
    case Accept::kType:
      if (IsAcceptor(ctx.id())) OnAccept(ctx, m.from, m.As<Accept>());
      return;
    case Accepted::kType:
      OnAccepted(ctx, m.from, m.As<Accepted>());
      return;
  }
}

void SingleServer::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  if (tag == kPhaseTimeout && (phase_ == Phase::kOne || phase_ == Phase::kTwo)) {
    Abandon(ctx, 0);
  } else if (tag == kRetry && phase_ == Phase::kIdle && !learned_) {
    StartBallot(ctx);
  }
}

// Step 1: a ballot above any used or seen; persist the round first.
void SingleServer::StartBallot(Context& ctx) {
  ++max_round_;
  kMaxRound.Store(ctx, max_round_);
  ctx.disk().Sync();
  ballot_ = MakeBallot(max_round_, static_cast<uint32_t>(ctx.id()));
  ctx.Observe(BallotStarted{ballot_});
  phase_ = Phase::kOne;
  promises_.clear();
  ctx.Note("prepare", static_cast<int64_t>(ballot_));
  for (NodeId a : o_.acceptors) ctx.Send(a, Prepare{ballot_});
  ctx.CancelTimer(phase_timer_);
  phase_timer_ = ctx.SetTimer(o_.phase_timeout_ns, kPhaseTimeout);
}

// Step 7: give up this ballot; retry higher, after a backoff.
void SingleServer::Abandon(Context& ctx, Ballot seen) {
  phase_ = Phase::kIdle;
  ctx.CancelTimer(phase_timer_);
  max_round_ = std::max(max_round_, BallotRound(seen));
  ++failures_;
  if (!o_.backoff) {
    StartBallot(ctx);  // at once: the recipe for a duel
    return;
  }
  const int64_t cap = std::min(o_.backoff_max_ns, o_.backoff_base_ns << std::min(failures_, 20));
  ctx.SetTimer(ctx.rng().UniformInt(0, cap), kRetry);
}

// Step 4: with a quorum of promises, phase 2 with the value of the highest
// accepted ballot reported, or our own.
void SingleServer::OnPromise(Context& ctx, NodeId from, const Promise& p) {
  if (phase_ != Phase::kOne || p.ballot != ballot_) return;
  if (!promises_.emplace(from, p).second) return;
  DSIM_ASSERT_MSG(promises_.size() <= o_.acceptors.size(), "%d promises from %d acceptors", promises_.size(),
                  o_.acceptors.size());
  ctx.Observe(PromiseReceived<std::string>{from, ballot_, {{0, p.accepted_ballot, p.accepted_value}}});
  if (static_cast<int>(promises_.size()) < quorum()) return;
  Ballot best = 0;
  std::string value = *my_value_;
  for (const auto& [acceptor, pr] : promises_) {
    if (pr.accepted_ballot > best) {
      best = pr.accepted_ballot;
      value = pr.accepted_value;
    }
  }
  // BUG(proposer_ignores_accepted): phase 2 with our own value regardless.
  if (o_.bug_ignores_accepted) value = *my_value_;
  phase_ = Phase::kTwo;
  ctx.Observe(AcceptSent<std::string>{0, ballot_, value});
  for (NodeId a : o_.acceptors) ctx.Send(a, Accept{ballot_, value});
  ctx.CancelTimer(phase_timer_);
  phase_timer_ = ctx.SetTimer(o_.phase_timeout_ns, kPhaseTimeout);
}

void SingleServer::Persist(Context& ctx) {
  AcceptorState a{o_.bug_volatile_promise ? 0 : promised_, accepted_ballot_, accepted_value_};
  kAcceptor.Store(ctx, a);
  ctx.disk().Sync();
}

// Step 3: promise a higher ballot, persisted before the reply.
void SingleServer::OnPrepare(Context& ctx, NodeId from, const Prepare& p) {
  if (p.ballot <= promised_) {
    ctx.Send(from, Nack{p.ballot, promised_});
    return;
  }
  // The preemption notice promises nothing, so it need not wait for the disk.
  if (o_.nack_on_preempt && promised_ != 0 && BallotProposer(promised_) != static_cast<uint32_t>(from)) {
    ctx.Send(static_cast<NodeId>(BallotProposer(promised_)), Nack{promised_, p.ballot});
  }
  promised_ = p.ballot;
  Persist(ctx);
  ctx.Observe(PromiseSet{promised_});
  ctx.Send(from, Promise{p.ballot, accepted_ballot_, accepted_value_});
}

// Step 5: accept unless a higher ballot was promised; persist, then tell
// every learner.
void SingleServer::OnAccept(Context& ctx, NodeId from, const Accept& a) {
  if (a.ballot < promised_) {
    ctx.Send(from, Nack{a.ballot, promised_});
    return;
  }
  promised_ = a.ballot;
  accepted_ballot_ = a.ballot;
  accepted_value_ = a.value;
  Persist(ctx);
  // Reported after the sync: it counts only if the disk got it.
  ctx.Observe(AcceptedValue<std::string>{0, a.ballot, a.value});
  for (NodeId l : o_.learners) ctx.Send(l, Accepted{a.ballot, a.value});
  if (!IsLearner(from)) ctx.Send(from, Accepted{a.ballot, a.value});
}

// Step 6: a learner knows the value once a quorum accepted it in one ballot.
void SingleServer::OnAccepted(Context& ctx, NodeId from, const Accepted& a) {
  if (learned_) return;
  // A proposer that is not a learner hears only about its own ballots.
  if (!IsLearner(ctx.id()) && a.ballot != ballot_) return;
  std::set<NodeId>& v = votes_[a.ballot];
  v.insert(from);
  if (static_cast<int>(v.size()) < quorum()) return;
  learned_ = a.value;
  ctx.Observe(LearnedValue<std::string>{0, a.value});
  ctx.Note("learn", static_cast<int64_t>(a.ballot));
  if (phase_ != Phase::kIdle) ctx.CancelTimer(phase_timer_);
  phase_ = Phase::kDone;
  for (NodeId c : waiting_clients_) ctx.Send(c, Decided{*learned_});
}

void SingleClient::OnStart(Context& ctx) {
  const int index = ctx.id() - num_servers_;  // 1-based
  const int64_t at = static_cast<size_t>(index - 1) < o_.invoke_at_ns.size() ? o_.invoke_at_ns[index - 1] : 0;
  ctx.SetTimer(at, 0);
}

void SingleClient::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  if (tracker_.Expired(tag)) {
    ctx.Record({.process = ctx.id(), .type = OpType::kInfo, .f = "propose"});
    done_ = true;
    return;
  }
  if (done_ || RequestTracker::IsTrackerTag(tag)) return;
  const int index = ctx.id() - num_servers_;
  const std::string value = absl::StrCat("c", index);
  const NodeId proposer = o_.proposers[(index - 1) % o_.proposers.size()];
  request_ = tracker_.Begin(ctx, o_.client_timeout_ns);
  ctx.Record({.process = ctx.id(), .type = OpType::kInvoke, .f = "propose", .value = Value::Str(value)});
  ctx.Send(proposer, Propose{value});
}

void SingleClient::OnMessage(Context& ctx, const Envelope& m) {
  if (m.type != Decided::kType || !tracker_.End(ctx, request_)) return;
  done_ = true;
  ctx.Record({.process = ctx.id(), .type = OpType::kOk, .f = "propose",
              .value = Value::Str(m.As<Decided>().value), .node = m.from});
}

}  // namespace dsim::paxos
