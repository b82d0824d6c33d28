// Convergence (eventual consistency) and availability per partition side:
// the measurements behind the CAP trade-off.
//
// Convergence: after the last fault heals at `healed_ns`, all replicas hold
// equal state (equal digests) from some time on, and that time is within
// `bound_ns` of the heal. The measured convergence time is reported.
//
// Availability (Gilbert & Lynch's A, measured): for each side of a partition
// episode [start, end), the share of requests issued by that side's clients
// during the episode that completed ok within `deadline_ns`. Errors,
// timeouts and late answers all count as unavailable. Reads and writes are
// reported separately, with latency percentiles of the ok ones.
#ifndef DSIM_SIM_CHECK_CONVERGENCE_H_
#define DSIM_SIM_CHECK_CONVERGENCE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/check/consensus.h"
#include "sim/history.h"

namespace dsim {

// A replica's state changed to `digest` at `time_ns`.
struct StateChange {
  int64_t time_ns = 0;
  int32_t replica = 0;
  uint64_t digest = 0;
};

struct ConvergenceReport {
  Finding converged;
  int64_t converged_at_ns = -1;  // -1: never
};

ConvergenceReport CheckConvergence(const std::vector<StateChange>& changes,
                                   const std::vector<int32_t>& replicas, int64_t healed_ns,
                                   int64_t bound_ns);

struct SideAvailability {
  std::string side;
  int requests = 0, ok = 0;
  int reads = 0, reads_ok = 0;
  int writes = 0, writes_ok = 0;
  int64_t p50_ns = -1, p99_ns = -1;  // latency of ok requests
  double share() const { return requests == 0 ? 1.0 : static_cast<double>(ok) / requests; }
};

struct AvailabilityInput {
  int64_t start_ns = 0, end_ns = 0;  // the partition episode
  int64_t deadline_ns = 0;
  // Which side a client process is on ("" leaves it out), and whether an
  // operation is a read.
  std::function<std::string(const HistoryEvent& invoke)> side_of;
  std::function<bool(const std::string& f)> is_read;
};

std::vector<SideAvailability> MeasureAvailability(const History& h, const AvailabilityInput& in);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_CONVERGENCE_H_
