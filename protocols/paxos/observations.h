// What Paxos nodes did, as the checks of shared/docs/protocols.md 1.8 need it:
// promises, acceptances, proposals sent, values learned. Nodes append; the
// run's checks read. Values are interned once and referred to by id.
//
// Acceptances and promises are durable state: an acceptor stamps them after
// its disk sync (Context::Stamp), and Settle() keeps only those whose node
// was still up at the stamp - an acceptance a crash erased never happened.
#ifndef DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_
#define DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "protocols/paxos/ballot.h"
#include "sim/check/consensus.h"
#include "sim/protocol.h"
#include "sim/interner.h"
#include "sim/simulator.h"

namespace dsim::paxos {

using ValueId = uint32_t;

struct Reported {
  int64_t instance;  // single-decree: 0
  Ballot ballot;     // the acceptor's accepted ballot there
  ValueId value;
};

// A Promise as its proposer received it, while still in phase 1.
struct PromiseEvent {
  int64_t time_ns;
  NodeId acceptor;
  NodeId proposer;
  Ballot ballot;
  std::vector<Reported> reported;  // what the acceptor had accepted
};

struct AcceptedEvent {
  int64_t time_ns;
  NodeId acceptor;
  int64_t instance;
  Ballot ballot;
  ValueId value;
  ObservationStamp stamp;
};

struct AcceptSentEvent {
  int64_t time_ns;
  NodeId proposer;
  int64_t instance;
  Ballot ballot;
  ValueId value;
};

struct LearnEvent {
  int64_t time_ns;
  NodeId node;
  uint32_t incarnation;
  int64_t instance;
  ValueId value;
};

struct PromiseWrite {
  int64_t time_ns;
  Ballot ballot;
  ObservationStamp stamp;
};

class PaxosLog {
 public:
  void Attach(const Observer* observer) { observer_ = observer; }
  int64_t now() const { return observer_->now(); }

  ValueId Intern(std::string_view value) { return values_.Intern(value); }
  const std::string& value(ValueId id) const { return values_.value(id); }

  void PromiseReceived(NodeId acceptor, NodeId proposer, Ballot b, std::vector<Reported> reported) {
    promises.push_back({now(), acceptor, proposer, b, std::move(reported)});
  }
  void Accepted(ObservationStamp stamp, NodeId acceptor, int64_t instance, Ballot b, ValueId v) {
    accepted.push_back({0, acceptor, instance, b, v, stamp});
  }
  void AcceptSent(NodeId proposer, int64_t instance, Ballot b, ValueId v) {
    accept_sent.push_back({now(), proposer, instance, b, v});
  }
  void Learned(NodeId node, uint32_t incarnation, int64_t instance, ValueId v) {
    learned.push_back({now(), node, incarnation, instance, v});
  }
  // An acceptor adopted `b` as its promise (by a Prepare or an Accept).
  void PromiseSet(ObservationStamp stamp, NodeId acceptor, Ballot b) {
    if (static_cast<size_t>(acceptor) >= promise_writes.size()) promise_writes.resize(acceptor + 1);
    promise_writes[acceptor].push_back({0, b, stamp});
  }
  void BecameLeader(NodeId node, Ballot b) { leaders.push_back({now(), node, b}); }
  // Keeps the stamped observations whose node was up at their stamp, with
  // their times, in time order. Call once, before the checks.
  void Settle();

  struct Leadership {
    int64_t time_ns;
    NodeId node;
    Ballot ballot;
  };
  std::vector<PromiseEvent> promises;
  std::vector<AcceptedEvent> accepted;
  std::vector<AcceptSentEvent> accept_sent;
  std::vector<LearnEvent> learned;
  std::vector<std::vector<PromiseWrite>> promise_writes;  // by acceptor
  std::vector<Leadership> leaders;
  absl::flat_hash_set<std::string> proposed;  // every value a client submitted

 private:
  const Observer* observer_ = nullptr;
  Interner values_;
};

// How values are compared and shown: `proposal_of` maps a chosen value to
// the form clients proposed it in, `describe` renders one for a message
// (both identity when empty).
struct ValueSemantics {
  std::string noop;
  std::function<std::string(const std::string&)> proposal_of;
  std::function<std::string(const std::string&)> describe;
};

// The Paxos invariants over a settled log. `quorum` is the true majority,
// whatever the nodes believed.
struct PaxosFindings {
  Finding agreement;       // P1: at most one value chosen per instance
  Finding validity;        // P2: chosen values were proposed (or no-ops)
  Finding learned_chosen;  // P3: a learned value is chosen at that moment
  Finding unique_ballot;   // P4: one value per (instance, ballot)
  Finding monotonic;       // P5: promises never decrease, accepts respect them
  Finding safe_proposal;   // P6: phase 2 values follow phase 1
  std::map<int64_t, std::string> chosen;  // instance -> the (first) chosen value
};

PaxosFindings CheckPaxos(const PaxosLog& log, int quorum, const ValueSemantics& values);

// Reports P1-P6 for the checks the scenario runs, in that order.
void ReportPaxosFindings(const PaxosFindings& f, const std::set<std::string>& checks, RunOutcome& out);

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_
