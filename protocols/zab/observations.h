// What ZooKeeper servers and the recipes' clients did, for the checks of
// shared/docs/protocols.md 2.5-2.7. Processes report through Context::Observe:
// proposals (Broadcast), deliveries (per server and per sync: a server that
// re-syncs replays from scratch and starts a new sequence), epoch writes
// (after their sync: only durable ones count), established leaders, election
// decisions and peer states; and on the clients' side, holds of a lock or a
// leadership, uses of the protected resource, configuration versions seen and
// published, and membership views. At the end of a run CollectZabLog and
// CollectRecipeLog gather them into the logs the checks read.
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
#include "sim/observations.h"
#include "sim/observer.h"

namespace dsim::zab {

using ValueId = uint32_t;

// --- What a server reports (the observer is the server) -----------------------

// The leader proposed `zxid`; `txn` is the encoded transaction.
struct ProposedTxn {
  Zxid zxid;
  std::string txn;
};
// The server delivered (applied) `zxid` in its `sequence`-th sync of this
// incarnation.
struct DeliveredTxn {
  uint32_t sequence;
  Zxid zxid;
  std::string txn;  // encoded
};
// acceptedEpoch (else currentEpoch) reached the disk.
struct EpochSaved {
  bool accepted;
  uint32_t epoch;
};
// Fast leader election ended with a vote for `leader`.
struct ElectionDecided {
  NodeId leader;
  uint64_t round;
};
// The server established itself as leader of `epoch`.
struct Established {
  uint32_t epoch;
  Zxid history_end;  // the last zxid of the history it established
};
struct StateChanged {
  PeerState state;
};

// --- What a recipe client reports (the observer is the client) ------------------

// The client came to believe it holds the lock (or leads), or stopped.
struct HoldChanged {
  bool held;
  int64_t token;  // when held: the czxid of its lock node, the fencing token
};
// The protected resource (the observer) got a request from `client`.
struct ResourceUsed {
  NodeId client;
  int64_t token;
  bool accepted;
};
// A configuration subscriber read `version`.
struct ConfigSeen {
  int64_t version;
};
// The publisher's write of `version` was acknowledged.
struct ConfigPublished {
  int64_t version;
};
// The membership monitor listed the group.
struct MembersListed {
  std::vector<std::string> members;
};

// --- What the checks read ---------------------------------------------------------

struct ZabLog {
  const std::string& value(ValueId id) const { return values.value(id); }

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
  struct EpochWrite {  // a durable one
    int64_t time_ns;
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
    Zxid history_end;
  };

  std::vector<Broadcast> broadcasts;
  std::vector<Delivery> deliveries;
  std::vector<EpochWrite> epoch_writes;
  std::vector<Election> elections;
  std::vector<Establishment> establishments;
  std::map<NodeId, PeerState> states;  // each server's latest state
  Interner values;
};

ZabLog CollectZabLog(const Observations& obs, const Observer& observer);

// What the recipes' clients believed and did, in true time, for the recipe
// checks (locks, leader election, queues, configuration, membership).
struct RecipeLog {
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
  int64_t published = 0;  // the last configuration version the publisher wrote (ok)
};

RecipeLog CollectRecipeLog(const Observations& obs);

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_OBSERVATIONS_H_
