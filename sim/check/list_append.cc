// The list-append workload (Elle's): every append to a key is unique, and a
// read returns the whole list, so each read spells out the order of the
// appends before it. The longest read of a key is its version order; every
// other read must be a prefix of it. From the order come the edges: an
// append's ww predecessor is whoever appended the element before it; a read
// depends (wr) on whoever appended its last element; and whoever read the
// list as it was just before an append anti-depends (rw) on the appender.
//
// Everything is indexed by version id (a (key, value) pair, dense), so the
// pass over a history allocates nothing per transaction.
#include <algorithm>

#include "absl/strings/str_format.h"
#include "sim/assert.h"
#include "sim/check/txn_analysis.h"

namespace dsim {
namespace {

bool Possible(const Txn& t) { return t.type == OpType::kOk || t.type == OpType::kInfo; }

// Each key's version order, in one pool.
struct VersionOrders {
  std::vector<int32_t> begin, size;  // per key, into values
  std::vector<int32_t> values;       // versions, in append order
  std::vector<int32_t> position;     // version -> its index in its key's order, or -1
  std::vector<const Mop*> longest;   // per key: the read it came from (nullptr: inferred)
  std::vector<int32_t> longest_txn;
};

class ListAppend : public DataAnalysis {
 public:
  explicit ListAppend(const TxnHistory& h)
      : h_(h),
        writer_(h.versions(), -1),
        any_writer_(h.versions(), -1),
        failed_writer_(h.versions(), -1),
        intermediate_(h.versions(), -1),
        stamp_(h.versions(), -1) {}

  void Run(DepGraph& g) {
    Index();
    orders_ = Orders(/*possible_only=*/true);
    IndexReaders();
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
        if (writer_[last] == a) {
          return absl::StrFormat("%s observed %s's append of %s to %s", bn, an, ValueText(h_, last), key);
        }
      }
      if (m->f != Mop::F::kAppend) continue;
      const int32_t prev = Previous(*m);
      if (rel == kWW && prev >= 0 && writer_[prev] == a) {
        return absl::StrFormat("%s appended %s after %s appended %s to %s", bn, ValueText(h_, m->value), an,
                               ValueText(h_, prev), key);
      }
      if (rel == kRW) {
        const int32_t slot = ReadSlot(m->key, prev);
        const int32_t* r = readers_.data() + reader_begin_[slot];
        if (std::find(r, readers_.data() + reader_begin_[slot + 1], a) == readers_.data() + reader_begin_[slot + 1]) {
          continue;
        }
        if (prev < 0) {
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

  // Readers are filed by the last element they saw: its version, or, for
  // the empty list, the key's own slot after all versions.
  int32_t ReadSlot(int32_t key, int32_t last_version) const {
    return last_version >= 0 ? last_version : h_.versions() + key;
  }

  // The version appended just before `m`'s, or -1 for the empty list. An
  // append nobody read came after everything anyone read.
  int32_t Previous(const Mop& m) const {
    const int32_t size = orders_.size[m.key];
    if (size == 0) return -1;
    const int32_t* values = orders_.values.data() + orders_.begin[m.key];
    const int32_t p = orders_.position[m.value];
    if (p < 0) return values[size - 1];
    return p > 0 ? values[p - 1] : -1;
  }

  void Add(const char* type, std::vector<int32_t> txns, std::string text) {
    anomalies.push_back({type, std::move(txns), std::move(text)});
  }

  // Who appended what (ok and info; failed apart), and intermediate appends.
  void Index() {
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f != Mop::F::kAppend) continue;
        any_writer_[m->value] = t;
        if (txn.type == OpType::kFail) failed_writer_[m->value] = t;
        if (Possible(txn)) writer_[m->value] = t;
        for (const Mop* later = m + 1; later != h_.end(txn); ++later) {
          if (later->f == Mop::F::kAppend && later->key == m->key) {
            intermediate_[m->value] = t;
            break;
          }
        }
      }
    }
  }

  // Who read which last element, as a CSR over read slots.
  void IndexReaders() {
    reader_begin_.assign(h_.versions() + h_.keys() + 2, 0);
    auto each_read = [this](auto&& f) {
      for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
        const Txn& txn = h_.txns[t];
        if (!Possible(txn)) continue;
        for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
          if (m->f != Mop::F::kRead || (txn.type == OpType::kInfo && m->list_size < 0)) continue;
          f(t, ReadSlot(m->key, m->list_size > 0 ? h_.list(*m)[m->list_size - 1] : -1));
        }
      }
    };
    each_read([this](int32_t, int32_t slot) { ++reader_begin_[slot + 2]; });
    for (size_t i = 2; i < reader_begin_.size(); ++i) reader_begin_[i] += reader_begin_[i - 1];
    readers_.resize(reader_begin_.back());
    each_read([this](int32_t t, int32_t slot) { readers_[reader_begin_[slot + 1]++] = t; });
  }

  // Each key's version order: the longest read, or, for a key nobody read
  // and that only one append touched, that append. Reading the whole
  // history as Elle does for dirty updates, an invocation's appends count
  // too (so a key whose one append has an invocation is never inferred).
  VersionOrders Orders(bool possible_only) const {
    const int32_t keys = h_.keys();
    VersionOrders o;
    o.longest.assign(keys, nullptr);
    o.longest_txn.assign(keys, -1);
    std::vector<int32_t> appends(keys, 0), single(keys, -1);
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (possible_only && !Possible(txn)) continue;
      const int copies = !possible_only && txn.has_invoke ? 2 : 1;
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f == Mop::F::kAppend) {
          appends[m->key] += copies;
          single[m->key] = m->value;
        } else if (m->list_size > 0 && (o.longest[m->key] == nullptr || m->list_size > o.longest[m->key]->list_size)) {
          o.longest[m->key] = m;
          o.longest_txn[m->key] = t;
        }
      }
    }
    o.begin.assign(keys, 0);
    o.size.assign(keys, 0);
    o.position.assign(h_.versions(), -1);
    for (int32_t k = 0; k < keys; ++k) {
      o.begin[k] = static_cast<int32_t>(o.values.size());
      if (const Mop* m = o.longest[k]) {
        for (int32_t i = 0; i < m->list_size; ++i) {
          const int32_t v = h_.list(*m)[i];
          if (o.position[v] >= 0) continue;  // a duplicate: its first place counts
          o.position[v] = static_cast<int32_t>(o.values.size()) - o.begin[k];
          o.values.push_back(v);
        }
      } else if (appends[k] == 1) {
        o.position[single[k]] = 0;
        o.values.push_back(single[k]);
      }
      o.size[k] = static_cast<int32_t>(o.values.size()) - o.begin[k];
    }
    return o;
  }

  // Every read of a key must be a prefix of its longest read.
  void IncompatibleOrders() {
    std::vector<char> reported(h_.keys(), 0);
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (!Possible(txn)) continue;
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f != Mop::F::kRead || m->list_size <= 0 || reported[m->key]) continue;
        const Mop* longest = orders_.longest[m->key];
        if (std::equal(h_.list(*m), h_.list(*m) + m->list_size, h_.list(*longest))) continue;
        reported[m->key] = 1;
        Add("incompatible-order", {t, orders_.longest_txn[m->key]},
            absl::StrFormat("%s read %s, which is not a prefix of %s read by %s: no single order of "
                            "appends to %s gives both",
                            Name(t), h_.MopText(*m), h_.MopText(*longest), Name(orders_.longest_txn[m->key]),
                            h_.key_names[m->key]));
      }
    }
  }

  // A committed append right after an aborted one in a key's order: the
  // committed transaction wrote on top of state that never existed.
  void DirtyUpdates() {
    const VersionOrders all = Orders(/*possible_only=*/false);
    for (int32_t k = 0; k < h_.keys(); ++k) {
      OpType before = OpType::kOk;  // the initial state is committed
      int32_t before_txn = -1, before_version = -1;
      for (int32_t i = 0; i < all.size[k]; ++i) {
        const int32_t v = all.values[all.begin[k] + i];
        const int32_t w = any_writer_[v];
        if (w < 0) break;  // nobody appended it: not ours to judge
        const OpType now = h_.txns[w].type;
        if (before == OpType::kFail && now == OpType::kOk) {
          Add("dirty-update", {w, before_txn},
              absl::StrFormat("%s appended %s to %s on top of %s's append of %s, which failed", Name(w),
                              ValueText(h_, v), h_.key_names[k], Name(before_txn), ValueText(h_, before_version)));
        }
        // An info cannot say; a second failure keeps the first as the start of the range.
        if (now == OpType::kInfo || (now == OpType::kFail && before == OpType::kFail)) continue;
        before = now;
        before_txn = w;
        before_version = v;
      }
    }
  }

  void AbortedAndIntermediateReads(int32_t t) {
    const Txn& txn = h_.txns[t];
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f != Mop::F::kRead || m->list_size <= 0) continue;
      for (int32_t i = 0; i < m->list_size; ++i) {
        const int32_t f = failed_writer_[h_.list(*m)[i]];
        if (f < 0) continue;
        Add("G1a", {t, f},
            absl::StrFormat("%s read %s, which includes %s, appended by %s, which failed", Name(t), h_.MopText(*m),
                            ValueText(h_, h_.list(*m)[i]), Name(f)));
      }
      const int32_t last = h_.list(*m)[m->list_size - 1];
      const int32_t im = intermediate_[last];
      if (im >= 0 && im != t) {
        Add("G1b", {t, im},
            absl::StrFormat("%s read %s, ending in %s, which %s appended but then appended more to %s: an "
                            "intermediate state",
                            Name(t), h_.MopText(*m), ValueText(h_, last), Name(im), h_.key_names[m->key]));
      }
    }
  }

  // Reads inconsistent with the transaction's own earlier reads and appends
  // (a read of nil is a read of the empty list). The first one only.
  void Internal(int32_t t) {
    const Txn& txn = h_.txns[t];
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f != Mop::F::kRead) continue;
      // What this transaction knows of the list: its last read of the key
      // (if any), then its appends since.
      const Mop* base = nullptr;
      std::vector<int32_t> appended;
      bool touched = false;
      for (const Mop* e = m - 1; e >= h_.begin(txn); --e) {
        if (e->key != m->key) continue;
        touched = true;
        if (e->f == Mop::F::kRead) {
          base = e;
          break;
        }
        appended.push_back(e->value);
      }
      if (!touched) continue;
      std::reverse(appended.begin(), appended.end());
      std::vector<int32_t> expected;
      if (base != nullptr) expected.assign(h_.list(*base), h_.list(*base) + std::max(base->list_size, 0));
      expected.insert(expected.end(), appended.begin(), appended.end());
      const int32_t size = std::max(m->list_size, 0);
      const bool ok = base != nullptr
                          ? size == static_cast<int32_t>(expected.size()) &&
                                std::equal(expected.begin(), expected.end(), h_.list(*m))
                          : size >= static_cast<int32_t>(expected.size()) &&
                                std::equal(expected.begin(), expected.end(), h_.list(*m) + size - expected.size());
      if (ok) continue;
      std::string want = base != nullptr ? "[" : "[... ";
      for (size_t i = 0; i < expected.size(); ++i) want += (i ? " " : "") + ValueText(h_, expected[i]);
      Add("internal", {t},
          absl::StrFormat("%s read %s, but its own earlier reads and appends say %s is %s]", Name(t),
                          h_.MopText(*m), h_.key_names[m->key], want));
      return;
    }
  }

  // A read that already shows an element the transaction appends later.
  void FutureRead(int32_t t) {
    const Txn& txn = h_.txns[t];
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f != Mop::F::kAppend) continue;
      for (const Mop* r = h_.begin(txn); r != m; ++r) {
        if (r->f != Mop::F::kRead || r->key != m->key || r->list_size <= 0) continue;
        if (std::find(h_.list(*r), h_.list(*r) + r->list_size, m->value) == h_.list(*r) + r->list_size) continue;
        Add("future-read", {t},
            absl::StrFormat("%s read %s, which already holds %s, before it appended %s itself", Name(t),
                            h_.MopText(*r), ValueText(h_, m->value), ValueText(h_, m->value)));
        return;
      }
    }
  }

  void Duplicates(int32_t t) {
    const Txn& txn = h_.txns[t];
    for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
      if (m->f != Mop::F::kRead || m->list_size <= 1) continue;
      const int32_t mark = next_stamp_++;
      for (int32_t i = 0; i < m->list_size; ++i) {
        const int32_t v = h_.list(*m)[i];
        if (stamp_[v] != mark) {
          stamp_[v] = mark;
          continue;
        }
        Add("duplicate-elements", {t},
            absl::StrFormat("%s read %s, in which %s appears more than once, though it was appended once",
                            Name(t), h_.MopText(*m), ValueText(h_, v)));
        break;
      }
    }
  }

  void Edges(DepGraph& g) const {
    for (int32_t t = 0; t < static_cast<int32_t>(h_.txns.size()); ++t) {
      const Txn& txn = h_.txns[t];
      if (!Possible(txn)) continue;
      for (const Mop* m = h_.begin(txn); m != h_.end(txn); ++m) {
        if (m->f == Mop::F::kRead) {
          if (m->list_size <= 0) continue;
          const int32_t w = writer_[h_.list(*m)[m->list_size - 1]];
          if (w >= 0 && w != t) g.Add(w, t, kWR);
          continue;
        }
        const int32_t prev = Previous(*m);
        if (prev >= 0) {
          const int32_t w = writer_[prev];
          if (w >= 0 && w != t) g.Add(w, t, kWW);
        }
        const int32_t slot = ReadSlot(m->key, prev);
        for (int32_t i = reader_begin_[slot]; i < reader_begin_[slot + 1]; ++i) {
          if (readers_[i] != t) g.Add(readers_[i], t, kRW);
        }
      }
    }
  }

  const TxnHistory& h_;
  VersionOrders orders_;
  // Per version: the ok or info transaction that appended it, any
  // transaction that did, a failed one that did, and one that appended to
  // the key again after it (-1: none).
  std::vector<int32_t> writer_, any_writer_, failed_writer_, intermediate_;
  std::vector<int32_t> reader_begin_, readers_;  // CSR: read slot -> readers
  std::vector<int32_t> stamp_;                   // per version, for Duplicates
  int32_t next_stamp_ = 0;
};

}  // namespace

std::unique_ptr<DataAnalysis> AnalyzeListAppend(const TxnHistory& h, DepGraph& g) {
  auto a = std::make_unique<ListAppend>(h);
  a->Run(g);
  return a;
}

}  // namespace dsim
