// dsim run FILE [--seed=N] [--trace=FILE.jsonl] [--history=FILE.json] [--json] [--swarm]
#include <chrono>
#include <fstream>

#include "absl/flags/flag.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/swarm.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"
#include "tools/cli/report.h"

namespace dsim {

int RunCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
               CliIo io) {
  if (positional.size() != 1) {
    io.err << "dsim run: expected one scenario file (see dsim run --help)\n";
    return kExitBadInput;
  }
  absl::StatusOr<Scenario> s = LoadScenarioWithFlags(positional[0], registry);
  if (!s.ok()) {
    io.err << s.status().message() << "\n";
    return kExitBadInput;
  }
  RunOptions options;
  if (const std::string text = absl::GetFlag(FLAGS_seed); !text.empty()) {
    absl::StatusOr<uint64_t> seed = ParseSeed(text);
    if (!seed.ok()) {
      io.err << "dsim run: " << seed.status().message() << "\n";
      return kExitBadInput;
    }
    options.seed = *seed;
  }
  std::ofstream trace;
  if (const std::string path = absl::GetFlag(FLAGS_trace); !path.empty()) {
    trace.open(path, std::ios::binary | std::ios::trunc);
    if (!trace) {
      io.err << "dsim run: --trace=" << path << ": cannot write the file\n";
      return kExitBadInput;
    }
    options.trace = &trace;
  }
  // Opened before the run, so that a bad path fails at once, not after it.
  const std::string history_path = absl::GetFlag(FLAGS_history);
  std::ofstream history;
  if (!history_path.empty()) {
    history.open(history_path, std::ios::binary | std::ios::trunc);
    if (!history) {
      io.err << "dsim run: --history=" << history_path << ": cannot write the file\n";
      return kExitBadInput;
    }
  }
  if (!s->swarm.empty()) {  // this seed's own configuration
    absl::StatusOr<Scenario> derived = ScenarioForSeed(*s, options.seed.value_or(s->seed), registry);
    if (!derived.ok()) {
      io.err << derived.status().message() << "\n";
      return kExitBadInput;
    }
    s = std::move(derived);
  }
  const auto start = std::chrono::steady_clock::now();
  const RunReport report = RunScenario(*s, options);
  const double wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (history.is_open()) {
    history << HistoryToJson(report.history);
    history.close();
    if (!history) {
      io.err << "dsim run: --history=" << history_path << ": the write failed (disk full?)\n";
      return kExitBadInput;
    }
  }
  if (trace.is_open()) {
    trace.close();
    if (!trace) {
      io.err << "dsim run: --trace=" << absl::GetFlag(FLAGS_trace) << ": the write failed (disk full?)\n";
      return kExitBadInput;
    }
  }
  if (absl::GetFlag(FLAGS_json)) {
    io.out << ReportJson(report, wall_ms).dump() << "\n";
  } else {
    PrintReport(*s, report, wall_ms, io.out);
  }
  return report.pass ? kExitOk : kExitFailed;
}

}  // namespace dsim
