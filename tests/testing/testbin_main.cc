// dsim with the test-only protocols registered (pingpong, flood, counter).
#include <iostream>
#include <string>
#include <vector>

#include "tests/testing/test_protocols.h"
#include "tools/cli/builtin.h"
#include "tools/cli/cli.h"

int main(int argc, char** argv) {
  dsim::ProtocolRegistry registry;
  dsim::RegisterBuiltinProtocols(registry);
  dsim::testing::RegisterTestProtocols(registry);
  return dsim::RunCli(std::vector<std::string>(argv, argv + argc), registry,
                      {std::cout, std::cerr});
}
