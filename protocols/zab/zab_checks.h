// The checks of a ZooKeeper run (shared/docs/protocols.md 2.5, 2.7): ZAB's
// properties over what servers delivered, and each recipe's promise over
// what its clients believed and did. Pure functions of the observations.
#ifndef DSIM_PROTOCOLS_ZAB_ZAB_CHECKS_H_
#define DSIM_PROTOCOLS_ZAB_ZAB_CHECKS_H_

#include <set>
#include <string>
#include <vector>

#include "protocols/zab/observations.h"
#include "protocols/zab/tree.h"
#include "sim/check/consensus.h"
#include "sim/history.h"

namespace dsim::zab {

struct ZabFindings {
  Finding agreement;        // delivery sequences are prefixes of one another
  Finding integrity;        // delivered = broadcast, once per sequence
  Finding primary_order;    // zxids increase along every sequence
  Finding primary_integrity;  // an established leader had every earlier-epoch txn anyone delivers
  Finding one_leader_per_epoch;
  Finding epoch_monotonic;  // durable acceptedEpoch/currentEpoch never go back
  std::vector<LogEntry> committed;  // the longest delivery sequence
};

// The atomic broadcast and epoch invariants over a run's log.
ZabFindings CheckZab(const ZabLog& log);

// Lock and election: no two clients believed they held the lock (led) at
// the same moment of true time.
Finding CheckExclusiveHolds(const RecipeLog& log, const char* what);
// The protected resource accepted tokens in non-decreasing order: no holder
// wrote after a newer holder had.
Finding CheckResourceExclusive(const RecipeLog& log);
// Election terms: each term led by one client, terms increase with time.
Finding CheckTerms(const RecipeLog& log);

struct QueueFindings {
  Finding no_loss;       // an acknowledged enqueue is in the committed history
  Finding no_duplicate;  // no item dequeued twice
  Finding fifo;          // items leave in the order they were enqueued
  int enqueued = 0, dequeued = 0, left = 0;
};
QueueFindings CheckQueue(const History& h, const std::vector<LogEntry>& committed);

// Configuration: every subscriber's last read is the last version committed,
// and no subscriber saw versions go back.
Finding CheckConfigConverged(const RecipeLog& log, const std::vector<NodeId>& subscribers,
                             int64_t final_version);
Finding CheckConfigMonotonic(const RecipeLog& log);

// Membership: the monitor's last view is the committed group, and the group
// is the members alive at the end (those down past `grace_ns` are gone).
Finding CheckMembership(const RecipeLog& log, const std::set<std::string>& final_group,
                        const std::set<std::string>& must_be_in, const std::set<std::string>& must_be_out);

// Replays a committed history into a tree.
DataTree Replay(const std::vector<LogEntry>& committed);

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_ZAB_CHECKS_H_
