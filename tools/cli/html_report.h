// One run as one self-contained HTML file (dsim report, dsim run --report):
// a space-time diagram (a lane per node, message arrows, drops and
// duplicates, handler time, crashes, pauses, network faults as bands, each
// node's local clock on hover), the client history per process and its
// latency over time with the fault periods shaded, and the checks' witness
// drawn on both. No network access: the page's script, styles and data are
// inline.
//
//   std::stringstream lines;
//   RunReport r = RunScenario(s, {.seed = 4, .trace = &lines});
//   WriteHtmlReport(s, r, lines, out);
#ifndef DSIM_TOOLS_CLI_HTML_REPORT_H_
#define DSIM_TOOLS_CLI_HTML_REPORT_H_

#include <istream>
#include <ostream>

#include "absl/status/status.h"
#include "sim/runner.h"
#include "sim/scenario.h"

namespace dsim {

// `trace` is the run's JSON-lines trace.
absl::Status WriteHtmlReport(const Scenario& s, const RunReport& r, std::istream& trace, std::ostream& out);

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_HTML_REPORT_H_
