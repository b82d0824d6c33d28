// Sequential consistency (Lamport 1979): one total order of all operations,
// legal for the object, that keeps each process's own order; unlike
// linearizability, real-time order between processes does not count. It is
// what ZooKeeper's plain reads promise.
//
// Sequential consistency is not local, so the history is checked as one
// object: the state is the tuple of every key's state. The search is a
// depth-first walk over which process goes next, memoising (positions,
// states). `info` operations may take effect anywhere after their process's
// previous operation, or never.
//
//   SequentialResult r = CheckSequentialConsistency(ops, *model, {});
#ifndef DSIM_SIM_CHECK_SEQUENTIAL_H_
#define DSIM_SIM_CHECK_SEQUENTIAL_H_

#include <string>
#include <vector>

#include "sim/check/linearizability.h"

namespace dsim {

struct SequentialResult {
  Verdict verdict = Verdict::kLinearizable;  // kLinearizable here means "sequentially consistent"
  size_t ops = 0;
  uint64_t steps = 0;
  std::string detail;  // for a violation: how far any order got and what blocked it
  bool consistent() const { return verdict == Verdict::kLinearizable; }
};

SequentialResult CheckSequentialConsistency(const std::vector<Operation>& ops, const Model& model,
                                            const CheckBudget& budget);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_SEQUENTIAL_H_
