// The parts of scenarios/schema.json generated from declarations: for each
// protocol, `$defs/<name>_options`, `$defs/<name>_workload`, and the allOf
// block that applies them (with the protocol's check, bug and fact names)
// when "protocol" is <name>; and `$defs/nemesis` from the nemesis keys.
// `dsim schema FILE` rewrites those parts of FILE; a test fails when the
// checked-in file differs from the rewrite.
#ifndef DSIM_SIM_PROTOCOL_SCHEMA_H_
#define DSIM_SIM_PROTOCOL_SCHEMA_H_

#include "nlohmann/json.hpp"
#include "sim/protocol.h"

namespace dsim {

// The allOf block for one protocol.
nlohmann::ordered_json ProtocolSchemaBlock(const Protocol& p);

// `root` (a scenario schema) with every generated part replaced by what the
// declarations say today; everything else is kept as it is.
nlohmann::ordered_json WithGeneratedSchemas(nlohmann::ordered_json root,
                                           const ProtocolRegistry& registry);

}  // namespace dsim

#endif  // DSIM_SIM_PROTOCOL_SCHEMA_H_
