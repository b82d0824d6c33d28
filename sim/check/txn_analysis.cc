// What the list-append and rw-register analyses share: process and
// real-time order as dependency-graph edges, and lost updates.
#include <algorithm>
#include <map>
#include <set>

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
  struct Event {
    int32_t pos;
    bool complete;
    int32_t txn;
  };
  std::vector<Event> events;
  for (int32_t t = 0; t < static_cast<int32_t>(h.txns.size()); ++t) {
    if (h.txns[t].type != OpType::kOk) continue;
    events.push_back({h.txns[t].invoke_pos, false, t});
    events.push_back({h.txns[t].complete_pos, true, t});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.pos != b.pos ? a.pos < b.pos : (a.complete != b.complete ? !a.complete : a.txn < b.txn);
  });
  std::vector<int32_t> frontier;  // completed, not yet followed by a completed txn
  std::map<int32_t, std::vector<int32_t>> before;  // txn -> frontier when it was invoked
  for (const Event& e : events) {
    if (!e.complete) {
      before[e.txn] = frontier;
      continue;
    }
    std::vector<int32_t>& preds = before[e.txn];
    for (int32_t p : preds) g.Add(p, e.txn, kRealtime);
    std::sort(preds.begin(), preds.end());
    std::vector<int32_t> next;
    for (int32_t f : frontier) {
      if (!std::binary_search(preds.begin(), preds.end(), f)) next.push_back(f);
    }
    next.push_back(e.txn);
    frontier = std::move(next);
    before.erase(e.txn);
  }
}

void FindLostUpdates(const TxnHistory& h, std::vector<TxnAnomaly>& anomalies) {
  std::map<std::pair<int32_t, std::vector<int32_t>>, std::vector<int32_t>> by_read;
  for (int32_t t = 0; t < static_cast<int32_t>(h.txns.size()); ++t) {
    const Txn& txn = h.txns[t];
    if (txn.type != OpType::kOk) continue;
    std::map<int32_t, std::vector<int32_t>> first_read;  // key -> [nil-marker] or elements
    std::set<int32_t> written;
    for (const Mop* m = h.begin(txn); m != h.end(txn); ++m) {
      auto r = first_read.find(m->key);
      if (m->f != Mop::F::kRead && !written.count(m->key)) {
        if (r == first_read.end()) continue;
        by_read[{m->key, r->second}].push_back(t);
        written.insert(m->key);
      } else if (r == first_read.end() && m->f == Mop::F::kRead) {
        std::vector<int32_t> v;
        if (h.workload == TxnWorkload::kListAppend) {
          v.push_back(m->list_size < 0 ? INT32_MIN : INT32_MAX);
          v.insert(v.end(), h.list(*m), h.list(*m) + std::max(m->list_size, 0));
        } else {
          v = {m->value == Mop::kNil ? INT32_MIN : 0, m->value};
        }
        first_read[m->key] = std::move(v);
      }
    }
  }
  for (const auto& [read, txns] : by_read) {
    if (txns.size() < 2) continue;
    std::string names;
    for (int32_t t : txns) names += (names.empty() ? "" : ", ") + absl::StrFormat(":index %d", h.txns[t].index);
    std::string state = "nil";
    if (h.workload == TxnWorkload::kRwRegister && read.second[0] != INT32_MIN) {
      state = ValueText(h, read.second[1]);
    } else if (read.second[0] != INT32_MIN) {
      state = "[";
      for (size_t i = 1; i < read.second.size(); ++i) state += (i > 1 ? " " : "") + ValueText(h, read.second[i]);
      state += "]";
    }
    anomalies.push_back({"lost-update", txns,
        absl::StrFormat("transactions %s all read %s = %s and each wrote it: each update was made "
                        "without the others",
                        names, h.key_names[read.first], state)});
  }
}


}  // namespace dsim
