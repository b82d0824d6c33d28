#include "tools/cli/builtin.h"

#include "protocols/heartbeat/heartbeat_protocol.h"

namespace dsim {

void RegisterBuiltinProtocols(ProtocolRegistry& registry) {
  registry.Add(heartbeat::MakeProtocol());
}

}  // namespace dsim
