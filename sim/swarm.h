// Swarm testing (Groce et al.): each seed first draws its own configuration
// inside declared ranges, then runs with it, so a fault mix that exposes a
// bug is not as rare in seed 1000 as it was in seed 1.
//
// A scenario declares the ranges under "swarm", keyed by the JSON pointer of
// the value they replace:
//
//   "swarm": {"/nemesis/weights/crash": {"one_of": [0, 1, 3]},
//             "/network/loss": {"min": 0, "max": 0.05},
//             "/workload/think": {"min": "1ms", "max": "20ms"}}
//
// Integers draw an integer, other numbers a real, strings a duration, and
// one_of one of its values. The draw depends only on the seed (its own RNG
// stream), so `dsim run --seed=N` derives the same configuration and the
// same run, bit for bit.
//
//   absl::StatusOr<Scenario> s = ScenarioForSeed(base, seed, registry);
//   RunReport r = RunScenario(*s, {.seed = seed});   // r.swarm: what was drawn
#ifndef DSIM_SIM_SWARM_H_
#define DSIM_SIM_SWARM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sim/json_reader.h"
#include "sim/protocol.h"

namespace dsim {

struct Scenario;
struct RunReport;

struct SwarmRange {
  enum class Kind { kInt, kReal, kDuration, kOneOf };
  std::string pointer;
  Kind kind = Kind::kInt;
  int64_t lo = 0, hi = 0;   // kInt, kDuration (ns)
  double real_lo = 0, real_hi = 0;
  std::vector<nlohmann::json> choices;
};

// Reads the "swarm" object; errors go to its context.
std::vector<SwarmRange> ReadSwarm(JsonObject& swarm);

// The ranges `dsim fuzz --swarm` uses on a scenario without "swarm": every
// nemesis family on or off with a weight drawn from {0, 1, 3}.
std::vector<SwarmRange> DefaultSwarm();

// The values drawn for `seed`, in declaration order: {pointer: value}.
nlohmann::ordered_json DrawSwarm(const std::vector<SwarmRange>& ranges, uint64_t seed);

// `source` with `values` written at their pointers (objects on the way are
// created): the document a seed's draw describes.
absl::StatusOr<nlohmann::json> ApplySwarmDraw(const nlohmann::json& source, const nlohmann::ordered_json& values);

// The scenario seed `seed` runs: `base` itself without ranges, otherwise
// its source with the drawn values, loaded again (and its swarm_draw set).
absl::StatusOr<Scenario> ScenarioForSeed(const Scenario& base, uint64_t seed, const ProtocolRegistry& registry);

// Runs `seed` of `base`: its own configuration when it has a swarm, the
// scenario itself (no copy) otherwise. An error only if the draw does not
// load (the loader checked every extreme, so that is a bug in dsim).
absl::StatusOr<RunReport> RunSeed(const Scenario& base, uint64_t seed, const ProtocolRegistry& registry);

// `--swarm`: gives a scenario without "swarm" the DefaultSwarm ranges (its
// own ranges win). An error if it has no nemesis to vary.
absl::Status AddDefaultSwarm(Scenario& s, const ProtocolRegistry& registry);

// Checks at load time that every range's extremes and choices load.
absl::Status CheckSwarm(const Scenario& base, const ProtocolRegistry& registry);

}  // namespace dsim

#endif  // DSIM_SIM_SWARM_H_
