// Multi-Paxos replicated key-value store (shared/docs/protocols.md 1.7).
//
// Every server is acceptor, learner and would-be leader. A server that hears
// no leader for a randomized election timeout runs phase 1 once for every
// instance it has not seen chosen; with a quorum of promises it re-proposes
// the highest-ballot value reported for each instance up to the largest
// reported (a no-op for gaps) and then serves client commands, one phase 2
// round trip each. Followers learn chosen instances from the commit index
// the leader piggy-backs on accepts and heartbeats, and catch up from the
// leader when they miss some. Every server applies the log in order to its
// key-value map; the server a client asked answers it.
//
// Reads go through the log (`log` mode, linearizable) or, in `lease` mode,
// are answered by the leader while its lease holds: followers that heard the
// leader promise no other ballot for `lease` of their own clock, and the
// leader counts its lease from when it sent the heartbeat a quorum
// acknowledged, shortened by the drift it tolerates: lease * (1 - p)/(1 + p)
// of its own clock. Drift beyond p breaks that arithmetic.
//
// Planted bugs: acceptor_volatile_promise, proposer_ignores_accepted (a new
// leader fills reported instances with no-ops), quorum_off_by_one,
// lease_without_margin (the leader uses the whole lease).
#ifndef DSIM_PROTOCOLS_PAXOS_MULTI_H_
#define DSIM_PROTOCOLS_PAXOS_MULTI_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

#include "protocols/paxos/multi_messages.h"
#include "protocols/paxos/observations.h"
#include "sim/assert.h"
#include "sim/process.h"
#include "sim/time.h"

namespace dsim::paxos {

struct MultiOptions {
  bool lease_reads = false;
  int64_t election_timeout_ns = 150 * kMillisecond;  // uniform in [t, 2t]
  int64_t heartbeat_ns = 30 * kMillisecond;
  int64_t lease_ns = 300 * kMillisecond;
  int64_t max_drift_ppm = 100'000;  // the drift the lease tolerates (10%)
  NodeId initial_leader = 0;  // campaigns at boot, so that it leads first (0: none)
  bool bug_volatile_promise = false;
  bool bug_ignores_accepted = false;
  bool bug_quorum_off_by_one = false;
  bool bug_lease_without_margin = false;
};

// One server's commands: a slot holds the index of a command here where it
// would hold a copy, so that learning and re-proposing move 4 bytes. Append
// only, no deduplication (slots never compare commands). Each server (each
// incarnation) has its own: servers share nothing.
// Kept in fixed chunks, so that growing never moves a command (nor
// invalidates a reference to one).
class CommandStore {
 public:
  uint32_t Add(const Command& cmd) {
    if (size_ % kChunk == 0) chunks_.emplace_back().reserve(kChunk);
    chunks_.back().push_back(cmd);
    return size_++;
  }
  const Command& operator[](uint32_t id) const {
    DSIM_ASSERT_MSG(id < size_, "command %d of %d", id, size_);
    return chunks_[id / kChunk][id % kChunk];
  }

 private:
  static constexpr uint32_t kChunk = 128;
  std::vector<std::vector<Command>> chunks_;  // each reserved to kChunk, never grown past it
  uint32_t size_ = 0;
};

class MultiServer : public Process {
 public:
  explicit MultiServer(const MultiOptions& o) : o_(o) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

  bool is_leader() const { return role_ == Role::kLeader; }

 private:
  enum Tag : uint64_t { kElection = 1, kHeartbeat = 2 };
  enum class Role { kFollower, kCandidate, kLeader };
  static constexpr uint32_t kNone = UINT32_MAX;

  // One instance as this server knows it. Instances are dense from 1, so
  // the log is a vector indexed by instance rather than ordered maps.
  struct Slot {
    Ballot accepted_ballot = 0;  // 0: nothing accepted (durable, mirrored here)
    uint64_t votes = 0;          // leader: acceptors of `proposal`, one bit each
    uint32_t accepted = kNone;  // indices in commands_
    uint32_t chosen = kNone;    // learned chosen
    uint32_t proposal = kNone;  // leader: proposed in this ballot, not yet chosen
  };
  // A heartbeat round the leader counts acknowledgements of, for its lease.
  struct HeartbeatRound {
    uint64_t round = 0;
    int64_t sent = 0;   // monotonic
    uint64_t acks = 0;  // one bit per server
  };
  static constexpr size_t kHeartbeatRounds = 16;

  Slot& At(int64_t instance);  // grows the log
  Slot* Find(int64_t instance) {  // nullptr past the log's end
    return instance >= 1 && static_cast<size_t>(instance) < slots_.size() ? &slots_[instance] : nullptr;
  }
  int quorum(const Context& ctx) const { return Quorum(ctx.num_servers(), o_.bug_quorum_off_by_one); }
  void ArmElectionTimer(Context& ctx);
  void StepDown(Context& ctx, Ballot seen);
  // Leader election (phase 1 for all instances).
  void StartElection(Context& ctx);
  void OnPrepare(Context& ctx, NodeId from, const MPrepare& p);
  void OnPromise(Context& ctx, NodeId from, const MPromise& p);
  void BecomeLeader(Context& ctx);
  // Phase 2.
  void Propose(Context& ctx, int64_t instance, uint32_t command);
  void OnAccept(Context& ctx, NodeId from, const MAccept& a);
  void OnAccepted(Context& ctx, NodeId from, const MAccepted& a);
  void PersistPromise(Context& ctx);
  // Learning and applying.
  void LearnUpTo(Context& ctx, Ballot leader_ballot, int64_t commit_index);
  void Advance(Context& ctx);
  void Apply(Context& ctx, int64_t instance, uint32_t command);
  void OnCatchupReq(Context& ctx, NodeId from, const CatchupReq& r);
  // Clients, heartbeats, leases.
  void OnClientRequest(Context& ctx, NodeId from, const Command& cmd);
  void SendHeartbeats(Context& ctx);
  void ResendStaleAccepts(Context& ctx);
  void OnHeartbeat(Context& ctx, NodeId from, const Heartbeat& h);
  void OnHeartbeatAck(Context& ctx, NodeId from, const HeartbeatAck& a);
  bool LeaseHolds(Context& ctx) const;
  bool HeardFromLeader(Context& ctx, Ballot b);

  const MultiOptions& o_;
  CommandStore commands_;

  // Acceptor and proposer state on disk (mirrored in memory).
  Ballot promised_ = 0;
  uint32_t max_round_ = 0;
  std::vector<Slot> slots_{1};  // by instance; slot 0 is unused

  Role role_ = Role::kFollower;
  Ballot ballot_ = 0;      // ours, as candidate or leader
  NodeId leader_ = 0;      // who we believe leads
  // One election timer, re-armed lazily: hearing the leader only moves the
  // deadline, so the event queue does not fill with cancelled timers.
  TimerId election_timer_;
  int64_t election_deadline_ = 0;  // monotonic
  // Candidate.
  int64_t prepare_from_ = 1;
  std::map<NodeId, MPromise> promises_;
  // Leader.
  int64_t next_instance_ = 1;
  int64_t open_from_ = 1;  // no open proposal below this instance
  int64_t lease_read_floor_ = 0;  // lease reads wait until this is applied
  int64_t resend_below_ = 0;  // proposals older than the last heartbeat
  uint64_t hb_round_ = 0;
  std::array<HeartbeatRound, kHeartbeatRounds> hb_rounds_{};  // the latest, by round % size
  int64_t lease_expires_ = 0;  // monotonic clock
  // Follower lease: no other ballot is promised before this (monotonic).
  int64_t lease_until_ = 0;
  int64_t catchup_asked_at_ = -1;
  // State machine.
  int64_t applied_ = 0;
  absl::flat_hash_map<std::string, int64_t> kv_;
  absl::flat_hash_map<int32_t, uint64_t> last_seq_;  // dedupe: highest applied seq per client
  absl::flat_hash_map<std::pair<int32_t, uint64_t>, NodeId> waiting_;  // requests received here
  std::string scratch_;  // for encoding log entries
};

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_MULTI_H_
