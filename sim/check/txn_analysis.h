// What a workload's analysis of a transaction history produces: the
// anomalies one pass over the history can see (an aborted read, a read
// inconsistent with the transaction's own writes, a lost update, ...), and
// the data edges (ww, wr, rw) of the dependency graph, which it can explain
// in words. One implementation per workload: list-append and rw-register.
#ifndef DSIM_SIM_CHECK_TXN_ANALYSIS_H_
#define DSIM_SIM_CHECK_TXN_ANALYSIS_H_

#include <memory>
#include <string>
#include <vector>

#include "sim/check/txn_graph.h"
#include "sim/check/txn_history.h"

namespace dsim {

// A finding that is not a cycle.
struct TxnAnomaly {
  std::string type;           // "G1a", "internal", "lost-update", ...
  std::vector<int32_t> txns;  // positions in TxnHistory::txns, the one that shows it first
  std::string text;           // what happened, in words, naming transactions by :index
};

class DataAnalysis {
 public:
  virtual ~DataAnalysis() = default;
  // Why a -> b carries `rel` (ww, wr or rw), in words; names the two
  // transactions as `a_name` and `b_name`.
  virtual std::string Explain(int32_t a, int32_t b, Rel rel, const std::string& a_name,
                              const std::string& b_name) const = 0;
  std::vector<TxnAnomaly> anomalies;
};

// Analyses for each workload. They add their data edges to `g`, whose
// vertices are the positions of h.txns.
// REQUIRES: g.size() == h.txns.size(), g not yet finished.
std::unique_ptr<DataAnalysis> AnalyzeListAppend(const TxnHistory& h, DepGraph& g);
// rw-register infers version orders from the initial state (nil precedes
// every value) and, when the options say the store promises it, from writes
// following reads in a transaction and from process or real-time order.
struct RegisterOrderOptions {
  bool wfr_keys = false;           // a transaction's writes follow its reads
  bool sequential_keys = false;    // each key is sequentially consistent
  bool linearizable_keys = false;  // each key is linearizable
};
std::unique_ptr<DataAnalysis> AnalyzeRwRegister(const TxnHistory& h, const RegisterOrderOptions& options,
                                                DepGraph& g);

// Process order (each client's successive committed transactions) and
// real-time order (b began after a completed; transitively reduced), over
// committed transactions, as kProcess and kRealtime edges.
void AddProcessEdges(const TxnHistory& h, DepGraph& g);
void AddRealtimeEdges(const TxnHistory& h, DepGraph& g);

// Adya's P4, which Elle leaves out: two committed transactions read the
// same version of a key and both overwrote it (appended to or wrote it), so
// each update was made without seeing the other.
void FindLostUpdates(const TxnHistory& h, std::vector<TxnAnomaly>& anomalies);

// "T3 (:index 7)"-style names are the caller's; this is the text of a value
// or of the initial state.
inline std::string ValueText(const TxnHistory& h, int32_t value) {
  return value < 0 ? "nil" : h.value_names[value];
}

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_TXN_ANALYSIS_H_
