// Two-phase and three-phase commit over sharded bank accounts.
//
// Server 1 is the coordinator; servers 2..n are participants, each owning the
// accounts a with a mod (n - 1) == its index. Clients send transfers (between
// two accounts, possibly on two shards) and reads of every balance to the
// coordinator, which runs one atomic-commit instance per transaction.
//
// A participant locks what a transaction touches (no waiting: a conflict
// votes no), forces a prepared record before a yes vote, and once uncertain
// may not decide alone. 2PC: the coordinator forces its decision before
// announcing it; an uncertain participant asks the coordinator and its peers
// (cooperative termination) and blocks while nobody knows. 3PC adds the
// pre-commit state; a participant that times out uncertain or pre-committed
// runs the termination protocol with the participants it can reach, the
// lowest id deciding: any aborted -> abort, any committed or pre-committed ->
// commit, all uncertain -> abort. That is non-blocking under crashes, and
// unsafe under partitions (shared/docs/protocols.md 3.3).
//
// Planted bugs: commit_on_majority, vote_not_persisted, decision_not_logged.
#ifndef DSIM_PROTOCOLS_COMMIT_COMMIT_H_
#define DSIM_PROTOCOLS_COMMIT_COMMIT_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocols/commit/messages.h"
#include "sim/check/atomic_commit.h"
#include "sim/client.h"
#include "sim/observations.h"
#include "sim/process.h"
#include "sim/request.h"
#include "sim/simulator.h"
#include "sim/time.h"

namespace dsim::commit {

struct CommitOptions {
  bool three_phase = false;
  int accounts = 8;
  int64_t initial_balance = 100;
  int64_t vote_timeout_ns = 50 * kMillisecond;       // coordinator: votes
  int64_t preack_timeout_ns = 50 * kMillisecond;     // 3PC coordinator: pre-acks
  int64_t resend_ns = 50 * kMillisecond;             // coordinator: re-announce a decision
  int64_t uncertain_timeout_ns = 50 * kMillisecond;  // participant: uncertain too long
  int64_t termination_wait_ns = 20 * kMillisecond;   // 3PC: collecting states
  bool bug_commit_on_majority = false;
  bool bug_vote_not_persisted = false;
  bool bug_decision_not_logged = false;

  int num_participants(int num_servers) const { return num_servers - 1; }
  NodeId ShardOf(int32_t account, int num_servers) const {
    return static_cast<NodeId>(2 + account % num_participants(num_servers));
  }
};

// What the run observes, for the checks. Durable facts are stamped after
// their sync and count only if the node survived to the stamp.
// What coordinator and participants report with Context::Observe for the
// checks; the engine stamps each with its node and true time. A vote, a
// decision or an ack is reported after the sync it depends on, so it counts
// only if the node was still up then.
struct TxParticipants {  // the coordinator chose them (unstamped: any report counts)
  TxId tx;
  std::vector<NodeId> nodes;
};
struct VoteCast {
  TxId tx;
  bool yes;
};
struct DecisionMade {
  TxId tx;
  bool commit;
};
struct CommitAcked {
  TxId tx;
};

// The checks' view of what a run's processes reported.
class CommitLog {
 public:
  CommitLog(const Observations& o, const Observer& observer) : o_(o), observer_(observer) {}
  // The atomic-commit inputs, keeping what survived.
  std::map<std::string, std::set<int32_t>> participants() const;
  std::vector<::dsim::Vote> votes() const;
  std::vector<CommitDecision> decisions() const;
  std::vector<std::pair<NodeId, TxId>> acked_commits() const;
  // Per participant and transaction: how long it was uncertain (voted yes,
  // holding its locks) before it learned the outcome; open ones end at `end`.
  std::vector<int64_t> UncertainTimes(int64_t end) const;

 private:
  const Observations& o_;
  const Observer& observer_;
};

class Participant : public Process {
 public:
  explicit Participant(const CommitOptions& o) : o_(o) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  struct Tx {
    State state = State::kInit;
    PreparedRecord record;
    std::map<NodeId, StateResp> peers;  // termination: states heard
    bool terminating = false;
    bool recovered = false;  // uncertain since a restart
  };
  void OnPrepare(Context& ctx, NodeId from, const Prepare& p);
  void OnPreCommit(Context& ctx, NodeId from, const PreCommit& p);
  void Decide(Context& ctx, TxId tx, bool commit, NodeId ack_to);
  void OnStateReq(Context& ctx, NodeId from, TxId tx);
  void OnStateResp(Context& ctx, NodeId from, const StateResp& r);
  void OnUncertainTimeout(Context& ctx, TxId tx);
  void FinishTermination(Context& ctx, TxId tx);
  void Lock(TxId tx, const std::vector<Change>& changes, bool read_all);
  void Unlock(TxId tx);
  void SaveBalances(Context& ctx);
  State StateOf(TxId tx) const;

  const CommitOptions& o_;
  std::map<int32_t, int64_t> balances_;  // durable ("balances")
  std::map<TxId, Tx> txs_;               // prepared ones are durable ("p/", "pc/", "d/")
  std::map<int32_t, TxId> locks_;        // account -> holder
  std::set<TxId> read_locks_;            // transactions reading every account
  // Timer tags carry a token; the transaction it is for is looked up here.
  uint64_t next_token_ = 1;
  std::map<uint64_t, TxId> timer_tx_;
  void SetTxTimer(Context& ctx, int64_t delay_ns, uint64_t kind, TxId tx);
};

class Coordinator : public Process {
 public:
  explicit Coordinator(const CommitOptions& o) : o_(o) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  enum class Stage { kVoting, kPrecommitting, kDecided };
  struct Tx {
    NodeId client = 0;
    uint32_t seq = 0;
    bool read_all = false;
    std::vector<NodeId> participants;
    std::map<NodeId, bool> votes;
    std::set<NodeId> preacks;
    std::set<NodeId> acks;
    std::map<int32_t, int64_t> balances;  // reads
    Stage stage = Stage::kVoting;
    bool commit = false;
  };
  void OnRequest(Context& ctx, NodeId client, const TxRequest& r);
  void OnVote(Context& ctx, NodeId from, const Vote& v);
  void Decide(Context& ctx, TxId tx, bool commit);
  void Announce(Context& ctx, TxId tx);

  uint64_t Index(TxId tx);  // a small number for timer tags

  const CommitOptions& o_;
  std::map<TxId, Tx> txs_;
  std::map<TxId, uint64_t> index_;
  std::vector<TxId> order_;
};

struct ScriptedTx {
  bool read_all = false;
  int32_t from = 0, to = 0;
  int64_t amount = 0;
};

struct ClientOptions {
  std::vector<ScriptedTx> script;  // client 1 runs these, then stops; others are random
  int64_t think_ns = 10 * kMillisecond;
  int64_t timeout_ns = 300 * kMillisecond;
  int read_weight = 1, transfer_weight = 4;
  int64_t max_amount = 30;
  int64_t stop_ns = -1;
};

class Client : public Process {
 public:
  Client(const CommitOptions& o, const ClientOptions& c) : o_(o), c_(c) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  void Next(Context& ctx);
  const CommitOptions& o_;
  const ClientOptions& c_;
  RequestTracker tracker_;
  uint64_t request_ = 0;
  uint32_t seq_ = 0;
  bool busy_ = false;
  bool scripted_ = false;
  size_t script_pos_ = 0;
  TxRequest current_;
  HistoryProcess process_;
};

}  // namespace dsim::commit

#endif  // DSIM_PROTOCOLS_COMMIT_COMMIT_H_
