// What Paxos nodes did, as the checks of shared/docs/protocols.md 1.8 need it.
// Nodes report through Context::Observe - promises received, promises set,
// acceptances, proposals sent, values learned, leaderships - carrying their
// own value type V (a string for single-decree; for Multi-Paxos a
// Borrowed<Command>, pointing at the command the server keeps).
// The run files them into a PaxosLog as they come (FilePaxosObservations),
// values interned once, and the checks read that.
//
// Acceptances and promises are durable state: an acceptor reports them after
// its disk sync, and only those whose node was still up at the report count -
// an acceptance a crash erased never happened.
#ifndef DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_
#define DSIM_PROTOCOLS_PAXOS_OBSERVATIONS_H_

#include <algorithm>
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
#include "sim/observations.h"
#include "sim/observer.h"

namespace dsim::paxos {

using ValueId = uint32_t;

struct Reported {
  int64_t instance;  // single-decree: 0
  Ballot ballot;     // the acceptor's accepted ballot there
  ValueId value;
};

// --- What a node reports (the observer is the node that reports) -------------

template <typename V>
struct ReportedValue {
  static constexpr bool kBorrows = kIsBorrowed<V>;
  int64_t instance;
  Ballot ballot;
  V value;
};
// A proposer in phase 1 received a Promise for `ballot` from `acceptor`.
template <typename V>
struct PromiseReceived {
  static constexpr bool kBorrows = kIsBorrowed<V>;
  NodeId acceptor;
  Ballot ballot;
  std::vector<ReportedValue<V>> reported;  // what the acceptor had accepted
};
// An acceptor adopted `ballot` as its promise by a Prepare, reported after
// the sync that made it durable. (An acceptance is a promise too: the run
// files each AcceptedValue as one, so acceptors do not report both.)
struct PromiseSet {
  Ballot ballot;
};
// An acceptor accepted `value` for `instance` in `ballot`, after the sync;
// accepting also raised its promise to `ballot`.
template <typename V>
struct AcceptedValue {
  static constexpr bool kBorrows = kIsBorrowed<V>;
  int64_t instance;
  Ballot ballot;
  V value;
};
// A proposer sent phase 2 for `instance` in `ballot`.
template <typename V>
struct AcceptSent {
  static constexpr bool kBorrows = kIsBorrowed<V>;
  int64_t instance;
  Ballot ballot;
  V value;
};
// A node learned (and, for Multi-Paxos, applied) `value` at `instance`.
template <typename V>
struct LearnedValue {
  static constexpr bool kBorrows = kIsBorrowed<V>;
  int64_t instance;
  V value;
};
struct BecameLeader {
  Ballot ballot;
};

// --- What the checks read -------------------------------------------------------

struct PromiseEvent {
  int64_t time_ns;
  NodeId acceptor;
  NodeId proposer;
  Ballot ballot;
  std::vector<Reported> reported;
};

struct AcceptedEvent {
  int64_t time_ns;  // when the acceptance reached the disk
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

// The run's Paxos observations with their values interned, filed as they are
// reported (FilePaxosObservations) and settled once, before the checks.
struct PaxosLog {
  ValueId Intern(std::string_view value) { return values.Intern(value); }
  const std::string& value(ValueId id) const { return values.value(id); }
  // Keeps the acceptances and promises whose node was up when they reached
  // the disk, acceptances in time order (in order of reporting at equal
  // times). Call once.
  void Settle(const Observer& observer);

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
  Interner values;
};

// Files a run's Paxos observations of value type V into `log` as nodes
// report them; `id_of(log, instance, v)` interns a value reported at an
// instance and returns its id. The log must outlive the run's processes.
template <typename V, typename IdOf>
void FilePaxosObservations(Observations& obs, PaxosLog& log, IdOf id_of) {
  obs.Of<PromiseReceived<V>>().FileWith([&log, id_of](const Observation<PromiseReceived<V>>& o) mutable {
    std::vector<Reported> reported;
    reported.reserve(o.value.reported.size());
    for (const ReportedValue<V>& r : o.value.reported) reported.push_back({r.instance, r.ballot, id_of(log, r.instance, r.value)});
    log.promises.push_back({o.event_ns, o.value.acceptor, o.node, o.value.ballot, std::move(reported)});
  });
  const auto promise_set = [&log](const ObservationStamp& stamp, int64_t stamp_ns, NodeId node, Ballot ballot) {
    if (static_cast<size_t>(node) >= log.promise_writes.size()) log.promise_writes.resize(node + 1);
    log.promise_writes[node].push_back({stamp_ns, ballot, stamp});
  };
  obs.Of<AcceptedValue<V>>().FileWith([&log, id_of, promise_set](const Observation<AcceptedValue<V>>& o) mutable {
    promise_set(o.stamp(), o.stamp_ns, o.node, o.value.ballot);
    log.accepted.push_back({o.stamp_ns, o.node, o.value.instance, o.value.ballot, id_of(log, o.value.instance, o.value.value), o.stamp()});
  });
  obs.Of<AcceptSent<V>>().FileWith([&log, id_of](const Observation<AcceptSent<V>>& o) mutable {
    log.accept_sent.push_back({o.event_ns, o.node, o.value.instance, o.value.ballot, id_of(log, o.value.instance, o.value.value)});
  });
  obs.Of<LearnedValue<V>>().FileWith([&log, id_of](const Observation<LearnedValue<V>>& o) mutable {
    log.learned.push_back({o.event_ns, o.node, o.incarnation, o.value.instance, id_of(log, o.value.instance, o.value.value)});
  });
  obs.Of<PromiseSet>().FileWith(
      [promise_set](const Observation<PromiseSet>& o) { promise_set(o.stamp(), o.stamp_ns, o.node, o.value.ballot); });
  obs.Of<BecameLeader>().FileWith(
      [&log](const Observation<BecameLeader>& o) { log.leaders.push_back({o.event_ns, o.node, o.value.ballot}); });
}

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
