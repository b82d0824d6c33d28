// Registration of atomic commit with dsim: "2pc" and "3pc".
#ifndef DSIM_PROTOCOLS_COMMIT_COMMIT_PROTOCOL_H_
#define DSIM_PROTOCOLS_COMMIT_COMMIT_PROTOCOL_H_

#include <memory>

#include "sim/protocol.h"

namespace dsim::commit {

std::unique_ptr<Protocol> MakeTwoPhaseCommit();
std::unique_ptr<Protocol> MakeThreePhaseCommit();

}  // namespace dsim::commit

#endif  // DSIM_PROTOCOLS_COMMIT_COMMIT_PROTOCOL_H_
