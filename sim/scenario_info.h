// What the generic part of a scenario tells a protocol when it reads its own
// keys and makes a run.
#ifndef DSIM_SIM_SCENARIO_INFO_H_
#define DSIM_SIM_SCENARIO_INFO_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/faults.h"
#include "sim/json_reader.h"
#include "sim/process.h"

namespace dsim {

// The most servers a scenario may have ("nodes").
inline constexpr int kMaxNodes = 64;

// What the generic part of a scenario tells a protocol.
struct ScenarioInfo {
  int num_servers = 0;
  int64_t duration_ns = 0;
  std::set<std::string> bugs;
  // The scheduled faults (complete only when a run is made, not yet when
  // the protocol's own keys are read).
  std::vector<Fault> faults;
};

}  // namespace dsim

#endif  // DSIM_SIM_SCENARIO_INFO_H_
