// The isolation checker's speed on generated list-append histories
// (tools/bench/txn_histories.h): transactions checked per second, for the
// check alone (an in-memory history, strict serializability: real-time
// edges and every cycle search) and for the whole of `dsim check` on a file
// (reading the EDN included). Peak memory is the process's, from
// /usr/bin/time -v, one benchmark at a time:
//
//   build/bin/isolation_bench --benchmark_filter=Check/1000000
//   /usr/bin/time -v build/bin/isolation_bench --benchmark_filter=Check/1000000
#include <cstdio>
#include <fstream>

#include "absl/strings/str_join.h"
#include "benchmark/benchmark.h"
#include "sim/check/history_io.h"
#include "sim/check/isolation.h"
#include "tools/bench/txn_histories.h"

namespace dsim {
namespace {

void Report(benchmark::State& state, int64_t txns, const IsolationResult& r) {
  state.SetItemsProcessed(state.iterations() * txns);
  state.counters["anomaly_types"] = static_cast<double>(r.anomaly_types.size());
  state.counters["valid"] = r.valid == Validity::kValid;
  state.SetLabel(absl::StrJoin(r.anomaly_types, ","));
}

// A clean history (strictly serializable) of N transactions.
void BM_Check(benchmark::State& state) {
  const TxnHistory h = GenerateListAppend({.txns = state.range(0)});
  IsolationResult r;
  for (auto _ : state) {
    r = CheckIsolation(h, IsolationOptions{});
    benchmark::DoNotOptimize(r);
  }
  if (r.valid != Validity::kValid) state.SkipWithError("a clean history was not valid");
  Report(state, state.range(0), r);
}
BENCHMARK(BM_Check)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// N transactions with 20 stale reads: anomalies found and explained.
void BM_CheckWithAnomalies(benchmark::State& state) {
  const TxnHistory h = GenerateListAppend({.txns = state.range(0), .stale_reads = 20});
  IsolationResult r;
  for (auto _ : state) {
    r = CheckIsolation(h, IsolationOptions{});
    benchmark::DoNotOptimize(r.ToText());
  }
  if (r.valid != Validity::kInvalid) state.SkipWithError("the stale reads were not found");
  Report(state, state.range(0), r);
}
BENCHMARK(BM_CheckWithAnomalies)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// The whole of `dsim check` but start-up: read the EDN file, convert, check.
void BM_ReadAndCheck(benchmark::State& state) {
  const std::string path = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                           "/dsim_isolation_bench.edn";
  {
    std::ofstream(path) << ToEdn(GenerateListAppend({.txns = state.range(0), .stale_reads = 20}));
  }
  IsolationResult r;
  for (auto _ : state) {
    absl::StatusOr<TxnHistory> h = LoadTxnHistoryFile(path, TxnWorkload::kListAppend);
    r = CheckIsolation(*h, IsolationOptions{});
    benchmark::DoNotOptimize(r);
  }
  std::remove(path.c_str());
  Report(state, state.range(0), r);
}
BENCHMARK(BM_ReadAndCheck)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dsim

BENCHMARK_MAIN();
