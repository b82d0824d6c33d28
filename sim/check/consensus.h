// Consensus safety over decisions, for any protocol that decides values in
// numbered instances (slots): Paxos, Multi-Paxos, a replicated log.
//
//   agreement  no two nodes decide different values for one slot
//   validity   every decided value was proposed (or is an allowed no-op)
//   integrity  a node decides at most once per slot in one incarnation, and
//              never a different value in a later one
//
//   ConsensusReport r = CheckConsensus(decisions, proposed);
//   if (!r.agreement.ok) std::cerr << r.agreement.detail;
#ifndef DSIM_SIM_CHECK_CONSENSUS_H_
#define DSIM_SIM_CHECK_CONSENSUS_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace dsim {

struct Finding {
  bool ok = true;
  std::string detail;  // the first violation, or a summary of what held
  int violations = 0;
};

struct Decision {
  int64_t time_ns = 0;
  int32_t node = 0;
  uint32_t incarnation = 0;
  int64_t slot = 0;
  std::string value;
};

struct ConsensusReport {
  Finding agreement, validity, integrity;
  int64_t slots_decided = 0;
};

// `proposed`: every value some client submitted; `noop`: a value a leader
// may decide to fill a gap ("" if none).
ConsensusReport CheckConsensus(const std::vector<Decision>& decisions,
                               const std::set<std::string>& proposed, const std::string& noop = "");

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_CONSENSUS_H_
