// ZooKeeper's protocol stack as a dsim protocol family ("zab").
#ifndef DSIM_PROTOCOLS_ZAB_ZAB_PROTOCOL_H_
#define DSIM_PROTOCOLS_ZAB_ZAB_PROTOCOL_H_

#include <memory>

#include "sim/protocol.h"

namespace dsim::zab {

std::unique_ptr<Protocol> MakeZabProtocol();

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_ZAB_PROTOCOL_H_
