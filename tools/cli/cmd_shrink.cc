// dsim shrink FILE --seed=N [--find=CHECK] [--out=MIN.json] [--budget=RUNS|DURATION]
//
// A failing seed, made small: the shrinker (sim/shrink.h) reduces the
// scenario while the same check keeps failing on the same seed, and writes
// a standalone scenario whose `expect` names the violation.
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "sim/shrink.h"
#include "sim/time.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"

namespace dsim {
namespace {

// "300" runs, or a wall-clock duration ("60s").
struct Budget {
  int runs = 0;
  int64_t wall_ns = 0;
};

absl::StatusOr<Budget> ParseBudget(const std::string& text) {
  Budget b;
  int runs = 0;
  if (absl::SimpleAtoi(text, &runs)) {
    if (runs < 2 || runs > 1'000'000) {
      return absl::InvalidArgumentError(absl::StrFormat("--budget=%s: runs from 2 to 1000000", text));
    }
    b.runs = runs;
    return b;
  }
  absl::StatusOr<int64_t> ns = ParseDuration(text);
  if (!ns.ok() || *ns < kSecond) {
    return absl::InvalidArgumentError(
        absl::StrFormat("--budget=%s: a number of runs (\"500\") or a duration of at least 1s (\"60s\")", text));
  }
  b.runs = 1'000'000;
  b.wall_ns = *ns;
  return b;
}

std::string Size(const ShrinkSize& s) {
  return absl::StrFormat("%d faults, %d events, %d operations, %d servers, %d clients, %s", s.faults, s.events,
                         s.operations, s.servers, s.clients, FormatDuration(s.duration_ns));
}

}  // namespace

int ShrinkCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry, CliIo io) {
  if (positional.size() != 1) {
    io.err << "dsim shrink: expected one scenario file (see dsim shrink --help)\n";
    return kExitBadInput;
  }
  const std::string seed_text = absl::GetFlag(FLAGS_seed);
  if (seed_text.empty()) {
    io.err << "dsim shrink: --seed=N names the failing seed to shrink\n";
    return kExitBadInput;
  }
  absl::StatusOr<uint64_t> seed = ParseSeed(seed_text);
  if (!seed.ok()) {
    io.err << "dsim shrink: " << seed.status().message() << "\n";
    return kExitBadInput;
  }
  absl::StatusOr<Budget> budget = ParseBudget(absl::GetFlag(FLAGS_budget));
  if (!budget.ok()) {
    io.err << "dsim shrink: " << budget.status().message() << "\n";
    return kExitBadInput;
  }
  absl::StatusOr<Scenario> s = LoadScenarioWithFlags(positional[0], registry);
  if (!s.ok()) {
    io.err << s.status().message() << "\n";
    return kExitBadInput;
  }
  const std::string check = absl::GetFlag(FLAGS_find);
  if (!check.empty() && !s->checks.count(check)) {
    io.err << absl::StrFormat("dsim shrink: --find=%s: the scenario runs no such check\n", check);
    return kExitBadInput;
  }
  const std::string out_path = absl::GetFlag(FLAGS_out);
  std::ofstream out;
  if (!out_path.empty()) {  // opened first, so that a bad path fails at once
    out.open(out_path, std::ios::binary | std::ios::trunc);
    if (!out) {
      io.err << "dsim shrink: --out=" << out_path << ": cannot write the file\n";
      return kExitBadInput;
    }
  }

  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  const bool tty = absl::GetFlag(FLAGS_progress) && isatty(STDERR_FILENO);
  ShrinkOptions options{.seed = *seed, .check = check, .max_runs = budget->runs};
  if (budget->wall_ns > 0) {
    options.stop = [&] { return Clock::now() - start >= std::chrono::nanoseconds(budget->wall_ns); };
  }
  if (tty) {
    options.progress = [&](const ShrinkProgress& p) {
      io.err << absl::StrFormat("\r\033[Kshrink: %d runs, %d faults, %s (%s)", p.runs, p.faults,
                                FormatDuration(p.duration_ns), p.pass)
             << std::flush;
    };
  }
  absl::StatusOr<ShrinkResult> r = Shrink(*s, registry, options);
  if (tty) io.err << "\r\033[K" << std::flush;
  if (!r.ok()) {
    io.err << "dsim shrink: " << r.status().message() << "\n";
    return kExitBadInput;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::string text = r->scenario.dump(2) + "\n";
  if (out.is_open()) {
    out << text;
    out.close();
    if (!out) {
      io.err << "dsim shrink: --out=" << out_path << ": the write failed (disk full?)\n";
      return kExitBadInput;
    }
  } else {
    io.out << text;
  }
  std::ostream& summary = out_path.empty() ? io.err : io.out;
  summary << absl::StrFormat("shrink    %s seed %d: %s still fails%s\n", s->file, *seed, r->check,
                             r->explicit_plan ? " (the nemesis became an explicit plan)" : "");
  summary << absl::StrFormat("before    %s\n", Size(r->before));
  summary << absl::StrFormat("after     %s\n", Size(r->after));
  for (const std::string& step : r->steps) summary << "  - " << step << "\n";
  summary << absl::StrFormat("runs      %d in %.1f s%s\n", r->runs, seconds,
                             r->exhausted ? " (budget spent: --budget=N gives more)" : " (no smaller step fails)");
  summary << "why       " << r->detail << "\n";
  if (!out_path.empty()) summary << "replay    dsim run " << out_path << "\n";
  return kExitOk;
}

}  // namespace dsim
