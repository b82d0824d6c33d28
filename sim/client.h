// The client side of the protocol SDK: which history process a client's
// operations are recorded under.
//
// Jepsen's rule: a process has at most one operation open at a time, and an
// operation whose outcome is unknown (info) may still take effect at any
// later point, so after one the client goes on as a new process. A client
// node keeps one process id per generation:
//
//   HistoryProcess p(ctx.id());                  // client 7: process 7000
//   ctx.Record({.process = p.id(), ...});
//   // a timeout: record info, then
//   p.Next();                                    // process 7001
//   NodeId who = HistoryProcess::ClientOf(7001);  // 7
#ifndef DSIM_SIM_CLIENT_H_
#define DSIM_SIM_CLIENT_H_

#include <cstdint>

#include "sim/assert.h"
#include "sim/network.h"

namespace dsim {

class HistoryProcess {
 public:
  // Process ids of one client: client * kGenerations + generation. The last
  // generation is kept for Merged().
  static constexpr int32_t kGenerations = 1000;

  HistoryProcess() = default;
  explicit HistoryProcess(NodeId client) : client_(client) {}

  int32_t id() const { return Of(client_, generation_); }
  int32_t generation() const { return generation_; }
  // After an unknown outcome: the client continues as a new process.
  void Next() {
    ++generation_;
    DSIM_ASSERT_MSG(generation_ < kGenerations - 1, "client %d ran out of history processes (%d unknown outcomes)",
                    client_, generation_);
  }

  static int32_t Of(NodeId client, int32_t generation) {
    DSIM_ASSERT(client >= 1 && generation >= 0 && generation < kGenerations);
    return client * kGenerations + generation;
  }
  static NodeId ClientOf(int32_t process) { return process / kGenerations; }
  // One process for all of a client's generations, for checks that keep a
  // client's whole history in order (no generation ever has this id).
  static int32_t Merged(int32_t process) { return ClientOf(process) * kGenerations + kGenerations - 1; }

 private:
  NodeId client_ = 0;
  int32_t generation_ = 0;
};

}  // namespace dsim

#endif  // DSIM_SIM_CLIENT_H_
