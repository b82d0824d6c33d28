// Internal to the transaction history readers (txn_history.cc, txn_edn.cc):
// the one place that turns a sequence of events into transactions, so that
// every reader pairs, orders and interns them the same way.
#ifndef DSIM_SIM_CHECK_TXN_ASSEMBLE_H_
#define DSIM_SIM_CHECK_TXN_ASSEMBLE_H_

#include <algorithm>
#include <deque>
#include <map>

#include "absl/status/statusor.h"
#include "sim/assert.h"
#include "sim/check/txn_history.h"

namespace dsim {

// Pairs each completion with its process's oldest pending invocation and
// builds the transactions, in completion order, then the invocations that
// never completed. `events` gives each event's fields and adds its
// micro-operations: the completion's, or its invocation's when the
// completion has no value.
template <typename Events>
absl::StatusOr<TxnHistory> AssembleTxns(Events& events, size_t n) {
  TxnHistory& out = events.out();
  std::map<int32_t, std::deque<int32_t>> pending;  // per process, oldest first
  for (size_t pos = 0; pos < n; ++pos) {
    if (events.type(pos) == OpType::kInvoke) {
      pending[events.process(pos)].push_back(static_cast<int32_t>(pos));
      continue;
    }
    Txn t;
    t.index = events.index(pos) >= 0 ? events.index(pos) : static_cast<int64_t>(pos);
    t.process = events.process(pos);
    t.type = events.type(pos);
    t.complete_pos = t.invoke_pos = static_cast<int32_t>(pos);
    t.line = events.line(pos);
    std::deque<int32_t>& waiting = pending[t.process];
    if (!waiting.empty()) {
      t.invoke_pos = waiting.front();
      t.has_invoke = true;
      waiting.pop_front();
    }
    // An info without a value says nothing new: take the invocation's.
    const size_t source = !events.has_value(pos) && t.has_invoke ? t.invoke_pos : pos;
    if (absl::Status s = events.AddMops(source, t); !s.ok()) return s;
    out.txns.push_back(t);
  }
  // Invocations that never completed may have happened: info transactions.
  std::vector<Txn> unfinished;
  for (const auto& [process, waiting] : pending) {
    for (int32_t pos : waiting) {
      Txn t;
      t.index = events.index(pos) >= 0 ? events.index(pos) : pos;
      t.process = process;
      t.type = OpType::kInfo;
      t.invoke_pos = pos;
      t.complete_pos = static_cast<int32_t>(n);
      t.line = events.line(pos);
      t.has_invoke = true;
      if (absl::Status s = events.AddMops(pos, t); !s.ok()) return s;
      unfinished.push_back(t);
    }
  }
  std::sort(unfinished.begin(), unfinished.end(),
            [](const Txn& a, const Txn& b) { return a.invoke_pos < b.invoke_pos; });
  out.txns.insert(out.txns.end(), unfinished.begin(), unfinished.end());
  for (const Txn& t : out.txns) DSIM_ASSERT(t.first_mop + t.num_mops <= static_cast<int32_t>(out.mops.size()));
  // What every analysis indexes by: a write's version, a read's elements.
  for (const Mop& m : out.mops) {
    DSIM_ASSERT(m.key >= 0 && m.key < out.keys());
    DSIM_ASSERT(m.f == Mop::F::kRead ? m.value >= Mop::kNil : m.value >= 0);
    DSIM_ASSERT(m.value < out.versions());
  }
  for (int32_t v : out.elements) DSIM_ASSERT(v >= 0 && v < out.versions());
  return std::move(out);
}

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_TXN_ASSEMBLE_H_
