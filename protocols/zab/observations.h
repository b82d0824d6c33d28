// What ZooKeeper servers did, for the checks of shared/docs/protocols.md 2.5:
// proposals (Broadcast), deliveries (per server and per sync: a server that
// re-syncs replays from scratch and starts a new sequence), epoch writes
// (stamped after their sync: only durable ones count), established leaders,
// and election decisions. Processes append; the run's checks read.
#ifndef DSIM_PROTOCOLS_ZAB_OBSERVATIONS_H_
#define DSIM_PROTOCOLS_ZAB_OBSERVATIONS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/zab/messages.h"
#include "protocols/zab/zxid.h"
#include "sim/interner.h"
#include "sim/simulator.h"

namespace dsim::zab {

using ValueId = uint32_t;

class ZabLog {
 public:
  void Attach(const Observer* observer) { observer_ = observer; }
  int64_t now() const { return observer_->now(); }

  ValueId Intern(std::string_view value) { return values_.Intern(value); }
  const std::string& value(ValueId id) const { return values_.value(id); }

  struct Broadcast {
    int64_t time_ns;
    NodeId leader;
    Zxid zxid;
    ValueId value;
  };
  struct Delivery {
    int64_t time_ns;
    NodeId server;
    uint32_t incarnation;
    uint32_t sequence;  // per re-sync within an incarnation
    Zxid zxid;
    ValueId value;
  };
  struct EpochWrite {
    ObservationStamp stamp;
    NodeId server;
    bool accepted;  // acceptedEpoch (else currentEpoch)
    uint32_t epoch;
  };
  struct Election {
    int64_t time_ns;
    NodeId server;
    NodeId leader;
    uint64_t round;
  };
  struct Establishment {
    int64_t time_ns;
    NodeId leader;
    uint32_t epoch;
    Zxid history_end;  // the last zxid of the history it established
  };
  struct Commit {
    int64_t time_ns;
    NodeId leader;
    Zxid zxid;
  };

  void Proposed(NodeId leader, Zxid z, ValueId v) { broadcasts.push_back({now(), leader, z, v}); }
  void Delivered(NodeId s, uint32_t inc, uint32_t seq, Zxid z, ValueId v) {
    deliveries.push_back({now(), s, inc, seq, z, v});
  }
  void EpochSaved(ObservationStamp st, NodeId s, bool accepted, uint32_t e) {
    epoch_writes.push_back({st, s, accepted, e});
  }
  void Decided(NodeId s, NodeId leader, uint64_t round) { elections.push_back({now(), s, leader, round}); }
  void Established(NodeId leader, uint32_t epoch, Zxid end) {
    establishments.push_back({now(), leader, epoch, end});
  }
  void Committed(NodeId leader, Zxid z) { commits.push_back({now(), leader, z}); }
  void StateChanged(NodeId s, PeerState st) { states[s] = st; }

  std::vector<Broadcast> broadcasts;
  std::vector<Delivery> deliveries;
  std::vector<EpochWrite> epoch_writes;
  std::vector<Election> elections;
  std::vector<Establishment> establishments;
  std::vector<Commit> commits;
  std::map<NodeId, PeerState> states;  // each server's latest state

 private:
  const Observer* observer_ = nullptr;
  Interner values_;
};

// What the recipes' clients believed and did, in true time, for the recipe
// checks (locks, leader election, queues, configuration, membership).
struct RecipeLog {
  const Observer* observer = nullptr;
  int64_t now() const { return observer->now(); }  // true time

  struct Hold {  // a client believed it held the lock (or led) over [start, end)
    NodeId client;
    int64_t token;  // the czxid of its lock node: the fencing token, the term
    int64_t start_ns;
    int64_t end_ns = -1;  // -1: still held when the run ended
  };
  struct Use {  // the protected resource got a request
    int64_t time_ns;
    NodeId client;
    int64_t token;
    bool accepted;
  };
  struct Seen {  // a configuration subscriber read a version
    int64_t time_ns;
    NodeId client;
    int64_t version;
  };
  struct View {  // the membership monitor listed the group
    int64_t time_ns;
    std::vector<std::string> members;
  };
  std::vector<Hold> holds;
  std::vector<Use> uses;
  std::vector<Seen> seen;
  std::vector<View> views;
  int64_t published = 0;      // the last configuration version the publisher wrote (ok)
  bool publish_unknown = false;  // ... or one whose write timed out after it
};

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_OBSERVATIONS_H_
