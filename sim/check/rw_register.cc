// The rw-register workload (Elle's): transactions read and write registers,
// every written value unique per key. A read names the one transaction
// that wrote its value (wr). The version order is only partly known: nil
// precedes every value; and, where the options say the store promises it,
// a transaction's write follows its own read (wfr), and versions follow
// process or real-time order key by key. Each source of order is taken only
// if it leaves every key's version graph acyclic; a cycle is itself an
// anomaly (cyclic-versions). From the version graph come ww and rw edges.
#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/assert.h"
#include "sim/check/txn_analysis.h"

namespace dsim {
namespace {

constexpr int32_t kNone = -2;  // no external read or write of the key

// A transaction's external view of one key: its first read, before any
// write of its own, and its last write.
struct Ext {
  int32_t key;
  int32_t read = kNone;   // Mop::kNil for a read of nil
  int32_t write = kNone;
};

using VersionGraph = std::map<int32_t, std::set<std::pair<int32_t, int32_t>>>;  // key -> (v1, v2)

uint64_t Slot(int32_t key, int32_t value) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(key)) << 32) | static_cast<uint32_t>(value);
}

class RwRegister : public DataAnalysis {
 public:
  RwRegister(const TxnHistory& h, const RegisterOrderOptions& options) : h_(h), options_(options) {}

  void Run(DepGraph& g) {
    ext_.resize(h_.txns.size());
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      Externals(t);
      if (txn.type != OpType::kOk) continue;
      for (const Ext& e : ext_[t]) {
        if (e.read != kNone) readers_[Slot(e.key, e.read)].push_back(t);
        if (e.write != kNone) writers_[Slot(e.key, e.write)].push_back(t);
      }
    }
    Detectors();
    FindLostUpdates(h_, anomalies);
    VersionOrders();
    Edges(g);
  }

  std::string Explain(int32_t a, int32_t b, Rel rel, const std::string& an,
                      const std::string& bn) const override {
    for (const Ext& ea : ext_[a]) {
      const Ext* eb = Find(b, ea.key);
      if (eb == nullptr) continue;
      const std::string& key = h_.key_names[ea.key];
      if (rel == kWR && ea.write != kNone && eb->read == ea.write) {
        return absl::StrFormat("%s wrote %s = %s, which %s read", an, key, ValueText(h_, ea.write), bn);
      }
      if (eb->write == kNone) continue;
      const int32_t v1 = rel == kWW ? ea.write : ea.read;
      if (v1 == kNone) continue;
      auto k = versions_.find(ea.key);
      if (k == versions_.end() || !k->second.count({v1, eb->write})) continue;
      return absl::StrFormat("%s %s %s = %s, and %s set it to %s, which came later in the version order", an,
                             rel == kWW ? "set" : "read", key, ValueText(h_, v1), bn, ValueText(h_, eb->write));
    }
    return absl::StrFormat("%s %s %s", an, RelName(rel), bn);
  }

 private:
  std::string Name(int32_t t) const { return absl::StrFormat("the transaction at :index %d", h_.txns[t].index); }

  const Ext* Find(int32_t t, int32_t key) const {
    for (const Ext& e : ext_[t]) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }

  void Externals(int32_t t) {
    const Txn& txn = h_.txns[t];
    std::vector<Ext>& out = ext_[t];
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      auto it = std::find_if(out.begin(), out.end(), [&](const Ext& e) { return e.key == m->key; });
      if (it == out.end()) it = out.insert(out.end(), Ext{m->key});
      if (m->f == Mop::F::kWrite) {
        it->write = m->value;
      } else if (it->write == kNone && it->read == kNone) {
        it->read = m->value;
      }
    }
    // Only a committed transaction's reads are known.
    if (txn.type != OpType::kOk) {
      for (Ext& e : out) e.read = kNone;
    }
  }

  // Internal inconsistency, aborted reads and intermediate reads.
  void Detectors() {
    absl::flat_hash_map<uint64_t, int32_t> failed, intermediate;
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      absl::flat_hash_map<int32_t, int32_t> last;
      for (const Mop* m = h_.begin(h_.txns[t]); m != h_.end(h_.txns[t]); ++m) {
        if (m->f != Mop::F::kWrite) continue;
        if (auto it = last.find(m->key); it != last.end()) intermediate[Slot(m->key, it->second)] = t;
        last[m->key] = m->value;
        if (h_.txns[t].type == OpType::kFail) failed[Slot(m->key, m->value)] = t;
      }
    }
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (txn.type != OpType::kOk) continue;
      absl::flat_hash_map<int32_t, int32_t> state;  // key -> value this txn knows it holds
      bool internal = false;
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f == Mop::F::kWrite) {
          state[m->key] = m->value;
          continue;
        }
        auto s = state.find(m->key);
        if (!internal && s != state.end() && s->second != m->value) {
          internal = true;
          anomalies.push_back({"internal", {t},
                               absl::StrFormat("%s read %s, but its own earlier read or write says %s = %s",
                                               Name(t), h_.MopText(*m), h_.key_names[m->key],
                                               ValueText(h_, s->second))});
        }
        state[m->key] = m->value;
        if (m->value == Mop::kNil) continue;
        if (auto f = failed.find(Slot(m->key, m->value)); f != failed.end()) {
          anomalies.push_back({"G1a", {t, f->second},
                               absl::StrFormat("%s read %s, written by %s, which failed", Name(t),
                                               h_.MopText(*m), Name(f->second))});
        }
        if (auto i = intermediate.find(Slot(m->key, m->value)); i != intermediate.end() && i->second != t) {
          anomalies.push_back({"G1b", {t, i->second},
                               absl::StrFormat("%s read %s, which %s wrote and then overwrote: an "
                                               "intermediate state",
                                               Name(t), h_.MopText(*m), Name(i->second))});
        }
      }
    }
  }

  // nil precedes every value a committed or unknown transaction wrote or a
  // committed one read.
  VersionGraph InitialState() const {
    VersionGraph out;
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      if (h_.txns[t].type == OpType::kFail) continue;
      for (const Ext& e : ext_[t]) {
        for (int32_t v : {e.write, e.read}) {
          if (v != kNone && v != Mop::kNil) out[e.key].insert({Mop::kNil, v});
        }
      }
    }
    return out;
  }

  VersionGraph WritesFollowReads() const {
    VersionGraph out;
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      if (h_.txns[t].type != OpType::kOk) continue;
      for (const Ext& e : ext_[t]) {
        if (e.read != kNone && e.read != Mop::kNil && e.write != kNone && e.read != e.write) {
          out[e.key].insert({e.read, e.write});
        }
      }
    }
    return out;
  }

  // Versions ordered by a transaction order (process or real time, a DAG
  // over committed transactions): each transaction's last value of a key
  // precedes the first value of the nearest later transactions that touch
  // the key.
  VersionGraph FromOrder(void (*add_edges)(const TxnHistory&, DepGraph&)) const {
    DepGraph order(static_cast<int32_t>(h_.txns.size()));
    add_edges(h_, order);
    order.Finish();
    // key -> nearest later transactions touching it, per transaction,
    // filled from the last transaction back (edges point forward).
    std::vector<std::map<int32_t, std::set<int32_t>>> down(h_.txns.size());
    VersionGraph out;
    for (int32_t a = static_cast<int32_t>(h_.txns.size()) - 1; a >= 0; --a) {
      for (const DepGraph::Edge& e : order.Out(a)) {
        DSIM_ASSERT(e.to > a);
        for (const Ext& x : ext_[e.to]) down[a][x.key].insert(e.to);
        for (const auto& [key, bs] : down[e.to]) {
          if (Find(e.to, key) == nullptr) down[a][key].insert(bs.begin(), bs.end());
        }
      }
      for (const Ext& x : ext_[a]) {
        const int32_t v1 = x.write != kNone ? x.write : x.read;
        if (v1 == kNone) continue;
        for (int32_t b : down[a][x.key]) {
          const Ext* y = Find(b, x.key);
          const int32_t v2 = y->read != kNone ? y->read : y->write;
          if (v2 != kNone && v2 != v1) out[x.key].insert({v1, v2});
        }
      }
    }
    return out;
  }

  // Each key's version graph, source by source; a source that would make
  // some key's versions cyclic is reported and left out.
  void VersionOrders() {
    std::vector<std::pair<std::string, VersionGraph>> sources;
    sources.push_back({"initial-state", InitialState()});
    if (options_.wfr_keys) sources.push_back({"wfr-keys", WritesFollowReads()});
    if (options_.sequential_keys) sources.push_back({"sequential-keys", FromOrder(&AddProcessEdges)});
    if (options_.linearizable_keys) sources.push_back({"linearizable-keys", FromOrder(&AddRealtimeEdges)});
    std::vector<std::string> used;
    for (auto& [name, graph] : sources) {
      VersionGraph merged = versions_;
      for (const auto& [key, edges] : graph) merged[key].insert(edges.begin(), edges.end());
      std::vector<TxnAnomaly> cycles;
      for (const auto& [key, edges] : merged) CyclicVersions(key, edges, used, name, cycles);
      if (cycles.empty()) {
        versions_ = std::move(merged);
        used.push_back(name);
      }
      anomalies.insert(anomalies.end(), cycles.begin(), cycles.end());
    }
  }

  void CyclicVersions(int32_t key, const std::set<std::pair<int32_t, int32_t>>& edges,
                      const std::vector<std::string>& used, const std::string& adding,
                      std::vector<TxnAnomaly>& out) const {
    std::map<int32_t, int32_t> id;
    for (const auto& [a, b] : edges) id.try_emplace(a, id.size()), id.try_emplace(b, id.size());
    DepGraph g(static_cast<int32_t>(id.size()));
    for (const auto& [a, b] : edges) g.Add(id[a], id[b], kWW);
    g.Finish();
    std::vector<int32_t> value_of(id.size());
    for (const auto& [v, i] : id) value_of[i] = v;
    for (const std::vector<int32_t>& scc : NontrivialSccs(g, kWW)) {
      std::vector<std::string> values;
      for (int32_t i : scc) values.push_back(ValueText(h_, value_of[i]));
      std::vector<std::string> from = used;
      from.push_back(adding);
      out.push_back({"cyclic-versions", {},
                     absl::StrFormat("the versions of %s %s precede each other in a cycle, by %s",
                                     h_.key_names[key], absl::StrJoin(values, ", "), absl::StrJoin(from, ", "))});
    }
  }

  void Edges(DepGraph& g) const {
    for (const auto& [key, edges] : versions_) {
      for (const auto& [v1, v2] : edges) {
        auto w2 = writers_.find(Slot(key, v2));
        if (w2 == writers_.end()) continue;
        for (const auto& [index, rel] : {std::pair{&writers_, kWW}, std::pair{&readers_, kRW}}) {
          auto from = index->find(Slot(key, v1));
          if (from == index->end()) continue;
          for (int32_t a : from->second) {
            for (int32_t b : w2->second) {
              if (a != b) g.Add(a, b, rel);
            }
          }
        }
      }
    }
    // wr: the one committed writer of each value read.
    for (const auto& [slot, readers] : readers_) {
      auto w = writers_.find(slot);
      if (w == writers_.end()) continue;
      for (int32_t r : readers) {
        if (r != w->second.front()) g.Add(w->second.front(), r, kWR);
      }
    }
  }

  const TxnHistory& h_;
  RegisterOrderOptions options_;
  std::vector<std::vector<Ext>> ext_;
  // Committed transactions' external reads and writes, by (key, value).
  absl::flat_hash_map<uint64_t, std::vector<int32_t>> readers_, writers_;
  VersionGraph versions_;
};

}  // namespace

std::unique_ptr<DataAnalysis> AnalyzeRwRegister(const TxnHistory& h, const RegisterOrderOptions& options,
                                                DepGraph& g) {
  auto a = std::make_unique<RwRegister>(h, options);
  a->Run(g);
  return a;
}

}  // namespace dsim
