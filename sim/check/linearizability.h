// Linearizability checking in the Wing-Gong / Lowe style, as Knossos and
// Porcupine do it: a depth-first search over linearization points that
// memoises every (set of linearized operations, model state) it has seen, on
// each key's sub-history separately (P-compositionality).
//
// Operations that completed `fail` never happened; `info` operations may
// take effect at any point after their invocation, or never.
//
// Before the search, an unknown operation that leaves a state no operation
// of its key observes (a timed-out write whose value no read returned) is
// set aside: it changes the verdict in neither direction, and each one
// halves the search space, since the search would otherwise try it both
// taken and not taken at every point after its invocation.
//
// On a violation the result carries a minimal witness: the shortest prefix of
// the history that cannot be linearized, the operation that cannot complete
// there, the operations concurrent with it, and the model states it could
// have been applied in. With a budget (steps, memory, or a deadline), an
// exhausted search answers `unknown`, never a wrong verdict.
//
//   LinearizabilityResult r = CheckLinearizability(history, *model, {});
//   if (r.verdict == Verdict::kNotLinearizable) std::cout << r.witness->ToText();
#ifndef DSIM_SIM_CHECK_LINEARIZABILITY_H_
#define DSIM_SIM_CHECK_LINEARIZABILITY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "sim/check/model.h"
#include "sim/check/operations.h"
#include "sim/history.h"

namespace dsim {

enum class Verdict { kLinearizable, kNotLinearizable, kUnknown };
const char* VerdictName(Verdict v);  // "linearizable", "not-linearizable", "unknown"

struct CheckBudget {
  uint64_t max_steps = 0;              // search steps over all keys; 0: no limit
  uint64_t max_memory_bytes = 4ull << 30;  // memo tables; exhausting it answers unknown
  // Polled now and then; returning true stops the search (unknown). The
  // caller owns the clock: checkers stay free of wall-clock reads.
  std::function<bool()> expired;
};

struct Witness {
  std::string key;                  // the sub-history, "" when not split
  int64_t prefix_events = 0;        // the shortest non-linearizable prefix: events [0, this)
  Operation blocked;                // cannot take effect before it completed
  std::vector<Operation> concurrent;  // overlapping it in real time
  std::vector<std::string> states;    // model states it could have been applied in
  std::string ToText() const;
  nlohmann::json ToJson() const;
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::kLinearizable;
  size_t ops = 0;         // operations checked (after dropping failed ones)
  size_t partitions = 0;  // keys checked separately
  size_t set_aside = 0;   // unknown operations whose state nobody observed: not searched
  uint64_t steps = 0;
  uint64_t configurations = 0;  // distinct (linearized set, state) pairs visited
  uint64_t states = 0;          // distinct model states
  std::optional<Witness> witness;
  std::string unknown_reason;
};

// Checks already-prepared operations (see PrepareOperations).
LinearizabilityResult CheckOperations(const std::vector<Operation>& ops, const Model& model,
                                      const CheckBudget& budget);

// Prepares and checks a history; malformed operations are an error.
absl::StatusOr<LinearizabilityResult> CheckLinearizability(const History& h, const Model& model,
                                                           const CheckBudget& budget,
                                                           const std::string& file = "history");

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_LINEARIZABILITY_H_
