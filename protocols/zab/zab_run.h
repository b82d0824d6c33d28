// ZooKeeper ("zab") runs: one simulation's processes and, at its end, the
// checks of every layer - FLE and ZAB over the servers' log, linearizable and
// sequential reads for the kv workload, and each recipe's own.
#ifndef DSIM_PROTOCOLS_ZAB_ZAB_RUN_H_
#define DSIM_PROTOCOLS_ZAB_ZAB_RUN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "protocols/zab/client.h"
#include "protocols/zab/server.h"
#include "sim/protocol.h"

namespace dsim::zab {

struct ZabConfig : ProtocolConfig {
  ServerOptions server;
  ClientOptions client;
  int clients = 3;  // ZooKeeper clients; the lock recipe adds the resource after them
  bool fencing = false;
  uint64_t linearizability_steps = 20'000'000;
  int64_t progress_from_ns = -1;  // -1: the last scheduled fault
  int64_t progress_within_ns = 2 * kSecond;
};

// Which checks belong to which recipe; the rest hold for every run.
const std::map<std::string, std::string>& RecipeOfCheck();

std::unique_ptr<ProtocolRun> NewZabRun(const ZabConfig& c, const ScenarioInfo& info);

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_ZAB_RUN_H_
