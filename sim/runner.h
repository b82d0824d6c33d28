// Runs one scenario with one seed: builds the simulator and the protocol run,
// schedules the fault plan and the nemesis, runs to the scenario's duration,
// runs the checks, and compares what happened with the scenario's `expect`.
//
// A run shares nothing with any other run, so a fuzz batch may run many on
// different threads; a seed's report is the same alone or in a batch.
//
//   RunReport r = RunScenario(scenario, {.seed = 42});
//   if (!r.pass) for (const std::string& why : r.unmet) std::cerr << why << "\n";
#ifndef DSIM_SIM_RUNNER_H_
#define DSIM_SIM_RUNNER_H_

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "sim/protocol.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace dsim {

struct RunOptions {
  std::optional<uint64_t> seed;   // default: the scenario's
  std::ostream* trace = nullptr;  // JSON-lines trace, if wanted
};

struct RunReport {
  std::string scenario;
  std::string file;
  uint64_t seed = 0;
  bool pass = false;                // every expectation held
  std::vector<CheckResult> checks;  // every check that ran
  std::vector<std::string> unmet;   // expectations that did not hold
  std::map<std::string, nlohmann::json> facts;
  std::vector<std::string> summary;
  uint64_t trace_hash = 0;
  SimStats stats;
  int64_t sim_time_ns = 0;
  std::vector<FaultRecord> faults;
  std::vector<Fault> applied_faults;  // the same, as data (a plan)
  nlohmann::ordered_json swarm;  // what a swarm scenario drew for this seed
  bool swarm_by_flag = false;
  History history;

  std::vector<const CheckResult*> violations() const;
};

RunReport RunScenario(const Scenario& s, const RunOptions& options);

// The expectations of `s` against what a run reported; appends to `unmet`.
void EvaluateExpectations(const Expectations& e, const std::vector<CheckResult>& checks,
                          const std::map<std::string, nlohmann::json>& facts,
                          std::vector<std::string>& unmet);

}  // namespace dsim

#endif  // DSIM_SIM_RUNNER_H_
