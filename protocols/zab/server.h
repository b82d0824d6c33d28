// A ZooKeeper server (QuorumPeer): FastLeaderElection, ZAB's discovery,
// synchronization and broadcast, and serving clients from the data tree
// (shared/docs/protocols.md 2.2-2.7).
//
// Durable: acceptedEpoch, currentEpoch and the transaction log (every
// proposal ever logged, committed or not - logs have no commit marks). The
// tree is volatile: a server rebuilds it from its log once it is in sync
// with a leader, and only then serves.
//
// Planted bugs: commit_without_quorum (the leader commits on its own ack),
// ack_before_persist (a follower acks before its log write is durable),
// skip_truncate (the leader sends DIFF where TRUNC was due, so a follower
// keeps a tail only the old leader had), vote_ignores_epoch (FLE compares
// zxid and id only).
#ifndef DSIM_PROTOCOLS_ZAB_SERVER_H_
#define DSIM_PROTOCOLS_ZAB_SERVER_H_

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocols/zab/messages.h"
#include "protocols/zab/observations.h"
#include "protocols/zab/tree.h"
#include "sim/process.h"
#include "sim/time.h"

namespace dsim::zab {

struct ServerOptions {
  int64_t tick_ns = 100 * kMillisecond;
  int init_limit = 10;  // ticks to establish a leader
  int sync_limit = 5;   // ticks of silence before giving up on a peer
  int64_t finalize_wait_ns = 200 * kMillisecond;
  int64_t notification_timeout_ns = 200 * kMillisecond;  // doubles per silent round
  int64_t notification_timeout_max_ns = 60 * kSecond;
  int64_t write_cost_ns = 0;  // CPU per write request at the leader (throughput model)
  int64_t read_cost_ns = 0;   // CPU per read answered
  int64_t ack_cost_ns = 0;    // CPU per follower ack the leader handles
  // sync: ZooKeeper's leader answers from its own state, so a deposed
  // leader that has not noticed answers stale (ZOOKEEPER-1675); with
  // quorum_sync a sync is a no-op transaction through the broadcast, answered
  // once a quorum of the current epoch has committed it.
  bool quorum_sync = false;
  bool bug_commit_without_quorum = false;
  bool bug_ack_before_persist = false;
  bool bug_skip_truncate = false;
  bool bug_vote_ignores_epoch = false;
};

class Server : public Process {
 public:
  explicit Server(const ServerOptions& o) : o_(o) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  enum Tag : uint64_t { kNotificationTimeout = 1, kFinalize = 2, kTick = 3 };
  enum class Phase { kElection, kDiscovery, kSync, kBroadcast };

  int n() const { return n_; }
  int quorum() const { return n_ / 2 + 1; }
  Zxid last_logged() const { return log_entries_.empty() ? 0 : log_entries_.back().zxid; }

  // --- durable state (server.cc) ---
  // Each writes its epoch, syncs, and reports the durable write.
  void SaveAcceptedEpoch(Context& ctx);
  void SaveCurrentEpoch(Context& ctx);
  void AppendLog(Context& ctx, const LogEntry& e);
  void TruncateLog(Context& ctx, Zxid after);
  void ReplaceLog(Context& ctx, const std::vector<LogEntry>& entries);
  void Sync(Context& ctx) { ctx.disk().Sync(); }

  // --- FastLeaderElection (election.cc) ---
  void StartLooking(Context& ctx);
  void OnNotification(Context& ctx, NodeId from, const Notification& n);
  bool Better(const Vote& a, const Vote& b) const;  // totalOrderPredicate
  void Broadcast(Context& ctx);
  void CheckQuorum(Context& ctx);
  bool CheckLeader(NodeId leader, uint64_t round) const;
  void Decide(Context& ctx, const Vote& v, uint64_t round);
  Notification MyNotification() const;

  // --- leader (leader.cc) ---
  void LeadStart(Context& ctx);
  void OnFollowerInfo(Context& ctx, NodeId from, const FollowerInfo& f);
  void OnAckEpoch(Context& ctx, NodeId from, const AckEpoch& a);
  void SyncFollower(Context& ctx, NodeId f, Zxid peer_last);
  void OnAckNewLeader(Context& ctx, NodeId from, const AckNewLeader& a);
  void Establish(Context& ctx);
  void Propose(Context& ctx, Txn request);
  void OnAck(Context& ctx, NodeId from, Zxid z);
  void TryCommit(Context& ctx);
  void LeaderTick(Context& ctx);
  void OnForward(Context& ctx, NodeId from, const Forward& f);

  // --- follower (follower.cc) ---
  void FollowStart(Context& ctx);
  void OnLeaderInfo(Context& ctx, NodeId from, const LeaderInfo& l);
  void OnSyncData(Context& ctx, NodeId from, const SyncData& s);
  void OnUpToDate(Context& ctx, NodeId from, const UpToDate& u);
  void OnProposal(Context& ctx, NodeId from, const Proposal& p);
  void OnCommit(Context& ctx, NodeId from, Zxid z);
  bool StreamBroken(Context& ctx, Zxid z, bool proposal);
  void FollowerTick(Context& ctx);

  // --- serving and applying (serving.cc) ---
  void RebuildTree(Context& ctx, Zxid upto);
  void ApplyCommitted(Context& ctx, Zxid upto);
  void ApplyOne(Context& ctx, const LogEntry& e);
  void OnConnect(Context& ctx, NodeId client, const Connect& c);
  void OnRequest(Context& ctx, NodeId client, const Request& r);
  void Answer(Context& ctx, NodeId client, const Request& r);
  void DrainSession(Context& ctx, int64_t session);
  void OnSyncReply(Context& ctx, const SyncReply& s);
  void Touch(Context& ctx, int64_t session);
  void StopServing(Context& ctx);
  void SubmitWrite(Context& ctx, Txn request);

  const ServerOptions& o_;
  int n_ = 0;
  NodeId self_ = 0;

  // Durable (mirrored in memory).
  uint32_t accepted_epoch_ = 0;
  uint32_t current_epoch_ = 0;
  std::vector<LogEntry> log_entries_;  // sorted by zxid

  PeerState state_ = PeerState::kLooking;
  Phase phase_ = Phase::kElection;
  TimerId tick_timer_;

  // FLE (volatile). The vote and the round outlive an election: the vote
  // answers notifications while leading or following.
  uint64_t logical_clock_ = 0;
  Vote vote_;
  uint64_t decided_round_ = 0;
  TimerId notification_timer_;
  TimerId finalize_timer_;
  // One election's tallies, begun afresh each time the server looks.
  struct Election {
    std::map<NodeId, Vote> recvset;
    std::map<NodeId, Notification> outofelection;
    int64_t notification_timeout_ns = 0;
    bool finalizing = false;
  };
  Election fle_;

  // Both roles once decided.
  NodeId leader_ = 0;
  uint32_t epoch_ = 0;       // the epoch being established or served
  Zxid committed_ = 0;       // the last zxid known committed
  int64_t phase_started_ = 0;  // monotonic
  int64_t last_heard_ = 0;     // follower: from the leader (monotonic)
  bool synced_ = false;        // follower: this leader's SYNC has been applied

  // Leader: one leadership's state, begun afresh when the server starts
  // leading and dropped when it looks again.
  struct Follower {
    bool info = false;
    uint32_t accepted_epoch = 0;
    bool acked_epoch = false;
    bool counted = false;
    Zxid last_zxid = 0;
    bool forwarding = false;  // synced: gets proposals
    bool acked_newleader = false;
    int64_t last_heard = 0;
  };
  struct Leading {
    std::map<NodeId, Follower> followers;
    bool epoch_fixed = false;
    bool epoch_acked = false;
    bool established = false;
    std::map<Zxid, uint64_t> acks;               // proposal -> servers that acked, one bit each
    std::map<int64_t, uint64_t> forwarded_xid;   // session -> last request proposed
    // From establishment on (Establish sets them).
    uint32_t counter = 0;
    DataTree prep;                               // the tree with every proposal applied: validates requests
    std::map<int64_t, int64_t> session_touch;    // session -> last touch (monotonic)
    std::set<int64_t> expiring;
  };
  Leading lead_;

  // Serving. The tree and the applied position survive a role change (the
  // tree is rebuilt from the log when the server serves again); the client
  // sessions attached here do not.
  bool serving_ = false;
  DataTree tree_;
  Zxid applied_ = 0;
  uint32_t delivery_sequence_ = 0;
  uint64_t connect_counter_ = 0;
  struct PendingConnect {
    uint64_t token;    // the create-session transaction's xid
    uint64_t attempt;  // the client's connect attempt, echoed
  };
  struct Pending {
    NodeId client;
    Request request;
    bool waiting = false;  // a write or sync in flight: later requests queue behind it
  };
  struct Sessions {
    std::map<NodeId, int64_t> connections;  // client -> session
    std::map<int64_t, NodeId> session_client;
    std::map<NodeId, PendingConnect> pending_connect;
    std::map<int64_t, std::deque<Pending>> queue;
    std::map<int64_t, uint64_t> last_xid;  // session -> last request taken (duplicates are dropped)
    std::map<std::string, std::set<int64_t>> data_watches, child_watches;
    std::vector<int64_t> touched;  // follower: sessions heard from since the last ping
  };
  Sessions sessions_;
};

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_SERVER_H_
