// dsim: a deterministic simulator for distributed protocols.
#include <iostream>
#include <string>
#include <vector>

#include "sim/protocol.h"
#include "tools/cli/builtin.h"
#include "tools/cli/cli.h"

int main(int argc, char** argv) {
  dsim::ProtocolRegistry registry;
  dsim::RegisterBuiltinProtocols(registry);
  std::vector<std::string> args(argv, argv + argc);
  return dsim::RunCli(args, registry, {std::cout, std::cerr});
}
