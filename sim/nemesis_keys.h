// The keys of a scenario's "nemesis" object, declared once: the loader reads
// them, and `dsim schema` writes $defs/nemesis from them.
#ifndef DSIM_SIM_NEMESIS_KEYS_H_
#define DSIM_SIM_NEMESIS_KEYS_H_

#include "sim/faults.h"
#include "sim/options.h"

namespace dsim {

const OptionSet<NemesisOptions>& NemesisKeys();

// What the schema says of the object as a whole.
inline constexpr const char* kNemesisDoc =
    "Random faults drawn from the seed, among servers, over [start, stop); at stop everything heals so "
    "that the run ends with a healed phase.";

}  // namespace dsim

#endif  // DSIM_SIM_NEMESIS_KEYS_H_
