#include "tools/cli/builtin.h"

#include "protocols/commit/commit_protocol.h"
#include "protocols/heartbeat/heartbeat_protocol.h"
#include "protocols/paxos/paxos_protocols.h"
#include "protocols/zab/zab_protocol.h"

namespace dsim {

void RegisterBuiltinProtocols(ProtocolRegistry& registry) {
  registry.Add(heartbeat::MakeProtocol());
  registry.Add(paxos::MakeSingleDecreeProtocol());
  registry.Add(paxos::MakeMultiPaxosProtocol());
  registry.Add(commit::MakeTwoPhaseCommit());
  registry.Add(commit::MakeThreePhaseCommit());
  registry.Add(zab::MakeZabProtocol());
}

}  // namespace dsim
