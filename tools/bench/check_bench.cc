// The linearizability checker over the shared corpus (../shared/corpus), one
// benchmark per history file plus totals, timed like Porcupine's baseline in
// the corpus README: one check of the already-parsed history.
//
//   build/bin/check_bench                       # every file
//   build/bin/check_bench --benchmark_filter=c50
//
// Targets (single-threaded, same verdicts): at most half of Porcupine's time
// on the etcd total (534 ms), the kv total (244 ms) and c50-ok (220 ms), and
// never more than Porcupine's time plus 1 ms on any single file.
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "benchmark/benchmark.h"
#include "sim/check/history_io.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "tools/bench/corpus.h"

namespace dsim {
namespace {

struct Loaded {
  CorpusEntry entry;
  std::unique_ptr<Model> model;
  std::vector<Operation> ops;
};

std::vector<Loaded>& Corpus() {
  static auto* loaded = [] {
    auto* v = new std::vector<Loaded>();
    absl::StatusOr<std::vector<CorpusEntry>> entries = ReadCorpusManifest(CorpusDir());
    if (!entries.ok()) {
      std::fprintf(stderr, "%s\n", std::string(entries.status().message()).c_str());
      return v;
    }
    for (const CorpusEntry& e : *entries) {
      absl::StatusOr<ParsedHistory> h = LoadHistoryFile(CorpusDir() + "/" + e.path);
      absl::StatusOr<std::unique_ptr<Model>> m = MakeModel(e.model_name, e.options);
      if (!h.ok() || !m.ok()) continue;
      absl::StatusOr<std::vector<Operation>> ops = PrepareOperations(h->events, **m, e.path);
      if (!ops.ok()) continue;
      v->push_back({e, std::move(*m), std::move(*ops)});
    }
    return v;
  }();
  return *loaded;
}

void CheckOne(benchmark::State& state, size_t i) {
  Loaded& l = Corpus()[i];
  for (auto _ : state) {
    // A fresh model each time: the kv model's trie is per check.
    absl::StatusOr<std::unique_ptr<Model>> m = MakeModel(l.entry.model_name, l.entry.options);
    LinearizabilityResult r = CheckOperations(l.ops, **m, {});
    benchmark::DoNotOptimize(r.verdict);
    if (r.verdict != l.entry.expected && l.entry.expected != Verdict::kUnknown) {
      state.SkipWithError("wrong verdict");
      return;
    }
  }
}

void CheckSet(benchmark::State& state, const std::string& prefix) {
  for (auto _ : state) {
    for (Loaded& l : Corpus()) {
      if (l.entry.path.rfind(prefix, 0) != 0) continue;
      absl::StatusOr<std::unique_ptr<Model>> m = MakeModel(l.entry.model_name, l.entry.options);
      benchmark::DoNotOptimize(CheckOperations(l.ops, **m, {}).verdict);
    }
  }
}

int RegisterAll() {
  benchmark::RegisterBenchmark("total/etcd", CheckSet, std::string("porcupine/jepsen/"))->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("total/kv", CheckSet, std::string("porcupine/kv/"))->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("total/knossos", CheckSet, std::string("knossos/"))->Unit(benchmark::kMillisecond);
  for (size_t i = 0; i < Corpus().size(); ++i) {
    benchmark::RegisterBenchmark(("file/" + Corpus()[i].entry.path).c_str(), CheckOne, i)
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}

}  // namespace
}  // namespace dsim

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  dsim::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
