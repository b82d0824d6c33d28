// ZooKeeper recipes as client workloads (shared/docs/protocols.md 2.7):
// each drives a ZkClient, records what it did in the history or reports it
// (observations.h), and has checks in zab_checks.cc.
//
//   kv          registers read plainly or after sync (recipe_kv.cc)
//   lock        ephemeral sequential nodes, watch the predecessor, use a
//               protected resource while holding (recipe_lock.cc)
//   election    the same nodes as leader election: the smallest leads for a
//               term and resigns (recipe_lock.cc)
//   queue       producers create sequential nodes, consumers take the
//               smallest (recipe_queue.cc)
//   config      one publisher, subscribers that re-read on each watch
//   membership  members as ephemeral children, a monitor that watches them
//               (recipe_watch.cc)
#ifndef DSIM_PROTOCOLS_ZAB_RECIPES_H_
#define DSIM_PROTOCOLS_ZAB_RECIPES_H_

#include <memory>

#include "protocols/zab/client.h"

namespace dsim::zab {

std::unique_ptr<Workload> MakeKvWorkload(const ClientOptions& o, bool reader);
std::unique_ptr<Workload> MakeLockWorkload(const ClientOptions& o, bool election, NodeId resource);
std::unique_ptr<Workload> MakeQueueWorkload(const ClientOptions& o, bool producer);
std::unique_ptr<Workload> MakeConfigWorkload(const ClientOptions& o, bool publisher);
std::unique_ptr<Workload> MakeMembershipWorkload(const ClientOptions& o, bool monitor);

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_RECIPES_H_
