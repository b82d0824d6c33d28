// The transaction dependency graph and the search for its cycles.
//
// Vertices are transactions; an edge carries the set of relations that
// order its two ends: ww (b overwrote a's version), wr (b read a's
// version), rw (a read a version that b overwrote: an anti-dependency),
// process (same client, a first) and realtime (a completed before b began).
// Adya's anomalies are cycles of particular shapes (G0: ww only; G1c: ww and
// wr; G-single: exactly one rw; G2: two or more), and their -process and
// -realtime variants use those edges too.
//
// The search works one strongly connected component at a time (a cycle
// never leaves one) and, for each anomaly in order of severity, looks for
// the shortest cycle of that shape by breadth-first search over (vertex,
// shape-so-far) states; an anomaly implied by one already found is not
// searched for. It is bounded by a step budget per component, so a result
// is the same on every machine: a component that exhausts it reports a
// `cycle-search-timeout` and one cycle of whatever shape it has.
//
//   DepGraph g(n);
//   g.Add(a, b, kWW);
//   g.Finish();
//   std::vector<CycleCase> found = FindCycles(g, {.budget = 1 << 24});
#ifndef DSIM_SIM_CHECK_TXN_GRAPH_H_
#define DSIM_SIM_CHECK_TXN_GRAPH_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/types/span.h"

namespace dsim {

enum Rel : uint8_t { kWW = 1, kWR = 2, kRW = 4, kProcess = 8, kRealtime = 16 };
const char* RelName(Rel r);

class DepGraph {
 public:
  struct Edge {
    int32_t to;
    uint8_t rels;
  };
  explicit DepGraph(int32_t vertices) : n_(vertices) {}
  // REQUIRES: not Finish()ed; from != to.
  void Add(int32_t from, int32_t to, uint8_t rels);
  // Room for `more` edges beyond those added so far.
  void Reserve(size_t more) { pending_.reserve(pending_.size() + more); }
  // Merges parallel edges (their relations united) into adjacency lists.
  void Finish();
  int32_t size() const { return n_; }
  bool has_edges() const { return !edges_.empty(); }
  absl::Span<const Edge> Out(int32_t v) const {
    return {edges_.data() + offsets_[v], static_cast<size_t>(offsets_[v + 1] - offsets_[v])};
  }
  // The relations from a to b, 0 if none.
  uint8_t Between(int32_t a, int32_t b) const;
  // The adjacency lists: vertex v's edges are edges()[offsets()[v], offsets()[v + 1]).
  const int32_t* offsets() const { return offsets_.data(); }
  const Edge* edges() const { return edges_.data(); }

 private:
  struct Pending {
    int32_t from, to;
    uint8_t rels;
  };
  int32_t n_;
  std::vector<Pending> pending_;
  std::vector<int32_t> offsets_;
  std::vector<Edge> edges_;
  bool finished_ = false;
};

// The strongly connected components of more than one vertex, each sorted,
// in order of their smallest vertex, over the edges carrying any of `mask`.
std::vector<std::vector<int32_t>> NontrivialSccs(const DepGraph& g, uint8_t mask);

struct CycleStep {
  int32_t from;
  int32_t to;
  Rel rel;  // the relation the cycle uses this edge as
};

// One finding of the cycle search.
struct CycleCase {
  // "G0", "G1c", "G-single-item", "G-nonadjacent-item", "G2-item" with
  // "-process" or "-realtime"; "PL-3-cycle-exists" and friends (a
  // component proves a model's cycle exists without a cycle in hand:
  // `models_not`, `scc`); or "cycle-search-timeout" (`searching`,
  // `does_not_contain`, `scc`).
  std::string type;
  std::vector<CycleStep> steps;          // the cycle, for the cycle types
  std::string models_not;                // for *-cycle-exists: the model ruled out
  std::vector<int32_t> scc;              // for *-cycle-exists and timeouts
  std::string searching;                 // for a timeout: the anomaly being searched
  std::vector<std::string> does_not_contain;
};

struct CycleSearchOptions {
  // Breadth-first steps allowed in one component, over all anomaly types.
  int64_t budget = int64_t{1} << 24;
  // How an edge carrying several relations is explained: ww before wr
  // (list-append, where the order of appends is known) or wr before ww
  // (rw-register, where a read names its writer directly). A cycle found
  // in a search for G0 or G1c is reported under the type its explanation
  // gives: a G0 search over an edge that is both ww and wr finds a G1c.
  bool wr_first = false;
  // Real-time and process order are transitive, but the graph holds them
  // transitively reduced, so a cycle found in it can walk a long chain of
  // such edges. Given `order` (kRealtime or kProcess if a precedes b in the
  // order the graph holds, 0 if not), a found cycle's runs of non-rw steps
  // are replaced by one step wherever the order relates their ends and the
  // cycle keeps its type: the witness shrinks to the transactions that
  // matter.
  std::function<uint8_t(int32_t a, int32_t b)> order;
};

// Every finding, component by component.
std::vector<CycleCase> FindCycles(const DepGraph& g, const CycleSearchOptions& options);

// The shape of a cycle: "G-single-item-realtime", ...
std::string ClassifyCycle(const std::vector<CycleStep>& steps);
// The relation an edge carrying `rels` is explained as.
Rel ExplainedRel(uint8_t rels, bool wr_first);

// The cycle types the search knows, and the *-cycle-exists types.
bool IsCycleType(const std::string& type);
bool IsCycleExistsType(const std::string& type);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_TXN_GRAPH_H_
