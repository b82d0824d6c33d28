// Shrinking a failing seed to a small standalone scenario (dsim shrink).
//
// The shrinker works on the scenario as a JSON document, so that every
// candidate it tries is a file `dsim run` would load. It first turns the
// run's nemesis into the explicit plan of faults it applied (when that plan
// still fails), then reduces while the same check still fails, on evidence,
// on the same seed: drops faults (crash and restart, a network fault and its
// heal, a drift and its end go together), shortens the faults left, cuts the
// duration, takes clients, keys and servers away, and simplifies the network
// and the clocks. Each round of passes repeats until a round changes nothing
// or the budget is spent.
//
// Deterministic: the same scenario, seed and budget of runs give the same
// result. A wall-clock budget is the caller's (`stop`), which is why the CLI
// and not the engine owns one.
//
//   absl::StatusOr<ShrinkResult> r = Shrink(scenario, registry, {.seed = 4});
//   if (r.ok()) std::cout << r->scenario.dump(2);
#ifndef DSIM_SIM_SHRINK_H_
#define DSIM_SIM_SHRINK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sim/protocol.h"
#include "sim/scenario.h"

namespace dsim {

// How big a run is: what the shrinker reports before and after.
struct ShrinkSize {
  size_t faults = 0;      // faults applied (the nemesis's included)
  uint64_t events = 0;    // events handled
  size_t operations = 0;  // client operations in the history
  int servers = 0;
  int clients = 0;
  int64_t duration_ns = 0;
};

struct ShrinkProgress {
  int runs = 0;
  int max_runs = 0;
  size_t faults = 0;  // in the smallest failing scenario so far
  int64_t duration_ns = 0;
  std::string pass;   // the pass under way
};

struct ShrinkOptions {
  uint64_t seed = 0;
  std::string check;   // the check that must keep failing; empty: the run's first violation
  int max_runs = 500;  // simulations, the first included
  std::function<bool()> stop;                           // optional: true ends the search
  std::function<void(const ShrinkProgress&)> progress;  // optional: after every run
};

struct ShrinkResult {
  nlohmann::ordered_json scenario;  // standalone: its seed, an expect naming the violation
  std::string check;
  std::string detail;                   // the check's detail on the shrunk run
  std::vector<std::string> violations;  // every check the shrunk run fails
  ShrinkSize before, after;
  int runs = 0;
  bool exhausted = false;         // stopped by the budget, not at a fixed point
  bool explicit_plan = false;     // the nemesis became a plan
  std::vector<std::string> steps; // each reduction kept, in order
};

// Fails (InvalidArgument, the message a one-line error) when the seed does
// not fail `options.check` on evidence, or when the scenario cannot run.
absl::StatusOr<ShrinkResult> Shrink(const Scenario& scenario, const ProtocolRegistry& registry,
                                    const ShrinkOptions& options);

}  // namespace dsim

#endif  // DSIM_SIM_SHRINK_H_
