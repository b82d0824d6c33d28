// dsim run FILE [--seed=N] [--trace=FILE.jsonl] [--history=FILE.json] [--perfetto=FILE.json]
//               [--report=FILE.html] [--json] [--swarm]
// dsim report FILE [--seed=N] --out=RUN.html [--swarm]
#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/swarm.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"
#include "tools/cli/html_report.h"
#include "tools/cli/perfetto.h"
#include "tools/cli/report.h"

namespace dsim {
namespace {

// An output file named by a flag, opened before the run so that a bad path
// fails at once, not after it.
class Output {
 public:
  Output(const char* command, const char* flag, std::string path) : command_(command), flag_(flag), path_(std::move(path)) {}
  bool wanted() const { return !path_.empty(); }
  bool Open(std::ostream& err) {
    if (!wanted()) return true;
    file_.open(path_, std::ios::binary | std::ios::trunc);
    if (!file_) err << "dsim " << command_ << ": --" << flag_ << "=" << path_ << ": cannot write the file\n";
    return static_cast<bool>(file_);
  }
  std::ofstream& stream() { return file_; }
  // Closes the file; false (said on err) when the write failed.
  bool Close(std::ostream& err, const absl::Status& written = absl::OkStatus()) {
    if (!file_.is_open()) return true;
    file_.close();
    if (written.ok() && file_) return true;
    err << "dsim " << command_ << ": --" << flag_ << "=" << path_ << ": "
        << (written.ok() ? "the write failed (disk full?)" : written.message()) << "\n";
    return false;
  }

 private:
  const char* command_;
  const char* flag_;
  std::string path_;
  std::ofstream file_;
};

// Runs one seed of FILE and writes what the flags ask for; `report_path`
// is the HTML report's. `summary`: print the run's summary (dsim run).
int RunAndWrite(const char* command, const std::vector<std::string>& positional, const ProtocolRegistry& registry,
                CliIo io, const char* report_flag, const std::string& report_path, bool summary) {
  if (positional.size() != 1) {
    io.err << "dsim " << command << ": expected one scenario file (see dsim " << command << " --help)\n";
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
      io.err << "dsim " << command << ": " << seed.status().message() << "\n";
      return kExitBadInput;
    }
    options.seed = *seed;
  }
  Output trace(command, "trace", summary ? absl::GetFlag(FLAGS_trace) : "");
  Output history(command, "history", summary ? absl::GetFlag(FLAGS_history) : "");
  Output perfetto(command, "perfetto", summary ? absl::GetFlag(FLAGS_perfetto) : "");
  Output html(command, report_flag, report_path);
  for (Output* o : {&trace, &history, &perfetto, &html}) {
    if (!o->Open(io.err)) return kExitBadInput;
  }
  // The viewers are made from the JSON-lines trace, kept in memory for them.
  std::stringstream lines;
  const bool viewers = perfetto.wanted() || html.wanted();
  if (viewers) {
    options.trace = &lines;
  } else if (trace.wanted()) {
    options.trace = &trace.stream();
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
  if (history.wanted()) history.stream() << HistoryToJson(report.history);
  if (!history.Close(io.err)) return kExitBadInput;
  if (viewers && trace.wanted()) trace.stream() << lines.str();
  if (!trace.Close(io.err)) return kExitBadInput;
  if (perfetto.wanted()) {
    lines.clear();
    lines.seekg(0);
    const absl::Status written = WritePerfetto(
        lines, {.num_servers = s->sim.num_servers, .step_ns = s->sim.step_ns, .title = s->name}, perfetto.stream());
    if (!perfetto.Close(io.err, written)) return kExitBadInput;
  }
  if (html.wanted()) {
    lines.clear();
    lines.seekg(0);
    const absl::Status written = WriteHtmlReport(*s, report, lines, html.stream());
    if (!html.Close(io.err, written)) return kExitBadInput;
  }
  if (!summary) {
    io.out << "report    " << report_path << " (" << (report.pass ? "pass" : "fail") << ", seed " << report.seed
           << ")\n";
  } else if (absl::GetFlag(FLAGS_json)) {
    io.out << ReportJson(report, wall_ms).dump() << "\n";
  } else {
    PrintReport(*s, report, wall_ms, io.out);
  }
  return report.pass ? kExitOk : kExitFailed;
}

}  // namespace

int RunCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry, CliIo io) {
  return RunAndWrite("run", positional, registry, io, "report", absl::GetFlag(FLAGS_report), /*summary=*/true);
}

int ReportCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry, CliIo io) {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    io.err << "dsim report: --out=RUN.html names the file to write\n";
    return kExitBadInput;
  }
  return RunAndWrite("report", positional, registry, io, "out", out, /*summary=*/false);
}

}  // namespace dsim
