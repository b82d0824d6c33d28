// The list-append workload (Elle's): every append to a key is unique, and a
// read returns the whole list, so each read spells out the order of the
// appends before it. The longest read of a key is its version order; every
// other read must be a prefix of it. From the order come the edges: an
// append's ww predecessor is whoever appended the element before it; a read
// depends (wr) on whoever appended its last element; and whoever read the
// list as it was just before an append anti-depends (rw) on the appender.
#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "sim/check/txn_analysis.h"

namespace dsim {
namespace {

constexpr int32_t kInit = -2;  // the element "before" the first: the empty list

uint64_t Slot(int32_t key, int32_t element) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(key)) << 32) | static_cast<uint32_t>(element);
}

bool Possible(const Txn& t) { return t.type == OpType::kOk || t.type == OpType::kInfo; }

struct VersionOrder {
  std::vector<int32_t> values;                       // distinct, in append order
  absl::flat_hash_map<int32_t, int32_t> position;    // element -> index in values
  int32_t longest_txn = -1;                          // who read it (-1: inferred)
  int32_t longest_begin = 0, longest_size = 0;       // the read itself, duplicates kept
};

class ListAppend : public DataAnalysis {
 public:
  explicit ListAppend(const TxnHistory& h) : h_(h) {}

  void Run(DepGraph& g) {
    Index();
    orders_ = VersionOrders(/*possible_only=*/true);
    IncompatibleOrders();
    DirtyUpdates();
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (txn.type == OpType::kOk) {
        AbortedAndIntermediateReads(t);
        Internal(t);
        FutureRead(t);
      }
      if (Possible(txn)) Duplicates(t);
    }
    FindLostUpdates(h_, anomalies);
    Edges(g);
  }

  std::string Explain(int32_t a, int32_t b, Rel rel, const std::string& an,
                      const std::string& bn) const override {
    const Txn& tb = h_.txns[b];
    for (const Mop* m = h_.begin(tb); m != h_.end(tb); ++m) {
      const std::string& key = h_.key_names[m->key];
      if (rel == kWR && m->f == Mop::F::kRead && m->list_size > 0) {
        const int32_t last = h_.list(*m)[m->list_size - 1];
        if (Writer(m->key, last) == a) {
          return absl::StrFormat("%s observed %s's append of %s to %s", bn, an, ValueText(h_, last), key);
        }
      }
      if (m->f != Mop::F::kAppend) continue;
      const int32_t prev = Previous(m->key, m->value);
      if (rel == kWW && prev != kInit && Writer(m->key, prev) == a) {
        return absl::StrFormat("%s appended %s after %s appended %s to %s", bn, ValueText(h_, m->value), an,
                               ValueText(h_, prev), key);
      }
      if (rel == kRW) {
        auto it = readers_.find(Slot(m->key, prev));
        if (it == readers_.end() || std::find(it->second.begin(), it->second.end(), a) == it->second.end()) continue;
        if (prev == kInit) {
          return absl::StrFormat("%s observed the initial (empty) state of %s, which %s changed by appending %s",
                                 an, key, bn, ValueText(h_, m->value));
        }
        return absl::StrFormat("%s did not observe %s's append of %s to %s", an, bn, ValueText(h_, m->value), key);
      }
    }
    return absl::StrFormat("%s %s %s", an, RelName(rel), bn);
  }

 private:
  std::string Name(int32_t t) const { return absl::StrFormat("the transaction at :index %d", h_.txns[t].index); }
  std::string ListText(const Mop& m) const { return h_.MopText(m); }

  int32_t Writer(int32_t key, int32_t element) const {
    auto it = writer_.find(Slot(key, element));
    return it == writer_.end() ? -1 : it->second;
  }

  // The element appended just before `element` to `key`, or kInit. An
  // append nobody read came after everything anyone read.
  int32_t Previous(int32_t key, int32_t element) const {
    auto o = orders_.find(key);
    if (o == orders_.end() || o->second.values.empty()) return kInit;
    auto p = o->second.position.find(element);
    if (p == o->second.position.end()) return o->second.values.back();
    return p->second > 0 ? o->second.values[p->second - 1] : kInit;
  }

  void Add(const std::string& type, std::vector<int32_t> txns, std::string text) {
    anomalies.push_back({type, std::move(txns), std::move(text)});
  }

  // Who appended what (ok and info; failed apart), intermediate appends,
  // and who read which last element.
  void Index() {
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      absl::flat_hash_map<int32_t, int32_t> last_append;  // key -> element, within this txn
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f == Mop::F::kAppend) {
          if (auto it = last_append.find(m->key); it != last_append.end()) {
            intermediate_[Slot(m->key, it->second)] = t;
          }
          last_append[m->key] = m->value;
          any_writer_[Slot(m->key, m->value)] = t;
          if (txn.type == OpType::kFail) failed_writer_[Slot(m->key, m->value)] = t;
          if (Possible(txn)) writer_[Slot(m->key, m->value)] = t;
        } else if (Possible(txn) && !(txn.type == OpType::kInfo && m->list_size < 0)) {
          const int32_t last = m->list_size > 0 ? h_.list(*m)[m->list_size - 1] : kInit;
          readers_[Slot(m->key, last)].push_back(t);
        }
      }
    }
  }

  // Each key's version order: the longest read, or, for a key nobody read
  // and that only one append touched, that append.
  std::map<int32_t, VersionOrder> VersionOrders(bool possible_only) const {
    std::map<int32_t, VersionOrder> out;
    std::map<int32_t, int> appends;  // key -> appends seen (2 means "several")
    std::map<int32_t, int32_t> single;
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (possible_only && !Possible(txn)) continue;
      // Elle counts the invocation's appends too, when it reads the whole history.
      const int copies = !possible_only && txn.has_invoke ? 2 : 1;
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f == Mop::F::kAppend) {
          appends[m->key] += copies;
          single[m->key] = m->value;
          continue;
        }
        if (m->list_size <= 0) continue;
        VersionOrder& o = out[m->key];
        if (m->list_size > o.longest_size) {
          o.longest_txn = t;
          o.longest_begin = m->list_begin;
          o.longest_size = m->list_size;
        }
      }
    }
    for (auto& [key, o] : out) {
      for (int32_t i = 0; i < o.longest_size; ++i) {
        const int32_t e = h_.elements[o.longest_begin + i];
        if (o.position.try_emplace(e, static_cast<int32_t>(o.values.size())).second) o.values.push_back(e);
      }
    }
    for (const auto& [key, count] : appends) {
      if (count == 1 && !out.count(key)) {
        VersionOrder& o = out[key];
        o.values.push_back(single[key]);
        o.position[single[key]] = 0;
      }
    }
    return out;
  }

  void IncompatibleOrders() {
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (!Possible(txn)) continue;
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f != Mop::F::kRead || m->list_size <= 0) continue;
        const VersionOrder& o = orders_.at(m->key);
        const int32_t* longest = h_.elements.data() + o.longest_begin;
        if (std::equal(h_.list(*m), h_.list(*m) + m->list_size, longest)) continue;
        if (!reported_order_.insert(m->key).second) continue;
        Add("incompatible-order", {t, o.longest_txn},
            absl::StrFormat("%s read %s, which is not a prefix of %s read by %s: no single order of "
                            "appends to %s gives both",
                            Name(t), ListText(*m), h_.MopText(LongestMop(o)), Name(o.longest_txn),
                            h_.key_names[m->key]));
      }
    }
  }

  Mop LongestMop(const VersionOrder& o) const {
    const Txn& t = h_.txns[o.longest_txn];
    for (const Mop* m = h_.begin(t); m != h_.end(t); ++m) {
      if (m->list_begin == o.longest_begin && m->list_size == o.longest_size) return *m;
    }
    return Mop{};
  }

  // A committed append right after an aborted one in a key's order: the
  // committed transaction wrote on top of state that never existed.
  void DirtyUpdates() {
    for (const auto& [key, o] : VersionOrders(/*possible_only=*/false)) {
      OpType before = OpType::kOk;  // the initial state is committed
      int32_t before_txn = -1;
      for (int32_t e : o.values) {
        auto it = any_writer_.find(Slot(key, e));
        if (it == any_writer_.end()) break;  // nobody appended it: not ours to judge
        const OpType now = h_.txns[it->second].type;
        if (before == OpType::kFail && now == OpType::kOk) {
          Add("dirty-update", {it->second, before_txn},
              absl::StrFormat("%s appended %s to %s on top of %s's append of %s, which failed", Name(it->second),
                              ValueText(h_, e), h_.key_names[key], Name(before_txn),
                              ValueText(h_, h_.mops[FirstAppend(before_txn, key)].value)));
        }
        // An info cannot say; a second failure keeps the first as the start of the range.
        if (now == OpType::kInfo || (now == OpType::kFail && before == OpType::kFail)) continue;
        before = now;
        before_txn = it->second;
      }
    }
  }

  int32_t FirstAppend(int32_t t, int32_t key) const {
    const Txn& txn = h_.txns[t];
    for (int32_t i = txn.first_mop; i < txn.first_mop + txn.num_mops; ++i) {
      if (h_.mops[i].f == Mop::F::kAppend && h_.mops[i].key == key) return i;
    }
    return txn.first_mop;
  }

  void AbortedAndIntermediateReads(int32_t t) {
    const Txn& txn = h_.txns[t];
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f != Mop::F::kRead || m->list_size <= 0) continue;
      for (int32_t i = 0; i < m->list_size; ++i) {
        auto f = failed_writer_.find(Slot(m->key, h_.list(*m)[i]));
        if (f == failed_writer_.end()) continue;
        Add("G1a", {t, f->second},
            absl::StrFormat("%s read %s, which includes %s, appended by %s, which failed", Name(t), ListText(*m),
                            ValueText(h_, h_.list(*m)[i]), Name(f->second)));
      }
      const int32_t last = h_.list(*m)[m->list_size - 1];
      auto im = intermediate_.find(Slot(m->key, last));
      if (im != intermediate_.end() && im->second != t) {
        Add("G1b", {t, im->second},
            absl::StrFormat("%s read %s, ending in %s, which %s appended but then appended more to %s: an "
                            "intermediate state",
                            Name(t), ListText(*m), ValueText(h_, last), Name(im->second), h_.key_names[m->key]));
      }
    }
  }

  // Reads inconsistent with the transaction's own earlier reads and appends.
  void Internal(int32_t t) {
    const Txn& txn = h_.txns[t];
    // key -> what this transaction knows the list is: its elements, and
    // whether only a suffix is known (after an append without a read).
    std::map<int32_t, std::pair<std::vector<int32_t>, bool>> state;
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f == Mop::F::kAppend) {
        auto [it, fresh] = state.try_emplace(m->key, std::vector<int32_t>{}, true);
        it->second.first.push_back(m->value);
        continue;
      }
      auto it = state.find(m->key);
      const std::vector<int32_t> read(h_.list(*m), h_.list(*m) + std::max(m->list_size, 0));
      if (it != state.end()) {
        const auto& [expected, suffix_only] = it->second;
        // A read of nil is a read of the empty list.
        const bool ok = suffix_only ? read.size() >= expected.size() &&
                                          std::equal(expected.begin(), expected.end(),
                                                     read.end() - static_cast<int64_t>(expected.size()))
                                    : read == expected;
        if (!ok) {
          std::string want = suffix_only ? "[... " : "[";
          for (size_t i = 0; i < expected.size(); ++i) want += (i ? " " : "") + ValueText(h_, expected[i]);
          Add("internal", {t},
              absl::StrFormat("%s read %s, but its own earlier reads and appends say %s %s", Name(t),
                              ListText(*m), h_.key_names[m->key], want + "]"));
          return;
        }
      }
      state[m->key] = {read, false};
    }
  }

  // A read that already shows an element the transaction appends later.
  void FutureRead(int32_t t) {
    const Txn& txn = h_.txns[t];
    absl::flat_hash_map<uint64_t, const Mop*> seen;
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f == Mop::F::kRead) {
        for (int32_t i = 0; i < m->list_size; ++i) seen.try_emplace(Slot(m->key, h_.list(*m)[i]), m);
        continue;
      }
      auto it = seen.find(Slot(m->key, m->value));
      if (it == seen.end()) continue;
      Add("future-read", {t},
          absl::StrFormat("%s read %s, which already holds %s, before it appended %s itself", Name(t),
                          ListText(*it->second), ValueText(h_, m->value), ValueText(h_, m->value)));
      return;
    }
  }

  void Duplicates(int32_t t) {
    const Txn& txn = h_.txns[t];
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f != Mop::F::kRead || m->list_size <= 1) continue;
      std::vector<int32_t> sorted(h_.list(*m), h_.list(*m) + m->list_size);
      std::sort(sorted.begin(), sorted.end());
      auto dup = std::adjacent_find(sorted.begin(), sorted.end());
      if (dup == sorted.end()) continue;
      Add("duplicate-elements", {t},
          absl::StrFormat("%s read %s, in which %s appears more than once, though it was appended once",
                          Name(t), ListText(*m), ValueText(h_, *dup)));
    }
  }

  void Edges(DepGraph& g) {
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (!Possible(txn)) continue;
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f == Mop::F::kRead) {
          if (m->list_size <= 0) continue;
          const int32_t w = Writer(m->key, h_.list(*m)[m->list_size - 1]);
          if (w >= 0 && w != t) g.Add(w, t, kWR);
          continue;
        }
        const int32_t prev = Previous(m->key, m->value);
        if (prev != kInit) {
          const int32_t w = Writer(m->key, prev);
          if (w >= 0 && w != t) g.Add(w, t, kWW);
        }
        auto it = readers_.find(Slot(m->key, prev));
        if (it == readers_.end()) continue;
        for (int32_t r : it->second) {
          if (r != t) g.Add(r, t, kRW);
        }
      }
    }
  }

  const TxnHistory& h_;
  std::map<int32_t, VersionOrder> orders_;
  absl::flat_hash_map<uint64_t, int32_t> writer_, any_writer_, failed_writer_, intermediate_;
  absl::flat_hash_map<uint64_t, std::vector<int32_t>> readers_;
  std::set<int32_t> reported_order_;
};

}  // namespace

std::unique_ptr<DataAnalysis> AnalyzeListAppend(const TxnHistory& h, DepGraph& g) {
  auto a = std::make_unique<ListAppend>(h);
  a->Run(g);
  return a;
}

}  // namespace dsim
