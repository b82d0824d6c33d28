// dsim fuzz FILE --seeds=A..B [--jobs=J] [--out=FILE.jsonl]
//
// Seeds are independent simulations: each worker thread runs whole seeds and
// shares nothing with the others but the scenario, which is immutable. A
// seed's result is therefore the same alone or in a batch, with any J.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "sim/assert.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"
#include "tools/cli/report.h"

namespace dsim {
namespace {

using Clock = std::chrono::steady_clock;

struct SeedResult {
  bool pass = false;
  std::string why;   // first violation or unmet expectation
  std::string line;  // the JSON line for --out
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
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
  absl::StatusOr<Scenario> s = LoadScenarioFile(positional[0], registry);
  if (!s.ok()) {
    io.err << s.status().message() << "\n";
    return kExitBadInput;
  }
  std::ofstream out;
  if (const std::string path = absl::GetFlag(FLAGS_out); !path.empty()) {
    out.open(path, std::ios::binary | std::ios::trunc);
    if (!out) {
      io.err << "dsim fuzz: --out=" << path << ": cannot write the file\n";
      return kExitBadInput;
    }
  }
  const uint64_t first = range->first, last = range->second;
  const uint64_t count = last - first + 1;
  DSIM_ASSERT(count >= 1 && count <= kMaxSeedsPerBatch);
  // Results stream: a seed's result waits here only until every seed before
  // it has finished (at most about `jobs` of them), then it is written and
  // dropped; the first failing seeds are kept for the summary.
  constexpr size_t kShownFailures = 20;
  std::map<uint64_t, SeedResult> waiting;  // by index, finished but not yet written
  std::vector<std::pair<uint64_t, std::string>> shown;  // (index, why), in seed order
  std::atomic<uint64_t> next{0};
  std::mutex mu;
  uint64_t written = 0, finished = 0, failed = 0;
  const bool progress = absl::GetFlag(FLAGS_progress) && isatty(STDERR_FILENO);
  const Clock::time_point start = Clock::now();
  Clock::time_point last_progress = start;

  auto worker = [&] {
    for (;;) {
      const uint64_t i = next.fetch_add(1);
      if (i >= count) return;
      const uint64_t seed = first + i;
      const Clock::time_point t0 = Clock::now();
      const RunReport r = RunScenario(*s, {.seed = seed});
      SeedResult res;
      res.pass = r.pass;
      if (!r.pass) res.why = r.unmet.empty() ? "failed" : r.unmet.front();
      if (out.is_open()) res.line = ReportJson(r, Seconds(t0) * 1000).dump();
      std::lock_guard<std::mutex> lock(mu);
      ++finished;
      failed += !res.pass;
      waiting.emplace(i, std::move(res));
      for (auto it = waiting.begin(); it != waiting.end() && it->first == written; it = waiting.erase(it)) {
        if (out.is_open()) out << it->second.line << "\n";
        if (!it->second.pass && shown.size() < kShownFailures) shown.emplace_back(it->first, it->second.why);
        ++written;
      }
      if (progress && Clock::now() - last_progress > std::chrono::milliseconds(200)) {
        last_progress = Clock::now();
        io.err << absl::StrFormat("\r[fuzz] %d/%d seeds, %d failing, %.0f seeds/s   ", finished,
                                  count, failed, finished / Seconds(start));
        io.err.flush();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  const double elapsed = Seconds(start);
  if (out.is_open()) {
    out.close();
    if (!out) {
      io.err << "dsim fuzz: --out=" << absl::GetFlag(FLAGS_out) << ": the write failed (disk full?)\n";
      return kExitBadInput;
    }
  }
  if (progress) io.err << "\r" << std::string(60, ' ') << "\r";

  io.out << absl::StrFormat("fuzz      %s  seeds %d..%d  jobs %d\n", s->file, first, last, jobs);
  io.out << absl::StrFormat("          %d seeds in %.2f s (%.0f seeds/s), %d failed\n", count,
                            elapsed, count / std::max(elapsed, 1e-9), failed);
  if (failed > 0) {
    io.out << "failing seeds:\n";
    DSIM_ASSERT(written == count && waiting.empty());
    for (const auto& [i, why] : shown) {
      io.out << absl::StrFormat("  %d  %s\n      %s\n", first + i, why, ReplayCommand(s->file, first + i));
    }
    if (failed > shown.size()) {
      io.out << absl::StrFormat("  ... and %d more%s\n", failed - shown.size(),
                                out.is_open() ? " (all in --out)" : "");
    }
  }
  return failed == 0 ? kExitOk : kExitFailed;
}

}  // namespace dsim
