// What every family's run reports the same way about its client history:
// the outcome counts as facts, and a linearizability check with its verdict
// fact and, when it fails, the witness in the summary.
//
//   OutcomeCounts::Of(history).Report(out);  // facts ops_ok, ops_fail, ops_info
//   ReportLinearizability(history, *model,
//                         {.check = "linearizable", .fact = "linearizability"}, out);
#ifndef DSIM_SIM_RUN_CHECKS_H_
#define DSIM_SIM_RUN_CHECKS_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sim/check/consensus.h"
#include "sim/check/model.h"
#include "sim/history.h"
#include "sim/protocol.h"

namespace dsim {

struct OutcomeCounts {
  int64_t ok = 0;
  int64_t fail = 0;
  int64_t info = 0;
  static OutcomeCounts Of(const History& h);
  int64_t total() const { return ok + fail + info; }
  // The facts ops_ok, ops_fail and ops_info, and their declarations.
  void Report(RunOutcome& out) const;
  static std::vector<NamedItem> Facts();
};

// Reports `f` as check `name` if the scenario runs that check.
inline void ReportFinding(const std::set<std::string>& checks, const std::string& name, const Finding& f,
                          RunOutcome& out) {
  if (checks.count(name)) out.Check(name, f.ok, f.detail);
}

// The search's memory for a check inside a run: a fuzz batch runs one
// simulation per core, each may check at once.
inline constexpr uint64_t kRunCheckMemoryBytes = 512ull << 20;

struct LinearizabilityReport {
  std::string check;          // the check's name
  std::string fact;           // the fact that carries the verdict
  std::string what = "";      // what the history holds, for the detail ("writes and sync reads")
  std::string witness = "";   // the summary's title for a witness (default: the check's name)
  uint64_t max_steps = 0;     // search budget; 0: none
};

// Checks `h` against `model` and reports check, fact and witness. The
// history is the run's own: a malformed one is a bug, an assertion.
void ReportLinearizability(const History& h, const Model& model, const LinearizabilityReport& r,
                           RunOutcome& out);

}  // namespace dsim

#endif  // DSIM_SIM_RUN_CHECKS_H_
