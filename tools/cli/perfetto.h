// A run's trace in the Chrome trace-event JSON that Perfetto
// (ui.perfetto.dev) and chrome://tracing open: a track per node, a slice
// per handler (its simulated CPU time), a flow arrow per delivered message,
// instant events for drops, crashes, restarts and faults, and each client
// operation as an async slice from invocation to completion.
//
//   std::stringstream jsonl;  RunScenario(s, {.seed = 4, .trace = &jsonl});
//   WritePerfetto(jsonl, {.num_servers = 3, .step_ns = s.sim.step_ns}, out);
#ifndef DSIM_TOOLS_CLI_PERFETTO_H_
#define DSIM_TOOLS_CLI_PERFETTO_H_

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace dsim {

struct PerfettoOptions {
  int num_servers = 0;   // ids above are clients
  int64_t step_ns = 10;  // the engine's cost of one handler (the scenario's step_cost)
  std::string title;     // the process names say it
};

// Reads dsim's JSON-lines trace (dsim run --trace) and writes the trace-event
// document. An error names the line that could not be read.
absl::Status WritePerfetto(std::istream& trace, const PerfettoOptions& options, std::ostream& out);

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_PERFETTO_H_
