// How a run is shown: the text summary of `dsim run` and the JSON object of
// `dsim run --json` and of each line of `dsim fuzz --out`.
#ifndef DSIM_TOOLS_CLI_REPORT_H_
#define DSIM_TOOLS_CLI_REPORT_H_

#include <ostream>
#include <string>

#include "nlohmann/json.hpp"
#include "sim/runner.h"
#include "sim/scenario.h"

namespace dsim {

nlohmann::ordered_json ReportJson(const RunReport& r, double wall_ms);
void PrintReport(const Scenario& s, const RunReport& r, double wall_ms, std::ostream& out);
// The command that replays one seed of a scenario.
// A fact as the text summary shows it: long ones cut between elements or
// words (with how much was left out), never inside one.
std::string FactText(const nlohmann::json& j);
std::string ReplayCommand(const std::string& file, uint64_t seed, bool swarm_flag = false);

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_REPORT_H_
