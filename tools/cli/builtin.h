// The protocols that ship with dsim.
#ifndef DSIM_TOOLS_CLI_BUILTIN_H_
#define DSIM_TOOLS_CLI_BUILTIN_H_

#include "sim/protocol.h"

namespace dsim {

void RegisterBuiltinProtocols(ProtocolRegistry& registry);

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_BUILTIN_H_
