// Generated list-append histories for the isolation checker's benchmark, in
// the shape Elle's own generator gives: a few active keys, each taking at
// most 32 appends before a fresh key replaces it, transactions of one to four
// appends and whole-list reads, ten clients with overlapping transactions.
// Each transaction takes effect when it completes, so the history is
// strictly serializable, except for `stale_reads` reads that return the list
// as it was some transactions earlier: each such read is a real-time
// anomaly the checker must find.
//
//   TxnHistory h = GenerateListAppend({.txns = 1'000'000, .seed = 1});
//   std::string edn = ToEdn(h);   // the same history as a file
#ifndef DSIM_TOOLS_BENCH_TXN_HISTORIES_H_
#define DSIM_TOOLS_BENCH_TXN_HISTORIES_H_

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sim/check/txn_history.h"
#include "sim/rng.h"

namespace dsim {

struct ListAppendShape {
  int64_t txns = 100'000;
  uint64_t seed = 1;
  int active_keys = 10;
  int writes_per_key = 32;
  int processes = 10;
  int64_t stale_reads = 0;
};

inline TxnHistory GenerateListAppend(const ListAppendShape& shape) {
  Rng rng(shape.seed);
  TxnHistory h;
  h.workload = TxnWorkload::kListAppend;
  std::vector<int32_t> active;
  int32_t next_key = 0;
  auto fresh_key = [&] {
    h.key_names.push_back(absl::StrCat(next_key));
    return next_key++;
  };
  for (int i = 0; i < shape.active_keys; ++i) active.push_back(fresh_key());
  std::vector<std::vector<int32_t>> lists;  // key -> its list now
  std::vector<int32_t> appends;             // key -> appends so far
  // Each append is a new version of its key.
  auto version = [&](int32_t key) {
    h.value_names.push_back(absl::StrCat(h.value_names.size() + 1));
    h.version_key.push_back(key);
    return static_cast<int32_t>(h.value_names.size()) - 1;
  };
  // Which transactions read stale, spread evenly.
  const int64_t stale_every = shape.stale_reads > 0 ? shape.txns / shape.stale_reads : 0;
  // Transaction i is invoked at time 2i and completes up to `processes`
  // invocations later; it takes effect at its completion, in completion
  // order. Events are then numbered in time order: their positions.
  std::vector<int64_t> completes_at(shape.txns);
  struct Event {
    int64_t time;
    bool complete;
    int64_t txn;
  };
  std::vector<Event> events;
  for (int64_t i = 0; i < shape.txns; ++i) {
    completes_at[i] = 2 * (i + rng.UniformInt(0, shape.processes - 1)) + 1;
    events.push_back({2 * i, false, i});
    events.push_back({completes_at[i], true, i});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.txn < b.txn;
  });
  std::vector<int32_t> invoke_pos(shape.txns);
  std::vector<std::pair<int64_t, int64_t>> order;  // (complete position, i)
  for (size_t p = 0; p < events.size(); ++p) {
    if (events[p].complete) {
      order.push_back({static_cast<int64_t>(p), events[p].txn});
    } else {
      invoke_pos[events[p].txn] = static_cast<int32_t>(p);
    }
  }
  std::vector<std::vector<int32_t>> snapshot_lists;
  for (const auto& [complete, i] : order) {
    Txn t;
    t.index = i;
    t.process = static_cast<int32_t>(i % shape.processes);
    t.type = OpType::kOk;
    t.invoke_pos = invoke_pos[i];
    t.complete_pos = static_cast<int32_t>(complete);
    t.has_invoke = true;
    t.first_mop = static_cast<int32_t>(h.mops.size());
    const bool stale = stale_every > 0 && i % stale_every == stale_every / 2;
    const int n = static_cast<int>(rng.UniformInt(1, 4));
    for (int m = 0; m < n; ++m) {
      const int32_t key = active[rng.Uniform(active.size())];
      if (key >= static_cast<int32_t>(lists.size())) lists.resize(key + 1), appends.resize(key + 1);
      Mop mop;
      mop.key = key;
      if (rng.Chance(0.5)) {
        mop.f = Mop::F::kRead;
        std::vector<int32_t>& now = lists[key];
        // A stale read misses the last append, if there is one.
        const size_t size = stale && !now.empty() ? now.size() - 1 : now.size();
        mop.list_begin = static_cast<int32_t>(h.elements.size());
        mop.list_size = static_cast<int32_t>(size);
        h.elements.insert(h.elements.end(), now.begin(), now.begin() + static_cast<int64_t>(size));
      } else {
        mop.f = Mop::F::kAppend;
        mop.value = version(key);
        lists[key].push_back(mop.value);
        if (++appends[key] >= shape.writes_per_key) {
          *std::find(active.begin(), active.end(), key) = fresh_key();
        }
      }
      h.mops.push_back(mop);
    }
    t.num_mops = static_cast<int32_t>(h.mops.size()) - t.first_mop;
    h.txns.push_back(t);
  }
  return h;
}

// The history as Elle writes it: an invocation and a completion per
// transaction, one map per line, in position order.
inline std::string ToEdn(const TxnHistory& h) {
  std::vector<std::pair<int32_t, std::string>> lines;
  for (const Txn& t : h.txns) {
    std::string invoke = "[";
    for (const Mop* m = h.begin(t); m != h.end(t); ++m) {
      if (m != h.begin(t)) invoke += " ";
      invoke += m->f == Mop::F::kRead ? absl::StrCat("[:r ", h.key_names[m->key], " nil]") : h.MopText(*m);
    }
    invoke += "]";
    lines.push_back({t.invoke_pos, absl::StrCat("{:type :invoke, :f :txn, :value ", invoke, ", :process ",
                                                t.process, ", :index ", t.invoke_pos, "}")});
    lines.push_back({t.complete_pos, absl::StrCat("{:type :ok, :f :txn, :value ", h.TxnText(t), ", :process ",
                                                  t.process, ", :index ", t.complete_pos, "}")});
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& [_, line] : lines) absl::StrAppend(&out, line, "\n");
  return out;
}

}  // namespace dsim

#endif  // DSIM_TOOLS_BENCH_TXN_HISTORIES_H_
