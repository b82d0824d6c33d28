// Atomic commit (Bernstein, Hadzilacos, Goodman) over votes and decisions,
// plus the bank workload's conservation of money.
//
//   AC1 agreement    every process that decides a transaction decides the same
//   AC2 no reversal  a process never changes a decision, across restarts
//   AC3 unanimity    commit only if every participant voted yes, earlier
//   money conserved  every committed read of all balances sums to the
//                    starting total; no balance below zero
//
//   AtomicCommitReport r = CheckAtomicCommit(participants, votes, decisions);
#ifndef DSIM_SIM_CHECK_ATOMIC_COMMIT_H_
#define DSIM_SIM_CHECK_ATOMIC_COMMIT_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/check/consensus.h"

namespace dsim {

struct Vote {
  int64_t time_ns = 0;
  int32_t node = 0;
  std::string tx;
  bool yes = false;
};

struct CommitDecision {
  int64_t time_ns = 0;
  int32_t node = 0;  // participants and the coordinator alike
  std::string tx;
  bool commit = false;
};

struct AtomicCommitReport {
  Finding agreement;   // AC1
  Finding no_reversal; // AC2
  Finding unanimity;   // AC3
  int committed = 0;
  int aborted = 0;
};

// `participants`: tx -> the nodes that must vote on it.
AtomicCommitReport CheckAtomicCommit(const std::map<std::string, std::set<int32_t>>& participants,
                                     const std::vector<Vote>& votes,
                                     const std::vector<CommitDecision>& decisions);

// A committed read of every balance, at some time.
struct BalanceRead {
  int64_t time_ns = 0;
  std::vector<int64_t> balances;
};

Finding CheckMoneyConserved(const std::vector<BalanceRead>& reads, int64_t total);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_ATOMIC_COMMIT_H_
