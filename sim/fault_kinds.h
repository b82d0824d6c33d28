// Every kind of fault in one table: its name in scenario files, the keys it
// takes (and which of them it needs), how it is read and how it is applied.
// The loader, ApplyFault, FaultKindName and the schema test all read this
// table; adding a kind is one Fault::Kind value and one row.
#ifndef DSIM_SIM_FAULT_KINDS_H_
#define DSIM_SIM_FAULT_KINDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "sim/faults.h"
#include "sim/json_reader.h"

namespace dsim {

// What a fault's keys are read against.
struct FaultBounds {
  int num_servers = 0;     // crash and restart name servers
  int max_id = 0;          // other faults may name clients too
  int64_t duration_ns = 0; // "at" is within the run
};

struct FaultKindSpec {
  Fault::Kind kind;
  const char* name;
  // The keys besides "at" and "kind", in reading order; `required` are the
  // ones a fault of this kind must have.
  std::vector<std::string> keys;
  std::vector<std::string> required;
  // Reads the keys (present and declared) into `f`; errors go to o's context.
  void (*read)(JsonObject& o, const FaultBounds& b, Fault& f);
  // Applies `f` now; network faults land in `layer`.
  void (*apply)(Simulator& sim, const Fault& f, FaultLayer layer);
  // Writes the keys back (the inverse of `read`): a fault the engine applied
  // becomes a line of a plan (dsim shrink).
  void (*write)(const Fault& f, nlohmann::json& o);
};

// Every kind, in Fault::Kind order.
const std::vector<FaultKindSpec>& FaultKinds();
const FaultKindSpec& FaultKindOf(Fault::Kind kind);

// One element of a scenario's "faults".
std::optional<Fault> ReadFault(const JsonValue& v, const FaultBounds& b);
// One element of "faults" that ReadFault reads back to `f` (a drift is
// written in whole ppm, the unit files use).
nlohmann::json FaultToJson(const Fault& f);

}  // namespace dsim

#endif  // DSIM_SIM_FAULT_KINDS_H_
