// Registration of the Paxos family with dsim: "paxos" (single-decree) and
// "multipaxos" (a replicated key-value store on a Multi-Paxos log).
#ifndef DSIM_PROTOCOLS_PAXOS_PAXOS_PROTOCOLS_H_
#define DSIM_PROTOCOLS_PAXOS_PAXOS_PROTOCOLS_H_

#include <memory>

#include "sim/protocol.h"

namespace dsim::paxos {

std::unique_ptr<Protocol> MakeSingleDecreeProtocol();
std::unique_ptr<Protocol> MakeMultiPaxosProtocol();

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_PAXOS_PROTOCOLS_H_
