// dsim hunt FILE [--streams=K] [--max-seeds=N] [--jobs=J] [--swarm] [--find=CHECK]
//
// Seeds-to-find: how many seeds a fuzz run needs before the first failure.
// Stream k runs seeds k*1,000,000+1, k*1,000,000+2, ... until one fails or
// N have passed; the median and the worst over K independent streams, and
// the CPU time each stream took to its find, say how quickly `dsim fuzz`
// finds the bug a scenario plants. Every find is a seed `dsim run` replays.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/swarm.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"
#include "tools/cli/report.h"

namespace dsim {
namespace {

constexpr uint64_t kStreamStride = 1'000'000;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct StreamResult {
  uint64_t seeds = 0;     // run, the failing one included
  bool found = false;
  uint64_t seed = 0;      // the failing seed
  double cpu_s = 0;
};

template <typename T>
T Median(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? T{} : v[(v.size() - 1) / 2];
}

}  // namespace

int HuntCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry, CliIo io) {
  if (positional.size() != 1) {
    io.err << "dsim hunt: expected one scenario file (see dsim hunt --help)\n";
    return kExitBadInput;
  }
  const int streams = absl::GetFlag(FLAGS_streams);
  const int64_t max_seeds = absl::GetFlag(FLAGS_max_seeds);
  const int jobs = absl::GetFlag(FLAGS_jobs);
  const std::string check = absl::GetFlag(FLAGS_find);
  if (streams < 1 || streams > 10000 || max_seeds < 1 || max_seeds >= static_cast<int64_t>(kStreamStride) ||
      jobs < 1 || jobs > 256) {
    io.err << "dsim hunt: --streams must be in [1, 10000], --max-seeds in [1, 999999], --jobs in [1, 256]\n";
    return kExitBadInput;
  }
  absl::StatusOr<Scenario> s = LoadScenarioWithFlags(positional[0], registry);
  if (!s.ok()) {
    io.err << s.status().message() << "\n";
    return kExitBadInput;
  }
  if (!check.empty() && !s->checks.contains(check)) {
    io.err << absl::StrFormat("dsim hunt: --find=%s: the scenario runs no such check\n", check);
    return kExitBadInput;
  }
  std::vector<StreamResult> results(static_cast<size_t>(streams));
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int k; (k = next.fetch_add(1)) < streams;) {
      StreamResult& r = results[static_cast<size_t>(k)];
      const double t0 = ThreadCpuSeconds();
      for (int64_t i = 1; i <= max_seeds && !r.found; ++i) {
        const uint64_t seed = static_cast<uint64_t>(k + 1) * kStreamStride + static_cast<uint64_t>(i);
        ++r.seeds;
        // A draw that does not load is a finding, as in dsim fuzz.
        const absl::StatusOr<RunReport> report = RunSeed(*s, seed, registry);
        bool pass = report.ok() && report->pass;
        if (report.ok() && !check.empty()) {  // only evidence against that check is a find
          pass = true;
          for (const CheckResult* c : report->violations()) pass &= !(c->name == check && !c->undecided);
        }
        if (!pass) {
          r.found = true;
          r.seed = seed;
        }
      }
      r.cpu_s = ThreadCpuSeconds() - t0;
    }
  };
  std::vector<std::thread> threads;
  for (int j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();

  std::vector<uint64_t> to_find;
  std::vector<double> cpu;
  int found = 0;
  for (const StreamResult& r : results) {
    found += r.found;
    // A stream that never found counts as its whole budget: a lower bound.
    to_find.push_back(r.seeds);
    cpu.push_back(r.cpu_s);
  }
  const bool swarm = !s->swarm.empty();
  io.out << absl::StrFormat("hunt      %s  %d streams of at most %d seeds%s%s  jobs %d\n", s->file, streams,
                            max_seeds, swarm ? (s->swarm_by_flag ? "  --swarm" : "  swarm") : "",
                            check.empty() ? "" : "  find: " + check + " fails", jobs);
  io.out << absl::StrFormat(
      "          found in %d of %d streams; seeds to find: median %d, worst %d%s; CPU per find: median %.2f s, "
      "worst %.2f s\n",
      found, streams, Median(to_find), *std::max_element(to_find.begin(), to_find.end()),
      found < streams ? " (or more: a stream that found nothing counts its budget)" : "", Median(cpu),
      *std::max_element(cpu.begin(), cpu.end()));
  for (size_t k = 0; k < results.size(); ++k) {
    const StreamResult& r = results[k];
    if (r.found) {
      io.out << absl::StrFormat("  stream %d: seed %d after %d seeds, %.2f s: %s\n", k + 1, r.seed, r.seeds,
                                r.cpu_s, ReplayCommand(s->file, r.seed, s->swarm_by_flag));
    } else {
      io.out << absl::StrFormat("  stream %d: nothing in %d seeds, %.2f s\n", k + 1, r.seeds, r.cpu_s);
    }
  }
  return found == streams ? kExitOk : kExitFailed;
}

}  // namespace dsim
