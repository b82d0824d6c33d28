// What the list-append and rw-register analyses share: process and
// real-time order as dependency-graph edges, and lost updates.
#include <algorithm>

#include "absl/strings/str_format.h"

#include "sim/check/txn_analysis.h"

namespace dsim {

// Process order: each client's successive committed transactions.
void AddProcessEdges(const TxnHistory& h, DepGraph& g) {
  std::map<int32_t, int32_t> last;  // process -> its last ok txn
  for (int32_t t = 0; t < static_cast<int32_t>(h.txns.size()); ++t) {
    if (h.txns[t].type != OpType::kOk) continue;
    auto [it, fresh] = last.try_emplace(h.txns[t].process, t);
    if (!fresh) {
      g.Add(it->second, t, kProcess);
      it->second = t;
    }
  }
}

// Real-time order, transitively reduced: b follows each committed
// transaction that completed before b was invoked and that nothing else in
// between already follows.
void AddRealtimeEdges(const TxnHistory& h, DepGraph& g) {
  // Each position holds one event: the invocation or the completion of at
  // most one committed transaction (both, for one with no invocation).
  int32_t last = -1;
  for (const Txn& t : h.txns) {
    if (t.type == OpType::kOk) last = std::max(last, t.complete_pos);
  }
  std::vector<int32_t> invoked(last + 1, -1), completed(last + 1, -1);
  for (int32_t t = 0; t < static_cast<int32_t>(h.txns.size()); ++t) {
    if (h.txns[t].type != OpType::kOk) continue;
    invoked[h.txns[t].invoke_pos] = t;
    completed[h.txns[t].complete_pos] = t;
  }
  // The frontier: completed transactions no completed transaction follows
  // yet. A transaction follows what is in the frontier when it is invoked;
  // when it completes, those of them still in the frontier (exactly the
  // ones that completed before it was invoked) leave it, and it joins.
  std::vector<int32_t> frontier;
  for (int32_t pos = 0; pos <= last; ++pos) {
    if (const int32_t t = invoked[pos]; t >= 0) {
      for (int32_t p : frontier) g.Add(p, t, kRealtime);
    }
    const int32_t t = completed[pos];
    if (t < 0) continue;
    const int32_t began = h.txns[t].invoke_pos;
    frontier.erase(std::remove_if(frontier.begin(), frontier.end(),
                                  [&h, began](int32_t f) { return h.txns[f].complete_pos < began; }),
                   frontier.end());
    frontier.push_back(t);
  }
}

void FindLostUpdates(const TxnHistory& h, std::vector<TxnAnomaly>& anomalies) {
  // Each committed transaction's first write of a key it had read before:
  // (the read, the transaction).
  struct Candidate {
    const Mop* read;
    int32_t txn;
  };
  std::vector<Candidate> candidates;
  for (int32_t t = 0; t < static_cast<int32_t>(h.txns.size()); ++t) {
    const Txn& txn = h.txns[t];
    if (txn.type != OpType::kOk) continue;
    for (const Mop* m = h.begin(txn); m != h.end(txn); ++m) {
      if (m->f == Mop::F::kRead) continue;
      const Mop* first_read = nullptr;
      bool written = false;
      for (const Mop* e = h.begin(txn); e != m; ++e) {
        if (e->key != m->key) continue;
        if (e->f != Mop::F::kRead) written = true;
        if (e->f == Mop::F::kRead && first_read == nullptr) first_read = e;
      }
      if (!written && first_read != nullptr) candidates.push_back({first_read, t});
    }
  }
  // The same key and the same value read: sort, then group.
  const bool lists = h.workload == TxnWorkload::kListAppend;
  auto compare = [&h, lists](const Mop* a, const Mop* b) -> int {
    if (a->key != b->key) return a->key < b->key ? -1 : 1;
    if (!lists) return a->value == b->value ? 0 : (a->value < b->value ? -1 : 1);
    if (a->list_size != b->list_size) return a->list_size < b->list_size ? -1 : 1;
    for (int32_t i = 0; i < a->list_size; ++i) {
      if (h.list(*a)[i] != h.list(*b)[i]) return h.list(*a)[i] < h.list(*b)[i] ? -1 : 1;
    }
    return 0;
  };
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    const int c = compare(a.read, b.read);
    return c != 0 ? c < 0 : a.txn < b.txn;
  });
  for (size_t i = 0; i < candidates.size();) {
    size_t j = i + 1;
    while (j < candidates.size() && compare(candidates[i].read, candidates[j].read) == 0) ++j;
    if (j - i >= 2) {
      std::vector<int32_t> txns;
      std::string names;
      for (size_t k = i; k < j; ++k) {
        txns.push_back(candidates[k].txn);
        names += (k > i ? ", " : "") + absl::StrFormat(":index %d", h.txns[candidates[k].txn].index);
      }
      const Mop& read = *candidates[i].read;
      const std::string text = h.MopText(read);
      // "[:r :x [1 2]]" -> "[1 2]": the value read.
      const std::string value = text.substr(4 + h.key_names[read.key].size(), text.size() - 5 - h.key_names[read.key].size());
      anomalies.push_back({"lost-update", std::move(txns),
                           absl::StrFormat("transactions %s all read %s = %s and each wrote it: each update was made "
                                           "without the others",
                                           names, h.key_names[read.key], value)});
    }
    i = j;
  }
}

}  // namespace dsim
