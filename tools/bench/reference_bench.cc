// The physical reference for an event queue on this machine: a bare 4-ary
// min-heap of 24-byte entries (time, sequence, payload) with a fused
// replace-top (the popped root is overwritten by the re-armed entry and
// sifted down once), run with the same event mix as engine_bench's
// BM_TimerEvents: `pending` entries, each pop re-pushes its entry at
// now + Uniform(1 ns, 1 s) drawn from dsim's Rng. Nothing else: no timer
// records, no dispatch, no trace. tools/bench/ratios.sh runs it between
// dsim's own benchmarks and prints each of theirs as a ratio to it.
//
//   build/bin/reference_bench --benchmark_min_time=1
#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace dsim {
namespace {

struct HeapEntry {
  int64_t time;
  uint64_t seq;
  uint64_t payload;
};
static_assert(sizeof(HeapEntry) == 24);

inline bool Before(const HeapEntry& a, const HeapEntry& b) {
  return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

class FourAryHeap {
 public:
  void Reserve(size_t n) { v_.reserve(n); }
  void Push(HeapEntry e) {
    size_t i = v_.size();
    v_.push_back(e);
    while (i > 0) {
      const size_t parent = (i - 1) / 4;
      if (!Before(e, v_[parent])) break;
      v_[i] = v_[parent];
      i = parent;
    }
    v_[i] = e;
  }
  const HeapEntry& top() const { return v_[0]; }
  // Pop and push in one sift-down from the root.
  void ReplaceTop(HeapEntry e) {
    const size_t n = v_.size();
    size_t i = 0;
    for (;;) {
      const size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t last = first + 4 < n ? first + 4 : n;
      for (size_t c = first + 1; c < last; ++c) {
        if (Before(v_[c], v_[best])) best = c;
      }
      if (!Before(v_[best], e)) break;
      v_[i] = v_[best];
      i = best;
    }
    v_[i] = e;
  }

 private:
  std::vector<HeapEntry> v_;
};

void BM_BareHeapHoldModel(benchmark::State& state) {
  const int64_t pending = state.range(0);
  FourAryHeap heap;
  heap.Reserve(static_cast<size_t>(pending));
  Rng rng(1);
  uint64_t seq = 0;
  for (int64_t i = 0; i < pending; ++i) heap.Push({rng.UniformInt(1, kSecond), seq++, static_cast<uint64_t>(i)});
  for (auto _ : state) {
    const HeapEntry top = heap.top();
    heap.ReplaceTop({top.time + rng.UniformInt(1, kSecond), seq++, top.payload});
  }
  benchmark::DoNotOptimize(heap.top());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BareHeapHoldModel)->Arg(1000)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

}  // namespace
}  // namespace dsim

BENCHMARK_MAIN();
