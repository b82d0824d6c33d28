// Registration of the heartbeat failure detector with dsim.
#ifndef DSIM_PROTOCOLS_HEARTBEAT_HEARTBEAT_PROTOCOL_H_
#define DSIM_PROTOCOLS_HEARTBEAT_HEARTBEAT_PROTOCOL_H_

#include <memory>

#include "sim/protocol.h"

namespace dsim::heartbeat {

std::unique_ptr<Protocol> MakeProtocol();

}  // namespace dsim::heartbeat

#endif  // DSIM_PROTOCOLS_HEARTBEAT_HEARTBEAT_PROTOCOL_H_
