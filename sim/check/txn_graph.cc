#include "sim/check/txn_graph.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "sim/assert.h"
#include "sim/check/isolation_models.h"

namespace dsim {
namespace {

constexpr uint8_t kData = kWW | kWR | kRW;

// The relation a cycle uses an edge as: the first of ww, wr, rw, process,
// realtime that it carries, as a reader would explain it.
Rel Label(uint8_t rels) {
  for (Rel r : {kWW, kWR, kRW, kProcess, kRealtime}) {
    if (rels & r) return r;
  }
  DSIM_ASSERT_MSG(false, "an edge with no relation");
  return kWW;
}

// A compact graph over one component's vertices, numbered 0..n-1.
struct LocalGraph {
  std::vector<int32_t> offsets{0};
  std::vector<DepGraph::Edge> edges;
  int32_t n() const { return static_cast<int32_t>(offsets.size()) - 1; }
};

// Adjacency arrays and the relations an edge must carry to count.
struct GraphView {
  int32_t n;
  const int32_t* offsets;
  const DepGraph::Edge* edges;
  uint8_t mask = 0xff;
};
GraphView View(const LocalGraph& lg) { return {lg.n(), lg.offsets.data(), lg.edges.data()}; }

LocalGraph Localize(const DepGraph& g, const std::vector<int32_t>& vertices, uint8_t mask,
                    std::vector<int32_t>& local_of) {
  for (size_t i = 0; i < vertices.size(); ++i) local_of[vertices[i]] = static_cast<int32_t>(i);
  LocalGraph lg;
  for (int32_t v : vertices) {
    for (const DepGraph::Edge& e : g.Out(v)) {
      if ((e.rels & mask) && local_of[e.to] >= 0) {
        lg.edges.push_back({local_of[e.to], static_cast<uint8_t>(e.rels & mask)});
      }
    }
    lg.offsets.push_back(static_cast<int32_t>(lg.edges.size()));
  }
  for (int32_t v : vertices) local_of[v] = -1;
  return lg;
}

bool HasSelfLoop(const GraphView& g, int32_t v) {
  for (int32_t i = g.offsets[v]; i < g.offsets[v + 1]; ++i) {
    if (g.edges[i].to == v && (g.edges[i].rels & g.mask)) return true;
  }
  return false;
}

// Tarjan's algorithm without recursion: the components of `lg` that hold a
// cycle (more than one vertex, or one with a self-loop; local ids, each
// sorted).
std::vector<std::vector<int32_t>> Tarjan(const GraphView& lg) {
  const int32_t n = lg.n;
  std::vector<int32_t> index(n, -1), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<int32_t> stack;
  std::vector<std::pair<int32_t, int32_t>> frames;  // (vertex, next edge)
  std::vector<std::vector<int32_t>> out;
  int32_t next_index = 0;
  for (int32_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    frames.push_back({root, lg.offsets[root]});
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!frames.empty()) {
      auto& [v, e] = frames.back();
      if (e < lg.offsets[v + 1]) {
        if (!(lg.edges[e].rels & lg.mask)) {
          ++e;
          continue;
        }
        const int32_t w = lg.edges[e++].to;
        if (index[w] < 0) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = 1;
          frames.push_back({w, lg.offsets[w]});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      const int32_t done = v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
      if (low[done] != index[done]) continue;
      std::vector<int32_t> comp;
      int32_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = 0;
        comp.push_back(w);
      } while (w != done);
      if (comp.size() > 1 || HasSelfLoop(lg, done)) {
        std::sort(comp.begin(), comp.end());
        out.push_back(std::move(comp));
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `base` edges, plus a -> c wherever a -base-> b -rw-> c: the sequential
// extension, whose cycles are those with no two rw edges in a row. a -> a
// is kept: it is the two-transaction cycle a -base-> b -rw-> a.
LocalGraph Extension(const LocalGraph& lg, uint8_t base) {
  LocalGraph out;
  for (int32_t a = 0; a < lg.n(); ++a) {
    for (int32_t i = lg.offsets[a]; i < lg.offsets[a + 1]; ++i) {
      if (!(lg.edges[i].rels & base)) continue;
      const int32_t b = lg.edges[i].to;
      out.edges.push_back({b, 1});
      for (int32_t j = lg.offsets[b]; j < lg.offsets[b + 1]; ++j) {
        if (lg.edges[j].rels & kRW) out.edges.push_back({lg.edges[j].to, 1});
      }
    }
    out.offsets.push_back(static_cast<int32_t>(out.edges.size()));
  }
  return out;
}

LocalGraph Project(const LocalGraph& lg, uint8_t mask) {
  LocalGraph out;
  for (int32_t a = 0; a < lg.n(); ++a) {
    for (int32_t i = lg.offsets[a]; i < lg.offsets[a + 1]; ++i) {
      if (lg.edges[i].rels & mask) out.edges.push_back({lg.edges[i].to, static_cast<uint8_t>(lg.edges[i].rels & mask)});
    }
    out.offsets.push_back(static_cast<int32_t>(out.edges.size()));
  }
  return out;
}

// Each model's cycles: a component of this subgraph proves the model fails.
struct ExistsSpec {
  const char* model;  // canonical
  uint8_t base;
  bool extension;     // base edges extended by one rw hop
};
constexpr ExistsSpec kExistsSpecs[] = {
    {"PL-1", kWW, false},
    {"PL-2", kWW | kWR, false},
    {"PL-SI", kWW | kWR, true},
    {"PL-3", kData, false},
    {"strong-session-PL-1", kWW | kProcess, false},
    {"strong-session-PL-2", kWW | kWR | kProcess, false},
    {"strong-session-snapshot-isolation", kWW | kWR | kProcess, true},
    {"strong-session-serializable", kData | kProcess, false},
    {"strong-PL-1", kWW | kRealtime, false},
    {"strong-PL-2", kWW | kWR | kRealtime, false},
    {"strong-snapshot-isolation", kWW | kWR | kRealtime, true},
    {"PL-SS", kData | kRealtime, false},
};

enum class Shape : uint8_t { kG0, kG1c, kSingle, kNonadjacent, kG2 };
struct CycleSpec {
  const char* type;
  Shape shape;
  uint8_t variant;  // 0, kProcess or kRealtime: at least one such edge
};
// In Elle's order of severity; an anomaly implied by one found is skipped.
constexpr CycleSpec kCycleSpecs[] = {
    {"G-single-item", Shape::kSingle, 0},
    {"G0", Shape::kG0, 0},
    {"G-nonadjacent-item", Shape::kNonadjacent, 0},
    {"G-single-item-process", Shape::kSingle, kProcess},
    {"G1c", Shape::kG1c, 0},
    {"G-nonadjacent-item-process", Shape::kNonadjacent, kProcess},
    {"G-single-item-realtime", Shape::kSingle, kRealtime},
    {"G2-item", Shape::kG2, 0},
    {"G-nonadjacent-item-realtime", Shape::kNonadjacent, kRealtime},
    {"G0-process", Shape::kG0, kProcess},
    {"G1c-process", Shape::kG1c, kProcess},
    {"G2-item-process", Shape::kG2, kProcess},
    {"G0-realtime", Shape::kG0, kRealtime},
    {"G1c-realtime", Shape::kG1c, kRealtime},
    {"G2-item-realtime", Shape::kG2, kRealtime},
};

uint8_t Allowed(const CycleSpec& s) {
  const uint8_t data = s.shape == Shape::kG0 ? kWW : s.shape == Shape::kG1c ? (kWW | kWR) : kData;
  return data | s.variant;
}

// The shape of a path so far, in 7 bits.
constexpr uint8_t kRwCount = 3, kLastRw = 4, kFirstRw = 8, kAdjacent = 16, kSawWr = 32, kSawVariant = 64;
constexpr int kStates = 128;

// The state after one more edge, or -1 if the path can no longer become a
// cycle of this shape.
int Step(const CycleSpec& spec, uint8_t state, Rel label, bool first) {
  uint8_t s = state;
  if (label == kRW) {
    if (s & kLastRw) {
      if (spec.shape == Shape::kNonadjacent) return -1;
      s |= kAdjacent;
    }
    const uint8_t rw = std::min<uint8_t>((s & kRwCount) + 1, 2);
    if (spec.shape == Shape::kSingle && rw == 2) return -1;
    s = static_cast<uint8_t>((s & ~kRwCount) | rw | kLastRw | (first ? kFirstRw : 0));
  } else {
    s &= ~kLastRw;
  }
  if (label == kWR) s |= kSawWr;
  if (label & (kProcess | kRealtime)) s |= kSawVariant;
  return s;
}

// Whether a path in state `s`, closed by an edge labelled `label`, is a
// cycle of the spec's shape.
bool Closes(const CycleSpec& spec, uint8_t s, Rel label) {
  if (spec.variant && !(s & kSawVariant)) return false;
  const bool wrap_adjacent = label == kRW && (s & kFirstRw) && (s & kRwCount) >= 2;
  const int rw = s & kRwCount;
  switch (spec.shape) {
    case Shape::kG0:
      return true;
    case Shape::kG1c:
      return (s & kSawWr) != 0;
    case Shape::kSingle:
      return rw == 1;
    case Shape::kNonadjacent:
      return rw >= 2 && !(s & kAdjacent) && !wrap_adjacent;
    case Shape::kG2:
      return rw >= 2 && ((s & kAdjacent) || wrap_adjacent);
  }
  return false;
}

class ComponentSearch {
 public:
  ComponentSearch(const LocalGraph& lg, const std::vector<int32_t>& vertices, int64_t budget)
      : lg_(lg), vertices_(vertices), budget_(budget), visited_(lg.n() * 2, 0) {}

  bool exhausted() const { return budget_ < 0; }

  // The shortest cycle of the spec's shape through the first vertex that
  // has one; empty if none (or the budget ran out: see exhausted()).
  std::vector<CycleStep> Find(const CycleSpec& spec) {
    const LocalGraph sub = Project(lg_, Allowed(spec));
    for (const std::vector<int32_t>& comp : Tarjan(View(sub))) {
      std::vector<char> member(sub.n(), 0);
      for (int32_t v : comp) member[v] = 1;
      for (int32_t start : comp) {
        std::vector<CycleStep> c = FromStart(spec, sub, member, start);
        if (!c.empty() || exhausted()) return c;
      }
    }
    return {};
  }

  // Any shortest cycle through the component's first vertex, every relation
  // allowed: what a timed-out search still shows.
  std::vector<CycleStep> Fallback() {
    budget_ = INT64_MAX;
    const CycleSpec any{"any", Shape::kG0, 0};
    std::vector<char> member(lg_.n(), 1);
    return FromStart(any, lg_, member, 0);
  }

 private:
  struct Node {
    int32_t v;
    uint8_t state;
    Rel rel;       // the edge that reached it
    int32_t parent;
  };

  std::vector<CycleStep> FromStart(const CycleSpec& spec, const LocalGraph& g,
                                   const std::vector<char>& member, int32_t start) {
    const bool any = spec.type[0] == 'a';
    std::vector<Node> nodes{{start, 0, kWW, -1}};
    std::vector<int32_t> touched;
    std::vector<CycleStep> found;
    for (size_t head = 0; head < nodes.size() && found.empty(); ++head) {
      const Node at = nodes[head];
      for (int32_t i = g.offsets[at.v]; i < g.offsets[at.v + 1]; ++i) {
        if (--budget_ < 0) break;
        const DepGraph::Edge& e = g.edges[i];
        if (!member[e.to]) continue;
        const Rel label = Label(e.rels);
        const int next = any ? 0 : Step(spec, at.state, label, at.parent < 0);
        if (next < 0) continue;
        if (e.to == start) {
          if (any || Closes(spec, static_cast<uint8_t>(next), label)) {
            found = Path(nodes, static_cast<int32_t>(head), start, label);
            break;
          }
          continue;
        }
        uint64_t& word = visited_[e.to * 2 + (next >> 6)];
        const uint64_t bit = uint64_t{1} << (next & 63);
        if (word & bit) continue;
        if ((visited_[e.to * 2] | visited_[e.to * 2 + 1]) == 0) touched.push_back(e.to);
        word |= bit;
        nodes.push_back({e.to, static_cast<uint8_t>(next), label, static_cast<int32_t>(head)});
      }
      if (budget_ < 0) break;
    }
    for (int32_t v : touched) visited_[v * 2] = visited_[v * 2 + 1] = 0;
    return found;
  }

  std::vector<CycleStep> Path(const std::vector<Node>& nodes, int32_t last, int32_t start, Rel closing) const {
    std::vector<CycleStep> steps{{vertices_[nodes[last].v], vertices_[start], closing}};
    for (int32_t i = last; nodes[i].parent >= 0; i = nodes[i].parent) {
      steps.push_back({vertices_[nodes[nodes[i].parent].v], vertices_[nodes[i].v], nodes[i].rel});
    }
    std::reverse(steps.begin(), steps.end());
    return steps;
  }

  const LocalGraph& lg_;
  const std::vector<int32_t>& vertices_;
  int64_t budget_;
  std::vector<uint64_t> visited_;  // (vertex, state) pairs reached, 128 bits a vertex
};

std::vector<int32_t> Global(const std::vector<int32_t>& vertices, const std::vector<int32_t>& local) {
  std::vector<int32_t> out;
  for (int32_t v : local) out.push_back(vertices[v]);
  return out;
}

// The cycle with runs of steps replaced by direct order steps, as far as
// `order` allows and the type stays `type`.
std::vector<CycleStep> Shorten(std::vector<CycleStep> steps, const std::string& type,
                               const std::function<uint8_t(int32_t, int32_t)>& order) {
  if (!order) return steps;
  bool changed = true;
  while (changed && steps.size() > 2) {
    changed = false;
    const size_t n = steps.size();
    for (size_t i = 0; i < n && !changed; ++i) {
      for (size_t len = n - 1; len >= 2 && !changed; --len) {
        bool has_rw = false;
        for (size_t k = 0; k < len; ++k) has_rw |= steps[(i + k) % n].rel == kRW;
        const int32_t a = steps[i].from, b = steps[(i + len - 1) % n].to;
        if (has_rw || a == b) continue;
        const uint8_t rel = order(a, b);
        if (rel == 0) continue;
        std::vector<CycleStep> shorter{{a, b, static_cast<Rel>(rel)}};
        for (size_t k = len; k < n; ++k) shorter.push_back(steps[(i + k) % n]);
        if (ClassifyCycle(shorter) != type) continue;
        steps = std::move(shorter);
        changed = true;
      }
    }
  }
  return steps;
}

void SearchComponent(const DepGraph& g, const std::vector<int32_t>& vertices,
                     const CycleSearchOptions& options, std::vector<int32_t>& local_of,
                     std::vector<CycleCase>& out) {
  const LocalGraph lg = Localize(g, vertices, 0xff, local_of);
  // First, which models' cycles exist here at all: cheap, and it rules out
  // whole families of searches.
  std::vector<CycleCase> exists;
  std::set<std::string> impossible;
  for (const ExistsSpec& spec : kExistsSpecs) {
    if (impossible.count(spec.model)) continue;
    const LocalGraph sub = spec.extension ? Extension(lg, spec.base) : Project(lg, spec.base);
    std::vector<std::vector<int32_t>> comps = Tarjan(View(sub));
    if (comps.empty()) continue;
    auto smallest = std::min_element(comps.begin(), comps.end(),
                                     [](const auto& a, const auto& b) { return a.size() < b.size(); });
    exists.push_back({.type = std::string(spec.model) + "-cycle-exists",
                      .models_not = FriendlyModel(spec.model),
                      .scc = Global(vertices, *smallest)});
    for (const std::string& m : ModelsStrongerOrEqual({spec.model})) impossible.insert(m);
  }
  std::vector<std::string> possible;
  for (const ExistsSpec& spec : kExistsSpecs) {
    if (!impossible.count(spec.model)) possible.push_back(spec.model);
  }
  std::set<std::string> skip = AnomaliesProhibitedBy(possible);
  ComponentSearch search(lg, vertices, options.budget);
  std::vector<CycleCase> cycles;
  std::vector<std::string> searched;
  for (const CycleSpec& spec : kCycleSpecs) {
    if (skip.count(spec.type)) continue;
    searched.push_back(spec.type);
    std::vector<CycleStep> steps = search.Find(spec);
    // Explain each step as a reader would, from all the relations it carries.
    for (CycleStep& st : steps) st.rel = ExplainedRel(g.Between(st.from, st.to), options.wr_first);
    if (search.exhausted()) {
      CycleCase timeout{.type = "cycle-search-timeout", .scc = vertices, .searching = spec.type};
      for (size_t i = 0; i + 1 < searched.size(); ++i) {
        bool found = false;
        for (const CycleCase& c : cycles) found |= c.type == searched[i];
        if (!found) timeout.does_not_contain.push_back(searched[i]);
      }
      out.push_back(std::move(timeout));
      std::vector<CycleStep> any = search.Fallback();
      for (CycleStep& st : any) st.rel = ExplainedRel(g.Between(st.from, st.to), options.wr_first);
      out.push_back({.type = ClassifyCycle(any), .steps = std::move(any)});
      break;
    }
    if (steps.empty()) continue;
    const std::string type = ClassifyCycle(steps);
    // Shapes defined by their rw edges must be explained as that shape;
    // a G0 or G1c search reports what it found under its explained type.
    const bool typed = spec.shape != Shape::kG0 && spec.shape != Shape::kG1c;
    if (typed && type != spec.type) continue;
    for (const std::string& implied : ImpliedAnomalies({spec.type})) skip.insert(implied);
    cycles.push_back({.type = type, .steps = Shorten(std::move(steps), type, options.order)});
  }
  out.insert(out.end(), exists.begin(), exists.end());
  out.insert(out.end(), cycles.begin(), cycles.end());
}

}  // namespace

std::vector<std::vector<int32_t>> NontrivialSccs(const DepGraph& g, uint8_t mask) {
  return Tarjan({g.size(), g.offsets(), g.edges(), mask});
}

std::vector<CycleCase> FindCycles(const DepGraph& g, const CycleSearchOptions& options) {
  std::vector<CycleCase> out;
  std::vector<int32_t> local_of(g.size(), -1);
  for (const std::vector<int32_t>& scc : NontrivialSccs(g, 0xff)) {
    SearchComponent(g, scc, options, local_of, out);
  }
  return out;
}

Rel ExplainedRel(uint8_t rels, bool wr_first) {
  if (wr_first && (rels & kWR)) return kWR;
  return Label(rels);
}

std::string ClassifyCycle(const std::vector<CycleStep>& steps) {
  int rw = 0, wr = 0;
  bool adjacent = false, process = false, realtime = false;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Rel r = steps[i].rel;
    rw += r == kRW;
    wr += r == kWR;
    process |= r == kProcess;
    realtime |= r == kRealtime;
    adjacent |= r == kRW && steps[(i + 1) % steps.size()].rel == kRW;
  }
  std::string type = rw == 1  ? "G-single-item"
                     : rw > 1 ? (adjacent ? "G2-item" : "G-nonadjacent-item")
                     : wr > 0 ? "G1c"
                              : "G0";
  if (realtime) return type + "-realtime";
  if (process) return type + "-process";
  return type;
}

bool IsCycleType(const std::string& type) {
  for (const CycleSpec& s : kCycleSpecs) {
    if (type == s.type) return true;
  }
  return false;
}

bool IsCycleExistsType(const std::string& type) { return absl::EndsWith(type, "-cycle-exists"); }

}  // namespace dsim
