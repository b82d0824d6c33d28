#include "sim/check/isolation_models.h"

#include <map>

#include "sim/assert.h"

namespace dsim {
namespace {

using Dag = std::map<std::string, std::vector<std::string>>;

// a -> [b...]: a history with anomaly a also has every b.
const Dag& ImpliedAnomalyGraph() {
  static const Dag* g = new Dag{
      {"G0", {"G1c", "G0-process"}},
      {"G0-process", {"G1c-process", "G0-realtime"}},
      {"G0-realtime", {"G1c-realtime"}},
      {"G1a", {"G1"}},
      {"G1b", {"G1"}},
      {"G1c", {"G1", "G1c-process"}},
      {"G1c-process", {"G1c-realtime", "G1-process"}},
      {"G1c-realtime", {"G1-realtime"}},
      {"G1", {"G1-process"}},
      {"G1-process", {"G1-realtime"}},
      {"G-single-item", {"G-single", "G-single-item-process", "G-nonadjacent-item"}},
      {"G-single-item-process",
       {"G-single-process", "G-single-item-realtime", "G-nonadjacent-item-process"}},
      {"G-single-item-realtime", {"G-single-realtime", "G-nonadjacent-item-realtime"}},
      {"G-single", {"G-nonadjacent", "GSIb", "G-single-process"}},
      {"G-single-process", {"G-nonadjacent-process", "G-single-realtime"}},
      {"G-single-realtime", {"G-nonadjacent-realtime"}},
      {"G-nonadjacent-item", {"G-nonadjacent", "G2-item", "G-nonadjacent-item-process"}},
      {"G-nonadjacent-item-process",
       {"G-nonadjacent-process", "G2-item-process", "G-nonadjacent-item-realtime"}},
      {"G-nonadjacent-item-realtime", {"G2-item-realtime", "G-nonadjacent-realtime"}},
      {"G-nonadjacent", {"G2", "G-nonadjacent-process"}},
      {"G-nonadjacent-process", {"G2-process", "G-nonadjacent-realtime"}},
      {"G-nonadjacent-realtime", {"G2-realtime"}},
      {"G2", {"G2-process"}},
      {"G2-item", {"G2", "G2-item-process"}},
      {"G2-item-process", {"G2-process", "G2-item-realtime"}},
      {"G2-item-realtime", {"G2-realtime"}},
      {"G2-process", {"G2-realtime"}},
      {"GSIa", {"GSI"}},
      {"GSIb", {"GSI"}},
      // Two reads of one key that no single order of appends explains:
      // one of them saw a state that was never committed.
      {"incompatible-order", {"G1a"}},
      // A transaction that reads its own later write: a one-transaction G1c.
      {"future-read", {"G1c"}},
      // A committed write on top of an aborted one: a dirty read by a writer.
      {"dirty-update", {"G1a"}},
      // Two transactions read the same version and both overwrite it.
      {"lost-update", {"write-skew", "G2-item"}},
      {"write-skew", {"G2"}},
  };
  return *g;
}

// Friendly model names and the canonical (Adya) names they stand for.
const std::map<std::string, std::string>& CanonicalNames() {
  static const auto* m = new std::map<std::string, std::string>{
      {"consistent-view", "PL-2+"},
      {"conflict-serializable", "PL-3"},
      {"cursor-stability", "PL-CS"},
      {"forward-consistent-view", "PL-FCV"},
      {"monotonic-snapshot-read", "PL-MSR"},
      {"monotonic-view", "PL-2L"},
      {"read-committed", "PL-2"},
      {"read-uncommitted", "PL-1"},
      {"repeatable-read", "PL-2.99"},
      {"serializable", "PL-3"},
      {"snapshot-isolation", "PL-SI"},
      {"strict-serializable", "PL-SS"},
      {"strong-serializable", "PL-SS"},
      {"update-serializable", "PL-3U"},
      {"strong-session-read-uncommitted", "strong-session-PL-1"},
      {"strong-session-read-committed", "strong-session-PL-2"},
      {"strong-read-uncommitted", "strong-PL-1"},
      {"strong-read-committed", "strong-PL-2"},
  };
  return *m;
}

// a -> [b...] over canonical names: a history satisfying a satisfies each b.
const Dag& ModelGraph() {
  static const Dag* g = [] {
    const Dag friendly{
        {"causal-cerone", {"read-atomic"}},
        {"consistent-view", {"cursor-stability", "monotonic-view"}},
        {"conflict-serializable", {"view-serializable"}},
        {"cursor-stability", {"read-committed", "PL-2"}},
        {"forward-consistent-view", {"consistent-view"}},
        {"PL-2", {"PL-1"}},
        {"PL-3", {"repeatable-read", "update-serializable"}},
        {"update-serializable", {"forward-consistent-view"}},
        {"monotonic-atomic-view", {"read-committed"}},
        {"monotonic-view", {"PL-2"}},
        {"monotonic-snapshot-read", {"PL-2"}},
        {"parallel-snapshot-isolation", {"causal-cerone", "update-atomic"}},
        {"prefix", {"causal-cerone"}},
        {"read-atomic", {"monotonic-atomic-view"}},
        {"read-committed", {"read-uncommitted"}},
        {"repeatable-read", {"cursor-stability", "monotonic-atomic-view"}},
        {"update-atomic", {"read-atomic"}},
        {"serializable", {"repeatable-read", "snapshot-isolation", "view-serializable"}},
        {"session-serializable", {"1SR"}},
        {"snapshot-isolation",
         {"forward-consistent-view", "monotonic-atomic-view", "monotonic-snapshot-read",
          "parallel-snapshot-isolation", "prefix"}},
        {"strict-serializable",
         {"PL-3", "serializable", "linearizable", "snapshot-isolation",
          "strong-snapshot-isolation", "strong-session-serializable"}},
        {"strong-session-PL-1", {"PL-1"}},
        {"strong-session-PL-2", {"PL-2", "strong-session-PL-1"}},
        {"strong-PL-1", {"strong-session-PL-1"}},
        {"strong-PL-2", {"strong-session-PL-2", "strong-PL-1"}},
        {"strong-session-serializable", {"serializable", "strong-session-snapshot-isolation"}},
        {"strong-session-snapshot-isolation", {"snapshot-isolation", "strong-session-PL-2"}},
        {"strong-serializable", {"session-serializable"}},
        {"strong-snapshot-isolation", {"strong-session-snapshot-isolation", "strong-PL-2"}},
        {"linearizable", {"sequential"}},
        {"sequential", {"causal"}},
        {"causal", {"writes-follow-reads", "PRAM"}},
        {"PRAM", {"monotonic-reads", "monotonic-writes", "read-your-writes"}},
    };
    auto* out = new Dag;
    for (const auto& [from, tos] : friendly) {
      std::vector<std::string>& dst = (*out)[CanonicalModel(from)];
      for (const std::string& to : tos) dst.push_back(CanonicalModel(to));
      for (const std::string& to : tos) (*out)[CanonicalModel(to)];  // every model is a vertex
    }
    return out;
  }();
  return *g;
}

// Canonical model -> the anomalies it forbids beyond the models it implies.
const Dag& ProscribedAnomalies() {
  static const Dag* g = [] {
    const Dag friendly{
        {"causal-cerone", {"internal", "G1a"}},
        {"cursor-stability", {"G1", "G-cursor", "lost-update"}},
        {"monotonic-view", {"G1", "G-monotonic"}},
        {"monotonic-snapshot-read", {"G1", "G-MSR"}},
        {"consistent-view", {"G1", "G-single"}},
        {"forward-consistent-view", {"G1", "G-SIb"}},
        {"parallel-snapshot-isolation", {"internal", "G1a"}},
        {"PL-3", {"G1", "G2", "predicate-read-miss", "PL-3-cycle-exists"}},
        {"PL-2", {"G1", "PL-2-cycle-exists"}},
        {"PL-1", {"G0", "duplicate-elements", "cyclic-versions", "PL-1-cycle-exists"}},
        {"prefix", {"internal", "G1a"}},
        {"serializable", {"internal"}},
        {"snapshot-isolation",
         {"internal", "G1", "G-SI", "G-nonadjacent", "PL-SI-cycle-exists"}},
        {"read-atomic", {"internal", "G1a", "future-read"}},
        {"repeatable-read", {"G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"}},
        {"update-atomic", {"lost-update"}},
        {"strict-serializable", {"G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"}},
        {"strong-session-PL-1", {"strong-session-PL-1-cycle-exists", "G0-process"}},
        {"strong-session-PL-2", {"strong-session-PL-2-cycle-exists", "G1c-process"}},
        {"strong-PL-1", {"strong-PL-1-cycle-exists", "G0-realtime"}},
        {"strong-PL-2", {"strong-PL-2-cycle-exists", "G1c-realtime"}},
        {"strong-session-snapshot-isolation",
         {"internal", "G1-process", "G-nonadjacent-process",
          "strong-session-snapshot-isolation-cycle-exists"}},
        {"strong-snapshot-isolation",
         {"internal", "G1-realtime", "G-nonadjacent-realtime",
          "strong-snapshot-isolation-cycle-exists"}},
        {"strong-session-serializable",
         {"G1-process", "G2-process", "strong-session-serializable-cycle-exists"}},
        {"update-serializable", {"G1", "G-update"}},
    };
    auto* out = new Dag;
    for (const auto& [model, anomalies] : friendly) {
      std::vector<std::string>& dst = (*out)[CanonicalModel(model)];
      dst.insert(dst.end(), anomalies.begin(), anomalies.end());
    }
    return out;
  }();
  return *g;
}

// Breadth-first closure of `start` along `g`'s edges (forward) or against them.
std::set<std::string> Closure(const Dag& g, const std::vector<std::string>& start, bool forward) {
  std::set<std::string> seen(start.begin(), start.end());
  std::vector<std::string> frontier(start.begin(), start.end());
  while (!frontier.empty()) {
    const std::string v = frontier.back();
    frontier.pop_back();
    if (forward) {
      auto it = g.find(v);
      if (it == g.end()) continue;
      for (const std::string& w : it->second) {
        if (seen.insert(w).second) frontier.push_back(w);
      }
    } else {
      for (const auto& [from, tos] : g) {
        for (const std::string& w : tos) {
          if (w == v && seen.insert(from).second) frontier.push_back(from);
        }
      }
    }
  }
  return seen;
}

std::vector<std::string> Canonical(const std::vector<std::string>& models) {
  std::vector<std::string> out;
  for (const std::string& m : models) out.push_back(CanonicalModel(m));
  return out;
}

}  // namespace

std::string CanonicalModel(const std::string& name) {
  auto it = CanonicalNames().find(name);
  return it == CanonicalNames().end() ? name : it->second;
}

std::string FriendlyModel(const std::string& canonical) {
  if (canonical == "PL-3") return "serializable";
  if (canonical == "PL-SS") return "strict-serializable";
  for (const auto& [friendly, canon] : CanonicalNames()) {
    if (canon == canonical) return friendly;
  }
  return canonical;
}

bool IsKnownModel(const std::string& name) { return ModelGraph().count(CanonicalModel(name)) > 0; }

std::vector<std::string> KnownModelNames() {
  std::set<std::string> names;
  for (const auto& [canonical, _] : ModelGraph()) names.insert(FriendlyModel(canonical));
  return {names.begin(), names.end()};
}

bool IsKnownAnomaly(const std::string& name) {
  if (ImpliedAnomalyGraph().count(name)) return true;
  for (const auto& [_, tos] : ImpliedAnomalyGraph()) {
    for (const std::string& t : tos) if (t == name) return true;
  }
  for (const auto& [_, anomalies] : ProscribedAnomalies()) {
    for (const std::string& a : anomalies) if (a == name) return true;
  }
  return false;
}

std::set<std::string> AnomaliesImplying(const std::vector<std::string>& anomalies) {
  return Closure(ImpliedAnomalyGraph(), anomalies, /*forward=*/false);
}

std::set<std::string> ImpliedAnomalies(const std::vector<std::string>& anomalies) {
  return Closure(ImpliedAnomalyGraph(), anomalies, /*forward=*/true);
}

std::set<std::string> AnomaliesProhibitedBy(const std::vector<std::string>& models) {
  for (const std::string& m : models) DSIM_ASSERT(IsKnownModel(m));
  std::vector<std::string> direct;
  for (const std::string& m : Closure(ModelGraph(), Canonical(models), /*forward=*/true)) {
    auto it = ProscribedAnomalies().find(m);
    if (it != ProscribedAnomalies().end()) direct.insert(direct.end(), it->second.begin(), it->second.end());
  }
  return AnomaliesImplying(direct);
}

std::set<std::string> ModelsStrongerOrEqual(const std::vector<std::string>& models) {
  return Closure(ModelGraph(), Canonical(models), /*forward=*/false);
}

std::set<std::string> ImpossibleModels(const std::vector<std::string>& anomalies) {
  const std::set<std::string> implied = ImpliedAnomalies(anomalies);
  std::vector<std::string> direct;
  for (const auto& [model, proscribed] : ProscribedAnomalies()) {
    for (const std::string& a : proscribed) {
      if (implied.count(a)) {
        direct.push_back(model);
        break;
      }
    }
  }
  return ModelsStrongerOrEqual(direct);
}

ModelBoundary Boundary(const std::vector<std::string>& anomalies) {
  const std::set<std::string> impossible = ImpossibleModels(anomalies);
  ModelBoundary b;
  for (const std::string& m : impossible) {
    // The weakest: no other impossible model is weaker than m.
    bool weakest = true;
    for (const std::string& weaker : Closure(ModelGraph(), {m}, /*forward=*/true)) {
      if (weaker != m && impossible.count(weaker)) {
        weakest = false;
        break;
      }
    }
    (weakest ? b.not_models : b.also_not).insert(FriendlyModel(m));
  }
  return b;
}

const std::vector<std::string>& IsolationLadder() {
  static const auto* ladder = new std::vector<std::string>{
      "read-uncommitted", "read-committed",       "repeatable-read",
      "snapshot-isolation", "serializable", "strict-serializable"};
  return *ladder;
}

}  // namespace dsim
