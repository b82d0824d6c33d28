// Paxos ballots: unique and totally ordered, the pair (round, proposer id)
// packed as round << 32 | id, 0 meaning "none" (shared/docs/protocols.md 1.2).
// Printed "round.id": ballot 2.1 is proposer 1's second round.
#ifndef DSIM_PROTOCOLS_PAXOS_BALLOT_H_
#define DSIM_PROTOCOLS_PAXOS_BALLOT_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"

namespace dsim::paxos {

using Ballot = uint64_t;

inline Ballot MakeBallot(uint32_t round, uint32_t proposer) {
  return (static_cast<uint64_t>(round) << 32) | proposer;
}
inline uint32_t BallotRound(Ballot b) { return static_cast<uint32_t>(b >> 32); }
inline uint32_t BallotProposer(Ballot b) { return static_cast<uint32_t>(b); }
inline std::string FormatBallot(Ballot b) {
  return b == 0 ? "none" : absl::StrFormat("%d.%d", BallotRound(b), BallotProposer(b));
}

// A majority of n, or (planted bug quorum_off_by_one) n / 2.
inline int Quorum(int n, bool off_by_one) { return off_by_one ? n / 2 : n / 2 + 1; }

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_BALLOT_H_
