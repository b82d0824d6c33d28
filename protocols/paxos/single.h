// Single-decree Paxos (shared/docs/protocols.md 1.5): proposers, acceptors
// and learners choosing one value among those clients propose.
//
// The scenario names which servers propose, accept and learn (by default
// every server learns); a proposer also learns the fate of its own ballots. A proposer persists the highest round it used before its
// Prepare; an acceptor persists its promise and its accepted (ballot, value)
// before it answers. A proposer abandons a ballot on a Nack or a timeout and
// retries with a higher round, after a randomized backoff unless it is off.
//
// Planted bugs: acceptor_volatile_promise (the promise lives only in
// memory), proposer_ignores_accepted (phase 2 uses the proposer's own value
// whatever the promises reported), quorum_off_by_one (n/2, not n/2 + 1).
#ifndef DSIM_PROTOCOLS_PAXOS_SINGLE_H_
#define DSIM_PROTOCOLS_PAXOS_SINGLE_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocols/paxos/ballot.h"
#include "protocols/paxos/observations.h"
#include "sim/codec.h"
#include "sim/process.h"
#include "sim/request.h"
#include "sim/time.h"

namespace dsim::paxos {

struct SingleOptions {
  std::vector<NodeId> proposers;
  std::vector<NodeId> acceptors;
  std::vector<NodeId> learners;  // default: every server
  bool backoff = true;
  int64_t backoff_base_ns = 2 * kMillisecond;
  int64_t backoff_max_ns = 200 * kMillisecond;
  int64_t phase_timeout_ns = 50 * kMillisecond;
  // An acceptor that promises a higher ballot tells the proposer of the
  // ballot it promised before, which can then retry at once.
  bool nack_on_preempt = false;
  // Clients: client c sends its value "c<c>" to proposers[(c - 1) % P] at
  // invoke_at[c - 1] (default: time 0).
  std::vector<int64_t> invoke_at_ns;
  int64_t client_timeout_ns = kSecond;
  bool bug_volatile_promise = false;
  bool bug_ignores_accepted = false;
  bool bug_quorum_off_by_one = false;
};

// Messages (phase numbers as in Paxos Made Simple).
struct Propose {  // client -> proposer
  static constexpr uint16_t kType = 1;
  static constexpr const char* kName = "Propose";
  std::string value;
  DSIM_FIELDS(value)
};
struct Decided {  // proposer -> client
  static constexpr uint16_t kType = 2;
  static constexpr const char* kName = "Decided";
  std::string value;
  DSIM_FIELDS(value)
};
struct Prepare {  // 1a
  static constexpr uint16_t kType = 3;
  static constexpr const char* kName = "Prepare";
  Ballot ballot = 0;
  DSIM_FIELDS(ballot)
};
struct Promise {  // 1b
  static constexpr uint16_t kType = 4;
  static constexpr const char* kName = "Promise";
  Ballot ballot = 0;
  Ballot accepted_ballot = 0;
  std::string accepted_value;
  DSIM_FIELDS(ballot, accepted_ballot, accepted_value)
};
struct Nack {
  static constexpr uint16_t kType = 5;
  static constexpr const char* kName = "Nack";
  Ballot ballot = 0;    // the ballot refused (or preempted)
  Ballot promised = 0;  // the acceptor's promise
  DSIM_FIELDS(ballot, promised)
};
struct Accept {  // 2a
  static constexpr uint16_t kType = 6;
  static constexpr const char* kName = "Accept";
  Ballot ballot = 0;
  std::string value;
  DSIM_FIELDS(ballot, value)
};
struct Accepted {  // 2b, to every learner
  static constexpr uint16_t kType = 7;
  static constexpr const char* kName = "Accepted";
  Ballot ballot = 0;
  std::string value;
  DSIM_FIELDS(ballot, value)
};

// What the run observes besides the Paxos log, for the facts: a proposer
// started a ballot.
struct BallotStarted {
  Ballot ballot;
};

class SingleServer : public Process {
 public:
  explicit SingleServer(const SingleOptions& o) : o_(o), n_acceptors_(static_cast<int>(o.acceptors.size())) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  enum Tag : uint64_t { kPhaseTimeout = 1, kRetry = 2 };
  enum class Phase { kIdle, kOne, kTwo, kDone };
  bool IsProposer(NodeId id) const;
  bool IsAcceptor(NodeId id) const;
  bool IsLearner(NodeId id) const;
  int quorum() const { return Quorum(n_acceptors_, o_.bug_quorum_off_by_one); }
  // Proposer.
  void StartBallot(Context& ctx);
  void Abandon(Context& ctx, Ballot seen);
  void OnPromise(Context& ctx, NodeId from, const Promise& p);
  // Acceptor.
  void OnPrepare(Context& ctx, NodeId from, const Prepare& p);
  void OnAccept(Context& ctx, NodeId from, const Accept& a);
  void Persist(Context& ctx);
  // Learner.
  void OnAccepted(Context& ctx, NodeId from, const Accepted& a);

  const SingleOptions& o_;
  int n_acceptors_;

  // Proposer: durable max_round; the rest volatile.
  uint32_t max_round_ = 0;
  std::optional<std::string> my_value_;
  std::set<NodeId> waiting_clients_;
  Phase phase_ = Phase::kIdle;
  Ballot ballot_ = 0;
  std::map<NodeId, Promise> promises_;
  int failures_ = 0;
  TimerId phase_timer_;
  // Acceptor: durable.
  Ballot promised_ = 0;
  Ballot accepted_ballot_ = 0;
  std::string accepted_value_;
  // Learner: volatile.
  std::map<Ballot, std::set<NodeId>> votes_;
  std::optional<std::string> learned_;
};

class SingleClient : public Process {
 public:
  SingleClient(const SingleOptions& o, int num_servers) : o_(o), num_servers_(num_servers) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  const SingleOptions& o_;
  int num_servers_;
  RequestTracker tracker_;
  uint64_t request_ = 0;
  bool done_ = false;
};

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_SINGLE_H_
