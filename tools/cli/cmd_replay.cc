// dsim replay FILE.tsv
//
// Regression seeds in CI: each row names a scenario, a seed and the check
// that must fail on it (or "-": the seed must now meet the scenario's
// expectations, for a bug that was fixed). Lines starting with # are
// comments; columns after the third are notes. Scenario paths are relative
// to the current directory.
#include <fstream>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/swarm.h"
#include "tools/cli/cli.h"

namespace dsim {

int ReplayTableCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
                       CliIo io) {
  if (positional.size() != 1) {
    io.err << "dsim replay: expected one table of seeds (see dsim replay --help)\n";
    return kExitBadInput;
  }
  const std::string& path = positional[0];
  std::ifstream in(path);
  if (!in) {
    io.err << "dsim replay: " << path << ": cannot read the file\n";
    return kExitBadInput;
  }
  struct Row {
    int line;
    std::string scenario;
    uint64_t seed;
    std::string check;
  };
  std::vector<Row> rows;
  std::string text;
  for (int number = 1; std::getline(in, text); ++number) {
    absl::string_view line = absl::StripAsciiWhitespace(text);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    Row r{number, cols[0], 0, cols.size() > 2 ? cols[2] : ""};
    if (cols.size() < 3 || !absl::SimpleAtoi(cols[1], &r.seed) || r.check.empty()) {
      io.err << absl::StrFormat(
          "dsim replay: %s:%d: expected scenario<TAB>seed<TAB>check (or - for a seed that must pass)\n", path,
          number);
      return kExitBadInput;
    }
    rows.push_back(std::move(r));
  }
  std::map<std::string, Scenario> loaded;
  int as_recorded = 0;
  for (const Row& r : rows) {
    auto it = loaded.find(r.scenario);
    if (it == loaded.end()) {
      absl::StatusOr<Scenario> s = LoadScenarioFile(r.scenario, registry);
      if (!s.ok()) {
        io.err << absl::StrFormat("dsim replay: %s:%d: %s\n", path, r.line, s.status().message());
        return kExitBadInput;
      }
      it = loaded.emplace(r.scenario, *std::move(s)).first;
    }
    // A swarm scenario's seed runs the configuration it draws, as in dsim fuzz.
    absl::StatusOr<RunReport> run = RunSeed(it->second, r.seed, registry);
    if (!run.ok()) {
      io.err << absl::StrFormat("dsim replay: %s:%d: %s\n", path, r.line, run.status().message());
      return kExitBadInput;
    }
    const RunReport& report = *run;
    bool ok = false;
    std::string what;
    if (r.check == "-") {
      ok = report.pass;
      what = ok ? "passes, as recorded"
                : absl::StrFormat("expected to pass; %s", report.unmet.empty() ? "failed" : report.unmet[0]);
    } else {
      bool violated = false;
      for (const CheckResult* c : report.violations()) violated |= c->name == r.check;
      ok = violated;
      what = ok ? absl::StrFormat("%s fails, as recorded", r.check)
                : absl::StrFormat("expected %s to fail; it %s", r.check,
                                  report.violations().empty() ? "and every other check passed"
                                                              : "passed (other checks failed)");
    }
    as_recorded += ok;
    io.out << absl::StrFormat("%-5s %s  seed %d  %s\n", ok ? "ok" : "FAIL", r.scenario, r.seed, what);
    if (!ok) io.out << absl::StrFormat("      dsim run %s --seed=%d\n", r.scenario, r.seed);
  }
  io.out << absl::StrFormat("replay    %s: %d rows, %d as recorded, %d not\n", path, rows.size(), as_recorded,
                            rows.size() - as_recorded);
  return as_recorded == static_cast<int>(rows.size()) ? kExitOk : kExitFailed;
}

}  // namespace dsim
