// What Paxos nodes did, as the checks of shared/docs/protocols.md 1.8 need it:
// promises, acceptances, proposals sent, values learned and applied. Nodes
// append; the run's checks read. Entries are stamped with true time, which
// processes never see.
#ifndef DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_
#define DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "protocols/paxos/ballot.h"
#include "sim/check/consensus.h"
#include "sim/simulator.h"

namespace dsim::paxos {

struct Reported {
  int64_t instance;  // single-decree: 0
  Ballot ballot;     // the acceptor's accepted ballot there
  std::string value;
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
  std::string value;
};

struct AcceptSentEvent {
  int64_t time_ns;
  NodeId proposer;
  int64_t instance;
  Ballot ballot;
  std::string value;
};

struct LearnEvent {
  int64_t time_ns;
  NodeId node;
  uint32_t incarnation;
  int64_t instance;
  std::string value;
};

class PaxosLog {
 public:
  void Attach(const Simulator* sim) { sim_ = sim; }
  int64_t now() const { return sim_->now(); }

  void PromiseReceived(NodeId acceptor, NodeId proposer, Ballot b, std::vector<Reported> reported) {
    promises.push_back({now(), acceptor, proposer, b, std::move(reported)});
  }
  void Accepted(NodeId acceptor, int64_t instance, Ballot b, const std::string& v) {
    accepted.push_back({now(), acceptor, instance, b, v});
  }
  void AcceptSent(NodeId proposer, int64_t instance, Ballot b, const std::string& v) {
    accept_sent.push_back({now(), proposer, instance, b, v});
  }
  void Learned(NodeId node, uint32_t incarnation, int64_t instance, const std::string& v) {
    learned.push_back({now(), node, incarnation, instance, v});
  }
  // Every value an acceptor adopted as `promised` (by a Prepare or an
  // Accept), for the monotonicity check.
  void PromiseSet(NodeId acceptor, Ballot b) { promise_writes[acceptor].push_back({now(), b}); }

  std::vector<PromiseEvent> promises;
  std::vector<AcceptedEvent> accepted;
  std::vector<AcceptSentEvent> accept_sent;
  std::vector<LearnEvent> learned;
  std::map<NodeId, std::vector<std::pair<int64_t, Ballot>>> promise_writes;
  std::set<std::string> proposed;  // every value a client submitted

 private:
  const Simulator* sim_ = nullptr;
};

// The Paxos invariants over a log; each check reports into `out` when its
// name is in `checks`. `quorum` is the true majority, whatever the nodes
// believed.
struct PaxosFindings {
  Finding agreement;       // P1: at most one value chosen per instance
  Finding validity;        // P2: chosen values were proposed (or no-ops)
  Finding learned_chosen;  // P3: a learned value is chosen at that moment
  Finding unique_ballot;   // P4: one value per (instance, ballot)
  Finding monotonic;       // P5: promises never decrease, accepts respect them
  Finding safe_proposal;   // P6: phase 2 values follow phase 1
  std::map<int64_t, std::string> chosen;  // instance -> the (first) chosen value
};

PaxosFindings CheckPaxos(const PaxosLog& log, int num_acceptors, int quorum,
                         const std::string& noop);

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_
