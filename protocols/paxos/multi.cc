#include "protocols/paxos/multi.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "sim/durable.h"

namespace dsim::paxos {
namespace {

// What an acceptor keeps: its promise, the highest round it used, and each
// instance's acceptance under "a/" and 12 decimal digits (instance order;
// the key fits in a string's inline buffer).
constexpr DurableCell<Ballot> kPromised{"promised"};
constexpr DurableCell<uint32_t> kMaxRound{"max_round"};
constexpr DurableTable<int64_t, LogEntry, DecimalKey<12>> kAccepted{"a/"};

// Reports point at the command they name (in the server's store, or in the
// message being handled) rather than copying it: the run interns it as the
// report is filed.
using Cmd = Borrowed<Command>;

}  // namespace

MultiServer::Slot& MultiServer::At(int64_t instance) {
  DSIM_ASSERT_MSG(instance >= 1, "instance %d", instance);
  if (static_cast<size_t>(instance) >= slots_.size()) slots_.resize(static_cast<size_t>(instance) + 1);
  return slots_[instance];
}

void MultiServer::OnStart(Context& ctx) {
  promised_ = kPromised.Load(ctx).value_or(0);
  max_round_ = kMaxRound.Load(ctx).value_or(0);
  kAccepted.Scan(ctx, [&](int64_t instance, const LogEntry& e) {
    DSIM_ASSERT_MSG(e.instance == instance, "the record of instance %d holds instance %d", instance, e.instance);
    Slot& slot = At(e.instance);
    slot.accepted_ballot = e.ballot;
    slot.accepted = commands_.Add(e.cmd);
  });
  if (ctx.id() == o_.initial_leader && ctx.incarnation() == 0) {
    StartElection(ctx);
    return;
  }
  ArmElectionTimer(ctx);
}

void MultiServer::ArmElectionTimer(Context& ctx) {
  const int64_t delay = ctx.rng().UniformInt(o_.election_timeout_ns, 2 * o_.election_timeout_ns);
  const bool pending = election_timer_.valid();
  election_deadline_ = ctx.Monotonic() + delay;
  if (!pending) election_timer_ = ctx.SetTimer(delay, kElection);
}

void MultiServer::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  if (tag == kElection) {
    election_timer_ = TimerId{};
    const int64_t now = ctx.Monotonic();
    if (now < election_deadline_) {  // the leader was heard since: wait on
      election_timer_ = ctx.SetTimer(election_deadline_ - now, kElection);
    } else if (role_ != Role::kLeader) {
      StartElection(ctx);
    }
    return;
  }
  if (tag == kHeartbeat && role_ == Role::kLeader) SendHeartbeats(ctx);
}

void MultiServer::OnMessage(Context& ctx, const Envelope& m) {
  switch (m.type) {
    case ClientRequest::kType:
      return OnClientRequest(ctx, m.from, m.As<ClientRequest>().cmd);
    case MPrepare::kType:
      return OnPrepare(ctx, m.from, m.As<MPrepare>());
    case MPromise::kType:
      return OnPromise(ctx, m.from, m.As<MPromise>());
    case MNack::kType: {
      const MNack n = m.As<MNack>();
      if (role_ != Role::kFollower && n.ballot == ballot_ && n.promised > ballot_) StepDown(ctx, n.promised);
      return;
    }
    case MAccept::kType:
      return OnAccept(ctx, m.from, m.As<MAccept>());
    case MAccepted::kType:
      return OnAccepted(ctx, m.from, m.As<MAccepted>());
    case Heartbeat::kType:
      return OnHeartbeat(ctx, m.from, m.As<Heartbeat>());
    case HeartbeatAck::kType:
      return OnHeartbeatAck(ctx, m.from, m.As<HeartbeatAck>());
    case CatchupReq::kType:
      return OnCatchupReq(ctx, m.from, m.As<CatchupReq>());
    case CatchupResp::kType: {
      for (const LogEntry& e : m.As<CatchupResp>().chosen) {
        Slot& slot = At(e.instance);
        if (slot.chosen == kNone) slot.chosen = commands_.Add(e.cmd);
      }
      catchup_asked_at_ = -1;
      Advance(ctx);
      return;
    }
  }
}

void MultiServer::StepDown(Context& ctx, Ballot seen) {
  max_round_ = std::max(max_round_, BallotRound(seen));
  if (role_ != Role::kFollower) ctx.Note("step_down", static_cast<int64_t>(ballot_));
  role_ = Role::kFollower;
  for (size_t i = static_cast<size_t>(open_from_); i < slots_.size(); ++i) {
    slots_[i].proposal = kNone;
    slots_[i].votes = 0;
  }
  lease_expires_ = 0;
  ArmElectionTimer(ctx);
}

// --- Phase 1, once for all instances from prepare_from_ on -----------------------

void MultiServer::StartElection(Context& ctx) {
  role_ = Role::kCandidate;
  max_round_ = std::max(max_round_, BallotRound(promised_)) + 1;
  kMaxRound.Store(ctx, max_round_);
  ctx.disk().Sync();  // never reuse a ballot after a restart
  ballot_ = MakeBallot(max_round_, static_cast<uint32_t>(ctx.id()));
  DSIM_ASSERT_MSG(ballot_ > promised_, "election ballot %s is not above the promise %s", FormatBallot(ballot_),
                  FormatBallot(promised_));
  prepare_from_ = applied_ + 1;
  promises_.clear();
  ctx.Note("election", static_cast<int64_t>(ballot_));
  ctx.SendToServers(MPrepare{ballot_, prepare_from_});
  ArmElectionTimer(ctx);
}

void MultiServer::PersistPromise(Context& ctx) {
  // BUG(acceptor_volatile_promise): the promise stays in memory only.
  if (!o_.bug_volatile_promise) kPromised.Store(ctx, promised_);
}

void MultiServer::OnPrepare(Context& ctx, NodeId from, const MPrepare& p) {
  // A follower that granted a leader its lease promises nobody else until
  // the lease has run out on its own clock - itself included: a follower
  // cut off from the leader times out long before the lease it granted.
  const bool leased = lease_until_ > ctx.Monotonic() && from != leader_;
  if (p.ballot <= promised_ || leased) {
    ctx.Send(from, MNack{p.ballot, promised_});
    return;
  }
  promised_ = p.ballot;
  PersistPromise(ctx);
  ctx.disk().Sync();
  ctx.Observe(PromiseSet{promised_});
  if (role_ != Role::kFollower && ballot_ != p.ballot) StepDown(ctx, p.ballot);
  MPromise reply{p.ballot, {}};
  for (size_t i = static_cast<size_t>(std::max<int64_t>(p.from_instance, 1)); i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    if (slot.accepted != kNone) {
      reply.accepted.push_back({static_cast<int64_t>(i), slot.accepted_ballot, commands_[slot.accepted]});
    }
  }
  ctx.Send(from, reply);
}

void MultiServer::OnPromise(Context& ctx, NodeId from, const MPromise& p) {
  if (role_ != Role::kCandidate || p.ballot != ballot_) return;
  if (!promises_.emplace(from, p).second) return;
  PromiseReceived<Cmd> received{from, ballot_, {}};
  received.reported.reserve(p.accepted.size());
  for (const LogEntry& e : p.accepted) received.reported.push_back({e.instance, e.ballot, e.cmd});
  ctx.Observe(std::move(received));
  if (static_cast<int>(promises_.size()) >= quorum(ctx)) BecomeLeader(ctx);
}

// Phase 1 done: re-propose the highest-ballot value reported for every
// instance up to the largest reported, a no-op for gaps (step 3).
void MultiServer::BecomeLeader(Context& ctx) {
  DSIM_ASSERT_MSG(static_cast<int>(promises_.size()) >= quorum(ctx), "leader with %d promises of %d servers",
                  promises_.size(), ctx.num_servers());
  DSIM_ASSERT(o_.bug_quorum_off_by_one || 2 * quorum(ctx) > ctx.num_servers());
  role_ = Role::kLeader;
  leader_ = ctx.id();
  ctx.Note("leader", static_cast<int64_t>(ballot_));
  ctx.Observe(BecameLeader{ballot_});
  std::map<int64_t, LogEntry> best;
  int64_t last = prepare_from_ - 1;
  for (const auto& [acceptor, promise] : promises_) {
    for (const LogEntry& e : promise.accepted) {
      last = std::max(last, e.instance);
      auto it = best.find(e.instance);
      if (it == best.end() || e.ballot > it->second.ballot) best[e.instance] = e;
    }
  }
  next_instance_ = std::max(last, applied_) + 1;
  resend_below_ = 0;
  lease_read_floor_ = next_instance_ - 1;
  open_from_ = prepare_from_;
  for (int64_t i = prepare_from_; i < next_instance_; ++i) {
    if (const Slot* slot = Find(i); slot != nullptr && slot->chosen != kNone) continue;
    auto it = best.find(i);
    Command cmd;  // a no-op
    // BUG(proposer_ignores_accepted): reported values are replaced by no-ops.
    if (it != best.end() && !o_.bug_ignores_accepted) cmd = it->second.cmd;
    Propose(ctx, i, commands_.Add(cmd));
  }
  SendHeartbeats(ctx);
}

// --- Phase 2 -------------------------------------------------------------------

void MultiServer::Propose(Context& ctx, int64_t instance, uint32_t command) {
  At(instance).proposal = command;
  const Command& cmd = commands_[command];
  ctx.Observe(AcceptSent<Cmd>{instance, ballot_, cmd});
  ctx.SendToServers(MAccept{ballot_, instance, cmd, applied_});
}

bool MultiServer::HeardFromLeader(Context& ctx, Ballot b) {
  leader_ = static_cast<NodeId>(BallotProposer(b));
  if (role_ != Role::kFollower && b != ballot_) StepDown(ctx, b);
  if (role_ == Role::kFollower) ArmElectionTimer(ctx);
  if (o_.lease_reads && leader_ != ctx.id()) lease_until_ = ctx.Monotonic() + o_.lease_ns;
  return true;
}

void MultiServer::OnAccept(Context& ctx, NodeId from, const MAccept& a) {
  if (a.ballot < promised_) {
    ctx.Send(from, MNack{a.ballot, promised_});
    return;
  }
  if (a.ballot > promised_) {  // accepting raises the promise too
    promised_ = a.ballot;
    PersistPromise(ctx);
  }
  Slot& slot = At(a.instance);
  slot.accepted_ballot = a.ballot;
  slot.accepted = commands_.Add(a.cmd);
  scratch_.clear();
  EncodeTo(LogEntry{a.instance, a.ballot, a.cmd}, scratch_);
  kAccepted.PutEncoded(ctx, a.instance, scratch_);
  ctx.disk().Sync();  // persist before the reply leaves
  // Reported after the sync: it counts only if the disk got it.
  ctx.Observe(AcceptedValue<Cmd>{a.instance, a.ballot, a.cmd});
  ctx.Send(from, MAccepted{a.ballot, a.instance});
  HeardFromLeader(ctx, a.ballot);
  LearnUpTo(ctx, a.ballot, a.commit_index);
}

void MultiServer::OnAccepted(Context& ctx, NodeId from, const MAccepted& a) {
  if (role_ != Role::kLeader || a.ballot != ballot_) return;
  Slot* slot = Find(a.instance);
  if (slot == nullptr || slot->proposal == kNone) return;
  DSIM_ASSERT_MSG(from >= 1 && from <= ctx.num_servers(), "an Accepted from node %d", from);
  slot->votes |= 1ull << (from - 1);
  if (__builtin_popcountll(slot->votes) < quorum(ctx)) return;
  if (slot->chosen == kNone) slot->chosen = slot->proposal;
  slot->proposal = kNone;
  slot->votes = 0;
  Advance(ctx);
}

// --- Learning and applying -------------------------------------------------------

// The leader of `leader_ballot` says instances up to commit_index are chosen.
// What we accepted in that same ballot is the chosen value (one value per
// ballot and instance); anything else we fetch.
void MultiServer::LearnUpTo(Context& ctx, Ballot leader_ballot, int64_t commit_index) {
  bool missing = false;
  for (int64_t i = applied_ + 1; i <= commit_index; ++i) {
    if (static_cast<size_t>(i) >= slots_.size()) {
      missing = true;  // nothing accepted there, nor after
      break;
    }
    Slot& slot = slots_[i];
    if (slot.chosen != kNone) continue;
    if (slot.accepted != kNone && slot.accepted_ballot == leader_ballot) {
      slot.chosen = slot.accepted;
    } else {
      missing = true;
    }
  }
  Advance(ctx);
  const int64_t now = ctx.Monotonic();
  if (missing && leader_ != 0 && leader_ != ctx.id() &&
      (catchup_asked_at_ < 0 || now - catchup_asked_at_ > o_.heartbeat_ns)) {
    catchup_asked_at_ = now;
    ctx.Send(leader_, CatchupReq{applied_ + 1});
  }
}

void MultiServer::Advance(Context& ctx) {
  while (static_cast<size_t>(applied_) + 1 < slots_.size() && slots_[applied_ + 1].chosen != kNone) {
    Apply(ctx, applied_ + 1, slots_[applied_ + 1].chosen);
  }
}

void MultiServer::Apply(Context& ctx, int64_t instance, uint32_t command) {
  DSIM_ASSERT_MSG(instance == applied_ + 1, "applying instance %d after %d", instance, applied_);
  applied_ = instance;
  const Command& cmd = commands_[command];
  ctx.Observe(LearnedValue<Cmd>{instance, cmd});
  if (cmd.kind == Command::kNoop) return;
  ClientReply reply{cmd.seq, ClientReply::kOk, false, 0, ctx.id()};
  uint64_t& last = last_seq_[cmd.client];
  if (cmd.seq > last) {  // dedupe by (client, seq)
    last = cmd.seq;
    auto it = kv_.find(cmd.key);
    switch (cmd.kind) {
      case Command::kRead:
        reply.has_value = it != kv_.end();
        reply.value = reply.has_value ? it->second : 0;
        break;
      case Command::kWrite:
        kv_[cmd.key] = cmd.value;
        break;
      case Command::kCas:
        if (it != kv_.end() && it->second == cmd.expected) {
          it->second = cmd.value;
        } else {
          reply.status = ClientReply::kCasFailed;
        }
        break;
      case Command::kNoop:
        break;
    }
  }
  auto w = waiting_.find({cmd.client, cmd.seq});
  if (w != waiting_.end()) {
    ctx.Send(w->second, reply);
    waiting_.erase(w);
  }
}

// A lagging server asks for what it missed: up to 256 chosen instances from
// `from_instance` on, in order.
void MultiServer::OnCatchupReq(Context& ctx, NodeId from, const CatchupReq& r) {
  CatchupResp resp;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(r.from_instance, 1));
       i < slots_.size() && resp.chosen.size() < 256; ++i) {
    if (slots_[i].chosen != kNone) resp.chosen.push_back({static_cast<int64_t>(i), 0, commands_[slots_[i].chosen]});
  }
  if (!resp.chosen.empty()) ctx.Send(from, resp);
}

// --- Clients, heartbeats and leases ------------------------------------------------

void MultiServer::OnClientRequest(Context& ctx, NodeId from, const Command& cmd) {
  if (role_ != Role::kLeader) {
    ctx.Send(from, ClientReply{cmd.seq, ClientReply::kRedirect, false, 0, leader_});
    return;
  }
  if (cmd.kind == Command::kRead && o_.lease_reads && LeaseHolds(ctx)) {
    ctx.Note("lease_read", static_cast<int64_t>(ballot_));
    auto it = kv_.find(cmd.key);
    ctx.Send(from, ClientReply{cmd.seq, ClientReply::kOk, it != kv_.end(),
                               it != kv_.end() ? it->second : 0, ctx.id()});
    return;
  }
  waiting_[{cmd.client, cmd.seq}] = from;
  Propose(ctx, next_instance_++, commands_.Add(cmd));
}

bool MultiServer::LeaseHolds(Context& ctx) const {
  return applied_ >= lease_read_floor_ && ctx.Monotonic() < lease_expires_;
}

void MultiServer::SendHeartbeats(Context& ctx) {
  ++hb_round_;
  hb_rounds_[hb_round_ % kHeartbeatRounds] = {hb_round_, ctx.Monotonic(), 1ull << (ctx.id() - 1)};
  for (NodeId s = 1; s <= ctx.num_servers(); ++s) {
    if (s != ctx.id()) ctx.Send(s, Heartbeat{ballot_, applied_, hb_round_});
  }
  ResendStaleAccepts(ctx);
  ctx.SetTimer(o_.heartbeat_ns, kHeartbeat);
}

// An Accept lost to a cut or a lossy link would otherwise leave a hole that
// blocks every later instance for as long as this leader lives. Proposals
// still open a whole heartbeat after they were sent go again, to the
// acceptors that have not answered.
void MultiServer::ResendStaleAccepts(Context& ctx) {
  while (open_from_ < next_instance_ && static_cast<size_t>(open_from_) < slots_.size() &&
         slots_[open_from_].proposal == kNone) {
    ++open_from_;
  }
  int budget = 64;
  const int64_t end = std::min<int64_t>(resend_below_, static_cast<int64_t>(slots_.size()));
  for (int64_t i = open_from_; i < end; ++i) {
    const Slot& slot = slots_[i];
    if (slot.proposal == kNone) continue;
    if (--budget < 0) break;
    const MAccept again{ballot_, i, commands_[slot.proposal], applied_};
    for (NodeId s = 1; s <= ctx.num_servers(); ++s) {
      if ((slot.votes >> (s - 1) & 1) == 0) ctx.Send(s, again);
    }
  }
  resend_below_ = next_instance_;
}

void MultiServer::OnHeartbeat(Context& ctx, NodeId from, const Heartbeat& h) {
  if (h.ballot < promised_) {
    ctx.Send(from, MNack{h.ballot, promised_});
    return;
  }
  if (h.ballot > promised_) {  // a leader we have not promised: follow, grant nothing
    leader_ = from;
    if (role_ == Role::kFollower) ArmElectionTimer(ctx);
    return;
  }
  HeardFromLeader(ctx, h.ballot);
  ctx.Send(from, HeartbeatAck{h.ballot, h.round});
  LearnUpTo(ctx, h.ballot, h.commit_index);
}

void MultiServer::OnHeartbeatAck(Context& ctx, NodeId from, const HeartbeatAck& a) {
  if (role_ != Role::kLeader || a.ballot != ballot_) return;
  HeartbeatRound& r = hb_rounds_[a.round % kHeartbeatRounds];
  if (r.round != a.round || a.round == 0) return;
  DSIM_ASSERT_MSG(from >= 1 && from <= ctx.num_servers(), "a heartbeat ack from node %d", from);
  r.acks |= 1ull << (from - 1);
  if (__builtin_popcountll(r.acks) < quorum(ctx)) return;
  // Followers' leases started no earlier than this heartbeat left; they run
  // on clocks that may be fast by the tolerated drift, ours slow by it.
  const double p = static_cast<double>(o_.max_drift_ppm) / 1e6;
  // BUG(lease_without_margin): the leader counts the whole lease.
  const double factor = o_.bug_lease_without_margin ? 1.0 : (1.0 - p) / (1.0 + p);
  const int64_t lease = static_cast<int64_t>(static_cast<double>(o_.lease_ns) * factor);
  lease_expires_ = std::max(lease_expires_, r.sent + lease);
}

}  // namespace dsim::paxos
