// dsim fuzz FILE --seeds=A..B [--jobs=J] [--out=FILE.jsonl] [--shard=K/N] [--for=DURATION] [--resume] [--swarm]
//
// Seeds are independent simulations: each worker thread runs whole seeds and
// shares nothing with the others but the scenario, which is immutable. A
// seed's result is therefore the same alone or in a batch, with any J, in
// any shard.
//
// Stopping early is part of the design: SIGINT or SIGTERM, or the end of the
// --for budget, stops the workers from taking new seeds; the seeds under way
// finish, their lines are written, and the summary so far is printed.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "sim/assert.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/swarm.h"
#include "sim/time.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"
#include "tools/cli/fuzz_results.h"
#include "tools/cli/report.h"

namespace dsim {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// The signal that asked the run to stop (0: none). A second one of the same
// kind gets the default action: the user can always kill a run.
volatile std::sig_atomic_t g_stop_signal = 0;

void OnStopSignal(int sig) {
  g_stop_signal = sig;
  std::signal(sig, SIG_DFL);
}

class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction sa = {};
    sa.sa_handler = OnStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ = {}, old_term_ = {};
};

struct SeedResult {
  bool skipped = false;  // already in the --out being resumed
  SeedOutcome outcome;
  std::string line;  // the JSON line for --out
};

struct Slice {
  uint64_t first = 0, last = 0;  // inclusive
  std::string label;             // "shard 2/8: 251..500", or empty
};

// --shard=K/N or auto/N: the K-th (from 0) of N contiguous slices of
// [first, last]. auto takes K from a Kubernetes Indexed Job or a Slurm array.
absl::StatusOr<Slice> ShardSlice(const std::string& text, uint64_t first, uint64_t last) {
  Slice s{first, last, ""};
  if (text.empty()) return s;
  const auto bad = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrFormat("--shard=%s: %s", text, why));
  };
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  uint64_t k = 0, n = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &n) || n < 1) {
    return bad("expected K/N (K from 0 to N-1) or auto/N");
  }
  std::string k_text = parts[0];
  if (k_text == "auto") {
    const char* job = std::getenv("JOB_COMPLETION_INDEX");
    const char* slurm = std::getenv("SLURM_ARRAY_TASK_ID");
    if (job == nullptr && slurm == nullptr) {
      return bad("auto needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID");
    }
    k_text = job != nullptr ? job : slurm;
  }
  if (!absl::SimpleAtoi(k_text, &k) || k >= n) {
    return bad(absl::StrFormat("the shard index %s is not in 0..%d", k_text, n - 1));
  }
  const unsigned __int128 count = static_cast<unsigned __int128>(last - first) + 1;
  if (n > count) return bad(absl::StrFormat("more shards than the %d seeds", static_cast<uint64_t>(count)));
  s.first = first + static_cast<uint64_t>(count * k / n);
  s.last = first + static_cast<uint64_t>(count * (k + 1) / n) - 1;
  s.label = absl::StrFormat("shard %d/%d: %d..%d", k, n, s.first, s.last);
  return s;
}

std::string Eta(double seconds) {
  if (seconds < 120) return absl::StrFormat("%.0f s", seconds);
  if (seconds < 7200) return absl::StrFormat("%.0f min", seconds / 60);
  return absl::StrFormat("%.1f h", seconds / 3600);
}

}  // namespace

int FuzzCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
                CliIo io) {
  if (positional.size() != 1) {
    io.err << "dsim fuzz: expected one scenario file (see dsim fuzz --help)\n";
    return kExitBadInput;
  }
  if (absl::GetFlag(FLAGS_seeds).empty()) {
    io.err << "dsim fuzz: --seeds=A..B is required\n";
    return kExitBadInput;
  }
  absl::StatusOr<std::pair<uint64_t, uint64_t>> range = ParseSeedRange(absl::GetFlag(FLAGS_seeds));
  if (!range.ok()) {
    io.err << "dsim fuzz: " << range.status().message() << "\n";
    return kExitBadInput;
  }
  const int jobs = absl::GetFlag(FLAGS_jobs);
  if (jobs < 1 || jobs > 256) {
    io.err << "dsim fuzz: --jobs must be in [1, 256]\n";
    return kExitBadInput;
  }
  absl::StatusOr<Slice> slice = ShardSlice(absl::GetFlag(FLAGS_shard), range->first, range->second);
  if (!slice.ok()) {
    io.err << "dsim fuzz: " << slice.status().message() << "\n";
    return kExitBadInput;
  }
  int64_t budget_ns = 0;  // 0: no --for
  if (const std::string f = absl::GetFlag(FLAGS_for); !f.empty()) {
    absl::StatusOr<int64_t> d = ParseDuration(f);
    if (!d.ok() || *d <= 0) {
      io.err << "dsim fuzz: --for=" << f << ": expected a positive duration such as \"600s\" or \"500ms\"\n";
      return kExitBadInput;
    }
    budget_ns = *d;
  }
  const std::string out_path = absl::GetFlag(FLAGS_out);
  const bool resume = absl::GetFlag(FLAGS_resume);
  if (resume && out_path.empty()) {
    io.err << "dsim fuzz: --resume continues an --out file: give --out=FILE\n";
    return kExitBadInput;
  }
  absl::StatusOr<Scenario> s = LoadScenarioWithFlags(positional[0], registry);
  if (!s.ok()) {
    io.err << s.status().message() << "\n";
    return kExitBadInput;
  }

  // The seeds of the slice that an earlier run already finished.
  std::map<uint64_t, SeedOutcome> earlier;
  uint64_t earlier_failed = 0;
  ResultsWriter out;
  if (!out_path.empty()) {
    uint64_t keep = 0;
    if (resume && access(out_path.c_str(), F_OK) == 0) {
      absl::StatusOr<ResultsFile> f = ReadResults(out_path);
      if (!f.ok()) {
        io.err << "dsim fuzz: --resume: " << f.status().message() << "\n";
        return kExitBadInput;
      }
      if (!f->seeds.empty() && f->scenario != s->name) {
        io.err << absl::StrFormat("dsim fuzz: --resume: %s holds results of scenario \"%s\", not \"%s\"\n",
                                  out_path, f->scenario, s->name);
        return kExitBadInput;
      }
      for (SeedOutcome& o : f->seeds) {
        if (o.seed < slice->first || o.seed > slice->last) continue;
        const uint64_t seed = o.seed;
        if (earlier.emplace(seed, std::move(o)).second) earlier_failed += !earlier.at(seed).pass;
      }
      keep = f->whole_bytes;
    }
    if (absl::Status st = out.Open(out_path, resume, keep); !st.ok()) {
      io.err << "dsim fuzz: " << st.message() << "\n";
      return kExitBadInput;
    }
  }

  const uint64_t first = slice->first, last = slice->last;
  const uint64_t count = last - first + 1;
  DSIM_ASSERT(count >= 1 && count <= kMaxSeedsPerBatch);
  const uint64_t to_run = count - earlier.size();
  // Results stream: a seed's result waits here only until every seed before
  // it has finished (at most about `jobs` of them), then it is written and
  // dropped; the first failing seeds are kept for the summary.
  constexpr size_t kKeptFailures = 20;
  std::map<uint64_t, SeedResult> waiting;  // by index, finished but not yet written
  std::map<uint64_t, SeedOutcome> failing;  // by seed: the first ones, earlier runs' included
  for (const auto& [seed, o] : earlier) {
    if (!o.pass && failing.size() < kKeptFailures) failing.emplace(seed, o);
  }
  std::atomic<uint64_t> next{0};
  std::atomic<bool> out_of_time{false};
  std::mutex mu;
  uint64_t written = 0, finished = 0, failed = 0;
  const bool progress = absl::GetFlag(FLAGS_progress);
  const bool tty = progress && isatty(STDERR_FILENO);
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::nanoseconds(budget_ns);
  Clock::time_point last_progress = start;
  StopSignals stop_signals;

  auto worker = [&] {
    for (;;) {
      if (g_stop_signal != 0) return;
      if (budget_ns > 0 && Clock::now() >= deadline) {
        out_of_time = true;
        return;
      }
      const uint64_t i = next.fetch_add(1);
      if (i >= count) return;
      const uint64_t seed = first + i;
      SeedResult res;
      if (earlier.contains(seed)) {
        res.skipped = true;
      } else {
        const Clock::time_point t0 = Clock::now();
        // A swarm scenario first draws this seed's configuration; the loader
        // checked every range's extremes, so a failure here is a finding.
        absl::StatusOr<RunReport> run = RunSeed(*s, seed, registry);
        if (!run.ok()) {
          res.outcome = {.seed = seed, .pass = false, .why = std::string(run.status().message()),
                         .replay = ReplayCommand(s->file, seed, s->swarm_by_flag)};
          res.line = nlohmann::ordered_json{{"scenario", s->name}, {"seed", seed}, {"verdict", "fail"},
                                            {"unmet", {res.outcome.why}}, {"replay", res.outcome.replay}}
                         .dump();
        } else {
          const RunReport& r = *run;
          res.outcome.seed = seed;
          res.outcome.pass = r.pass;
          if (!r.pass) {
            res.outcome.why = r.unmet.empty() ? "failed" : r.unmet.front();
            res.outcome.replay = ReplayCommand(s->file, seed, s->swarm_by_flag);
          }
          if (out.is_open()) res.line = ReportJson(r, Seconds(t0) * 1000).dump();
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      if (!res.skipped) {
        ++finished;
        failed += !res.outcome.pass;
      }
      waiting.emplace(i, std::move(res));
      for (auto it = waiting.begin(); it != waiting.end() && it->first == written; it = waiting.erase(it)) {
        SeedResult& w = it->second;
        ++written;
        if (w.skipped) continue;
        if (out.is_open()) out.Append(w.line);
        if (!w.outcome.pass && failing.size() < kKeptFailures) failing.emplace(w.outcome.seed, w.outcome);
      }
      if (!progress) continue;
      const auto every = tty ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10'000);
      if (Clock::now() - last_progress < every) continue;
      last_progress = Clock::now();
      const double rate = finished / std::max(Seconds(start), 1e-9);
      double eta = (to_run - finished) / std::max(rate, 1e-9);
      if (budget_ns > 0) eta = std::min(eta, std::chrono::duration<double>(deadline - Clock::now()).count());
      const std::string line =
          absl::StrFormat("[fuzz] %d/%d seeds, %d failing, %.0f seeds/s, ETA %s", finished, to_run,
                          failed + earlier_failed, rate, Eta(std::max(eta, 0.0)));
      if (tty) {
        io.err << "\r" << line << "   ";
      } else {
        io.err << line << "\n";
      }
      io.err.flush();
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  const double elapsed = Seconds(start);
  const int stop_signal = g_stop_signal;
  if (tty) io.err << "\r" << std::string(72, ' ') << "\r";
  DSIM_ASSERT(waiting.empty());
  if (out.is_open() && !out.Close()) {
    io.err << "dsim fuzz: --out=" << out_path << ": the write failed (disk full?)\n";
    return kExitBadInput;
  }

  const uint64_t total_failed = failed + earlier_failed;
  io.out << absl::StrFormat("fuzz      %s  seeds %d..%d%s  jobs %d\n", s->file, range->first, range->second,
                            slice->label.empty() ? "" : "  " + slice->label, jobs);
  io.out << absl::StrFormat("          %d seeds in %.2f s (%.0f seeds/s), %d failed\n", finished, elapsed,
                            finished / std::max(elapsed, 1e-9), failed);
  if (!earlier.empty()) {
    io.out << absl::StrFormat("          resumed: %d seeds were already in %s, %d of them failed\n",
                              earlier.size(), out_path, earlier_failed);
  }
  if (written < count) {
    const std::string why = stop_signal != 0 ? absl::StrFormat("stopped by %s", strsignal(stop_signal))
                                             : absl::StrFormat("stopped: --for=%s spent", absl::GetFlag(FLAGS_for));
    io.out << absl::StrFormat("          %s; not run: %s%s\n", why,
                              FormatSeedRanges(MissingSeeds(earlier, first + written, last)),
                              out_path.empty() ? "" : " (--resume continues)");
  }
  PrintFailingSeeds(failing, total_failed, out.is_open() || !out_path.empty(), io.out);
  if (total_failed > 0) return kExitFailed;
  if (stop_signal != 0) return 128 + stop_signal;
  return kExitOk;
}

}  // namespace dsim
