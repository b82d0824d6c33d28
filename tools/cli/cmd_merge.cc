// dsim merge A.jsonl B.jsonl ... [--seeds=A..B]
//
// Shards of one fuzz campaign (dsim fuzz --shard=K/N --out=...) merged into
// the summary one machine would have printed: the seeds run, the failing
// seeds with their replay commands, the rate per worker, and the seeds of
// the range that no shard reported.
#include <map>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"
#include "tools/cli/fuzz_results.h"

namespace dsim {

int MergeCommand(const std::vector<std::string>& positional, CliIo io) {
  if (positional.empty()) {
    io.err << "dsim merge: expected one or more dsim fuzz --out files (see dsim merge --help)\n";
    return kExitBadInput;
  }
  std::string scenario;
  std::map<uint64_t, SeedOutcome> seeds;
  std::map<uint64_t, SeedOutcome> failing;
  uint64_t failed = 0, duplicates = 0;
  double worker_ms = 0;
  for (const std::string& path : positional) {
    absl::StatusOr<ResultsFile> f = ReadResults(path);
    if (!f.ok()) {
      io.err << "dsim merge: " << f.status().message() << "\n";
      return kExitBadInput;
    }
    if (f->torn_tail) io.err << "dsim merge: " << path << ": the last line is torn; its seed counts as missing\n";
    if (f->seeds.empty()) continue;
    if (scenario.empty()) scenario = f->scenario;
    if (f->scenario != scenario) {
      io.err << absl::StrFormat("dsim merge: %s holds scenario \"%s\", but %s holds \"%s\"\n", path,
                                f->scenario, positional[0], scenario);
      return kExitBadInput;
    }
    for (SeedOutcome& o : f->seeds) {
      auto [it, inserted] = seeds.emplace(o.seed, o);
      if (!inserted) {
        // The same seed twice (overlapping shards, a resumed run) must be the
        // same run; two different runs of one seed are a determinism leak or
        // two builds.
        if (it->second.trace_hash != o.trace_hash || it->second.pass != o.pass) {
          io.err << absl::StrFormat(
              "dsim merge: %s: seed %d has trace %s, another file has trace %s: not the same build or "
              "scenario, or a determinism leak (dsim diff on their --trace files)\n",
              path, o.seed, o.trace_hash, it->second.trace_hash);
          return kExitBadInput;
        }
        ++duplicates;
        continue;
      }
      worker_ms += o.wall_ms;
      if (!o.pass) {
        ++failed;
        failing.emplace(o.seed, std::move(o));
      }
    }
  }
  if (seeds.empty()) {
    io.err << "dsim merge: no results in " << positional.size() << " file(s)\n";
    return kExitBadInput;
  }
  uint64_t first = seeds.begin()->first, last = seeds.rbegin()->first;
  if (const std::string r = absl::GetFlag(FLAGS_seeds); !r.empty()) {
    absl::StatusOr<std::pair<uint64_t, uint64_t>> range = ParseSeedRange(r);
    if (!range.ok()) {
      io.err << "dsim merge: " << range.status().message() << "\n";
      return kExitBadInput;
    }
    std::tie(first, last) = *range;
  }
  const auto missing = MissingSeeds(seeds, first, last);
  uint64_t missing_count = 0;
  for (const auto& [a, b] : missing) missing_count += b - a + 1;
  uint64_t in_range = 0;
  for (auto it = seeds.lower_bound(first); it != seeds.end() && it->first <= last; ++it) ++in_range;

  io.out << absl::StrFormat("merge     %s  seeds %d..%d  from %d file%s\n", scenario, first, last,
                            positional.size(), positional.size() == 1 ? "" : "s");
  io.out << absl::StrFormat("          %d seeds, %d failed; %.2f s of worker time (%.0f seeds/s per worker)%s\n",
                            seeds.size(), failed, worker_ms / 1000,
                            seeds.size() / std::max(worker_ms / 1000, 1e-9),
                            duplicates == 0 ? "" : absl::StrFormat("; %d seeds in two files, identical", duplicates));
  if (in_range != seeds.size()) {
    io.out << absl::StrFormat("          %d seeds lie outside %d..%d\n", seeds.size() - in_range, first, last);
  }
  if (missing_count == 0) {
    io.out << "          every seed of the range is there\n";
  } else {
    io.out << absl::StrFormat("          missing %d seed%s: %s\n", missing_count, missing_count == 1 ? "" : "s",
                              FormatSeedRanges(missing));
  }
  PrintFailingSeeds(failing, failed, false, io.out);
  if (failed > 0) return kExitFailed;
  return missing_count == 0 ? kExitOk : kExitUnknown;
}

}  // namespace dsim
