// Edits of a scenario as a JSON document that keep it loadable, for the
// shrinker (sim/shrink.h): its fault plan read and written back, the plan's
// episodes, servers taken away.
//
//   std::vector<nlohmann::json> plan = FaultsOf(doc);
//   for (const auto& episode : Episodes(plan)) ...
//   SetFaults(doc, Flatten(plan, kept));
#ifndef DSIM_SIM_SCENARIO_EDITS_H_
#define DSIM_SIM_SCENARIO_EDITS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace dsim {

// The duration at `key` of an object ("1.5s"), or `fallback`.
int64_t DurationAt(const nlohmann::json& doc, const char* key, int64_t fallback);
// A plan entry's time and kind.
int64_t FaultTime(const nlohmann::json& f);
std::string Kind(const nlohmann::json& f);

// The document's "faults" (empty when it has none).
std::vector<nlohmann::json> FaultsOf(const nlohmann::json& doc);
// Writes `faults` as the plan, in time order, dropping the crashes and
// restarts that no longer alternate per node; no "faults" when empty.
void SetFaults(nlohmann::json& doc, std::vector<nlohmann::json> faults);

// The faults that belong together, each as the indices of its faults in time
// order: a crash and its restart, a network fault and the heal after it, a
// drift and its end. Everything else is an episode of its own.
std::vector<std::vector<size_t>> Episodes(const std::vector<nlohmann::json>& faults);
// The faults of `episodes`, in plan order.
std::vector<nlohmann::json> Flatten(const std::vector<nlohmann::json>& faults,
                                    const std::vector<std::vector<size_t>>& episodes);

// The document with servers new_n+1.. gone: the faults, clocks, links and
// initially-down nodes that named them dropped or narrowed, clients
// renumbered down.
nlohmann::json WithoutServers(const nlohmann::json& doc, int new_n);

}  // namespace dsim

#endif  // DSIM_SIM_SCENARIO_EDITS_H_
