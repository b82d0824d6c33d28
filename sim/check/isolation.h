// The isolation checker: which transactional anomalies a history shows, and
// so which consistency models it rules out (after Elle: Kingsbury and
// Alvaro, "Elle: Inferring Isolation Anomalies from Experimental
// Observations", VLDB 2020).
//
// It runs the workload's analysis (list-append or rw-register: aborted and
// intermediate reads, internal inconsistency, lost updates, ...), builds
// the dependency graph (ww, wr, rw, plus process or real-time edges when the
// models asked for need them), finds its cycles by Adya's names, and
// decides: valid when none of the anomalies the asked-for models prohibit
// appears, invalid when one does, unknown when the graph is empty or the
// cycle search ran out of budget.
//
//   IsolationOptions opts;
//   opts.consistency_models = {"serializable"};
//   absl::StatusOr<IsolationResult> r = CheckIsolation(txns, opts);
//   std::cout << r->ToText(txns);
#ifndef DSIM_SIM_CHECK_ISOLATION_H_
#define DSIM_SIM_CHECK_ISOLATION_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sim/check/txn_analysis.h"
#include "sim/check/txn_graph.h"
#include "sim/check/txn_history.h"

namespace dsim {

struct IsolationOptions {
  // The models the history must satisfy. Elle's default.
  std::vector<std::string> consistency_models{"strict-serializable"};
  // Specific anomalies that must not appear either (with every anomaly that
  // implies one of them).
  std::vector<std::string> anomalies;
  // Breadth-first steps the cycle search may take in one strongly connected
  // component before it reports cycle-search-timeout.
  int64_t search_budget = int64_t{1} << 24;
  // rw-register only: what the store promises that orders versions.
  RegisterOrderOptions register_order;
};

enum class Validity : uint8_t { kValid, kInvalid, kUnknown };
const char* ValidityName(Validity v);

struct IsolationFinding {
  std::string type;
  std::vector<int64_t> ops;  // the :index of each transaction involved
  std::string text;          // the explanation, one or more lines
};

struct IsolationResult {
  Validity valid = Validity::kValid;
  // What the options make worth reporting, sorted, and their findings.
  std::vector<std::string> anomaly_types;
  std::map<std::string, std::vector<IsolationFinding>> anomalies;
  // Every anomaly found, reportable or not, and what they rule out.
  std::set<std::string> found_types;
  std::set<std::string> not_models;
  std::set<std::string> also_not;
  // On the ladder read-uncommitted ... strict-serializable: the strongest
  // model nothing found rules out (empty if none), and the weakest it does.
  std::string strongest_satisfied;
  std::string weakest_violated;
  int64_t transactions = 0;
  int64_t edges = 0;
  bool realtime_edges = false;
  bool process_edges = false;

  std::string ToText() const;
  nlohmann::ordered_json ToJson() const;
};

// Validates the options: every model and anomaly known. Errors name the
// unknown one and list what is known.
absl::Status ValidateIsolationOptions(const IsolationOptions& options);

// REQUIRES: ValidateIsolationOptions(options).ok()
IsolationResult CheckIsolation(const TxnHistory& history, const IsolationOptions& options);

// The first half of CheckIsolation alone: the workload's analysis (its
// non-cycle anomalies) and the finished dependency graph, with process or
// real-time edges if asked. For tests and tools that look at the graph.
struct TxnDependencies {
  std::unique_ptr<DataAnalysis> data;
  DepGraph graph{0};
};
TxnDependencies AnalyzeTransactions(const TxnHistory& history, const IsolationOptions& options,
                                    bool realtime_edges, bool process_edges);

// The anomalies the options prohibit, and those worth reporting.
std::set<std::string> ProhibitedAnomalies(const IsolationOptions& options);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_ISOLATION_H_
