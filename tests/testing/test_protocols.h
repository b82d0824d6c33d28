// Test-only protocols that exercise the engine: ping-pong, flooding and a
// durable counter with clients. They are registered only in test binaries
// (and in dsim_testbin, the dsim command with them added).
//
//   pingpong  every server pings its successor each `interval`; checks that
//             pongs come back in order (true on FIFO links, false on
//             reordering datagram links) and that round trips happen.
//   flood     server 1 floods a message each `interval`; every server
//             forwards each flood once; checks that every flood reached
//             every server and that none was delivered twice.
//   counter   clients increment a durable counter on a server; the server
//             syncs before replying. Checks that every acknowledged
//             increment survives crashes. Planted bug `reply_before_sync`.
#ifndef DSIM_TESTS_TESTING_TEST_PROTOCOLS_H_
#define DSIM_TESTS_TESTING_TEST_PROTOCOLS_H_

#include "sim/protocol.h"

namespace dsim::testing {

void RegisterTestProtocols(ProtocolRegistry& registry);

}  // namespace dsim::testing

#endif  // DSIM_TESTS_TESTING_TEST_PROTOCOLS_H_
