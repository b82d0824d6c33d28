// The dependency graph's construction: edges collected, then bucketed by
// source into adjacency lists (txn_graph.h). The cycle search over it is
// txn_graph.cc.
#include <algorithm>

#include "sim/assert.h"
#include "sim/check/txn_graph.h"

namespace dsim {

const char* RelName(Rel r) {
  switch (r) {
    case kWW:
      return "ww";
    case kWR:
      return "wr";
    case kRW:
      return "rw";
    case kProcess:
      return "process";
    case kRealtime:
      return "realtime";
  }
  return "?";
}

void DepGraph::Add(int32_t from, int32_t to, uint8_t rels) {
  DSIM_ASSERT(!finished_);
  DSIM_ASSERT(from != to && from >= 0 && to >= 0 && from < n_ && to < n_);
  pending_.push_back({from, to, rels});
}

// Edges bucketed by their source (a counting sort), each bucket sorted by
// target and parallel edges merged, in place.
void DepGraph::Finish() {
  DSIM_ASSERT(!finished_);
  finished_ = true;
  std::vector<int32_t> start(n_ + 1, 0);
  for (const Pending& p : pending_) ++start[p.from + 1];
  for (int32_t v = 0; v < n_; ++v) start[v + 1] += start[v];
  edges_.resize(pending_.size());
  {
    std::vector<int32_t> fill(start.begin(), start.end() - 1);
    for (const Pending& p : pending_) edges_[fill[p.from]++] = {p.to, p.rels};
  }
  pending_ = {};
  offsets_.assign(n_ + 1, 0);
  size_t out = 0;
  for (int32_t v = 0; v < n_; ++v) {
    auto first = edges_.begin() + start[v], last = edges_.begin() + start[v + 1];
    std::sort(first, last, [](const Edge& a, const Edge& b) { return a.to < b.to; });
    const size_t bucket_out = out;
    for (auto e = first; e != last; ++e) {
      if (out > bucket_out && edges_[out - 1].to == e->to) {
        edges_[out - 1].rels |= e->rels;
      } else {
        edges_[out++] = *e;
      }
    }
    offsets_[v + 1] = static_cast<int32_t>(out);
  }
  edges_.resize(out);
}

uint8_t DepGraph::Between(int32_t a, int32_t b) const {
  absl::Span<const Edge> out = Out(a);
  auto it = std::lower_bound(out.begin(), out.end(), b, [](const Edge& e, int32_t v) { return e.to < v; });
  return it != out.end() && it->to == b ? it->rels : 0;
}

}  // namespace dsim
