#include "sim/check/isolation.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "sim/assert.h"
#include "sim/check/isolation_models.h"
#include "sim/check/txn_analysis.h"

namespace dsim {
namespace {

bool IsUnknownType(const std::string& t) { return t == "empty-transaction-graph" || t == "cycle-search-timeout"; }

std::string TxnName(const TxnHistory& h, int32_t t) {
  return absl::StrFormat(":index %d", h.txns[t].index);
}

std::string ExplainStep(const TxnHistory& h, const DataAnalysis& data, const CycleStep& s,
                        const std::string& an, const std::string& bn) {
  switch (s.rel) {
    case kProcess:
      return absl::StrFormat("%s and %s ran on process %d, %s first", an, bn, h.txns[s.from].process, an);
    case kRealtime:
      return absl::StrFormat("%s completed before %s began", an, bn);
    default:
      return data.Explain(s.from, s.to, s.rel, an, bn);
  }
}

IsolationFinding CycleFinding(const TxnHistory& h, const DataAnalysis& data, const CycleCase& c) {
  IsolationFinding f{.type = c.type};
  std::map<int32_t, std::string> names;
  for (const CycleStep& s : c.steps) names.try_emplace(s.from, absl::StrFormat("T%d", names.size() + 1));
  std::string text = absl::StrFormat("a cycle of %d transactions:\n", c.steps.size());
  for (const CycleStep& s : c.steps) {
    f.ops.push_back(h.txns[s.from].index);
    text += absl::StrFormat("  %s = %s, process %d: %s\n", names[s.from], TxnName(h, s.from),
                            h.txns[s.from].process, h.TxnText(h.txns[s.from]));
  }
  for (size_t i = 0; i < c.steps.size(); ++i) {
    const CycleStep& s = c.steps[i];
    text += absl::StrFormat("  %s < %s (%s): %s%s\n", names[s.from], names[s.to],
                            RelName(s.rel), ExplainStep(h, data, s, names[s.from], names[s.to]),
                            i + 1 == c.steps.size() ? absl::StrFormat(
                                                          "; so %s must come before itself: a contradiction",
                                                          names[c.steps[0].from])
                                                    : "");
  }
  f.text = text;
  return f;
}

IsolationFinding ComponentFinding(const TxnHistory& h, const CycleCase& c) {
  IsolationFinding f{.type = c.type};
  std::vector<std::string> ops;
  for (int32_t t : c.scc) {
    f.ops.push_back(h.txns[t].index);
    if (ops.size() < 12) ops.push_back(absl::StrCat(h.txns[t].index));
  }
  const std::string listed = absl::StrJoin(ops, " ") + (c.scc.size() > ops.size() ? " ..." : "");
  if (c.type == "cycle-search-timeout") {
    f.text = absl::StrFormat(
        "the search for %s among %d strongly connected transactions (:index %s) used its whole budget; "
        "not found before it: %s",
        c.searching, c.scc.size(), listed,
        c.does_not_contain.empty() ? "-" : absl::StrJoin(c.does_not_contain, ", "));
  } else {
    f.text = absl::StrFormat("a cycle that %s forbids exists among %d transactions (:index %s)",
                             c.models_not, c.scc.size(), listed);
  }
  return f;
}

}  // namespace

const char* ValidityName(Validity v) {
  switch (v) {
    case Validity::kValid:
      return "valid";
    case Validity::kInvalid:
      return "invalid";
    case Validity::kUnknown:
      return "unknown";
  }
  return "?";
}

absl::Status ValidateIsolationOptions(const IsolationOptions& options) {
  for (const std::string& m : options.consistency_models) {
    if (!IsKnownModel(m)) {
      return absl::InvalidArgumentError(absl::StrFormat("unknown consistency model \"%s\" (known: %s)", m,
                                                        absl::StrJoin(KnownModelNames(), ", ")));
    }
  }
  for (const std::string& a : options.anomalies) {
    if (!IsKnownAnomaly(a)) return absl::InvalidArgumentError(absl::StrFormat("unknown anomaly \"%s\"", a));
  }
  if (options.search_budget <= 0) return absl::InvalidArgumentError("the search budget must be positive");
  return absl::OkStatus();
}

std::set<std::string> ProhibitedAnomalies(const IsolationOptions& options) {
  std::set<std::string> out = AnomaliesProhibitedBy(options.consistency_models);
  for (const std::string& a : AnomaliesImplying(options.anomalies)) out.insert(a);
  return out;
}

TxnDependencies AnalyzeTransactions(const TxnHistory& h, const IsolationOptions& options, bool realtime_edges,
                                    bool process_edges) {
  TxnDependencies out{.graph = DepGraph(static_cast<int32_t>(h.txns.size()))};
  // Room for every edge at once (reserving touches no memory): a few data
  // edges per micro-operation, and a real-time edge per transaction per
  // client running beside it.
  out.graph.Reserve(h.mops.size() * 3 + (realtime_edges ? h.txns.size() * 16 : 0) +
                    (process_edges ? h.txns.size() : 0));
  out.data = h.workload == TxnWorkload::kListAppend ? AnalyzeListAppend(h, out.graph)
                                                    : AnalyzeRwRegister(h, options.register_order, out.graph);
  if (realtime_edges) AddRealtimeEdges(h, out.graph);
  if (process_edges) AddProcessEdges(h, out.graph);
  out.graph.Finish();
  return out;
}

IsolationResult CheckIsolation(const TxnHistory& h, const IsolationOptions& options) {
  DSIM_ASSERT(ValidateIsolationOptions(options).ok());
  const std::set<std::string> prohibited = ProhibitedAnomalies(options);
  IsolationResult r;
  r.transactions = static_cast<int64_t>(h.txns.size());
  for (const std::string& a : prohibited) {
    r.realtime_edges |= IsCycleType(a) && absl::EndsWith(a, "-realtime");
    r.process_edges |= IsCycleType(a) && absl::EndsWith(a, "-process");
  }
  r.process_edges &= !r.realtime_edges;  // real time already orders each process

  TxnDependencies deps = AnalyzeTransactions(h, options, r.realtime_edges, r.process_edges);
  const DepGraph& g = deps.graph;
  const DataAnalysis* data = deps.data.get();
  for (int32_t v = 0; v < g.size(); ++v) r.edges += static_cast<int64_t>(g.Out(v).size());

  std::map<std::string, std::vector<IsolationFinding>> all;
  for (const TxnAnomaly& a : data->anomalies) {
    IsolationFinding f{.type = a.type, .text = a.text};
    for (int32_t t : a.txns) f.ops.push_back(h.txns[t].index);
    all[a.type].push_back(std::move(f));
  }
  if (!g.has_edges()) all["empty-transaction-graph"].push_back({.type = "empty-transaction-graph",
                                                                 .text = "no transaction depends on another"});
  CycleSearchOptions search{.budget = options.search_budget, .wr_first = h.workload == TxnWorkload::kRwRegister};
  if (r.realtime_edges || r.process_edges) {
    const bool realtime = r.realtime_edges;
    search.order = [&h, realtime](int32_t a, int32_t b) -> uint8_t {
      const Txn& ta = h.txns[a];
      const Txn& tb = h.txns[b];
      if (ta.type != OpType::kOk || tb.type != OpType::kOk) return 0;
      if (realtime) return ta.complete_pos < tb.invoke_pos ? kRealtime : 0;
      return ta.process == tb.process && ta.complete_pos < tb.complete_pos ? kProcess : 0;
    };
  }
  for (const CycleCase& c : FindCycles(g, search)) {
    all[c.type].push_back(c.steps.empty() ? ComponentFinding(h, c) : CycleFinding(h, *data, c));
  }

  std::vector<std::string> found;
  for (const auto& [type, _] : all) found.push_back(type);
  r.found_types = {found.begin(), found.end()};
  // Cycle-exists findings are a fallback: drop those that a named anomaly
  // already explains.
  std::vector<std::string> named;
  for (const auto& [type, _] : all) {
    if (!IsCycleExistsType(type) && (prohibited.count(type) || IsUnknownType(type))) named.push_back(type);
  }
  const std::set<std::string> explained = ImpossibleModels(named);
  bool bad = false;
  for (auto& [type, findings] : all) {
    if (!prohibited.count(type) && !IsUnknownType(type)) continue;
    if (IsCycleExistsType(type) && explained.count(std::string(absl::StripSuffix(type, "-cycle-exists")))) continue;
    bad |= prohibited.count(type) > 0;
    r.anomaly_types.push_back(type);
    r.anomalies[type] = findings;
  }
  r.valid = r.anomaly_types.empty() ? Validity::kValid : bad ? Validity::kInvalid : Validity::kUnknown;
  ModelBoundary b = Boundary(found);
  r.not_models = std::move(b.not_models);
  r.also_not = std::move(b.also_not);
  const std::set<std::string> impossible = ImpossibleModels(found);
  // The ladder is not a chain (repeatable read and snapshot isolation are
  // incomparable): the strongest model nothing rules out may come after the
  // weakest one something does.
  for (const std::string& m : IsolationLadder()) {
    if (impossible.count(CanonicalModel(m))) {
      if (r.weakest_violated.empty()) r.weakest_violated = m;
      continue;
    }
    if (m == "strict-serializable" && !r.realtime_edges) continue;  // real time was not looked at
    r.strongest_satisfied = m;
  }
  return r;
}

std::string IsolationResult::ToText() const {
  std::string out;
  for (const auto& [type, findings] : anomalies) {
    out += absl::StrFormat("%s (%d found)\n", type, findings.size());
    for (size_t i = 0; i < findings.size() && i < 3; ++i) {
      std::string text = findings[i].text;
      if (!text.empty() && text.back() == '\n') text.pop_back();
      out += "  " + absl::StrReplaceAll(text, {{"\n", "\n  "}}) + "\n";
    }
    if (findings.size() > 3) out += absl::StrFormat("  ... and %d more\n", findings.size() - 3);
  }
  if (!not_models.empty()) out += "not " + absl::StrJoin(not_models, ", ") + "\n";
  // On the ladder read-uncommitted ... strict-serializable.
  if (!strongest_satisfied.empty()) out += "consistent with " + strongest_satisfied + "\n";
  if (!weakest_violated.empty()) out += "violates " + weakest_violated + " (the weakest on the ladder it violates)\n";
  return out;
}

nlohmann::ordered_json IsolationResult::ToJson() const {
  nlohmann::ordered_json j;
  j["valid"] = ValidityName(valid);
  j["anomaly_types"] = anomaly_types;
  j["not"] = not_models;
  j["also_not"] = also_not;
  j["strongest_satisfied"] = strongest_satisfied.empty() ? nlohmann::ordered_json(nullptr)
                                                          : nlohmann::ordered_json(strongest_satisfied);
  j["weakest_violated"] = weakest_violated.empty() ? nlohmann::ordered_json(nullptr)
                                                    : nlohmann::ordered_json(weakest_violated);
  j["transactions"] = transactions;
  j["edges"] = edges;
  nlohmann::ordered_json a = nlohmann::ordered_json::object();
  for (const auto& [type, findings] : anomalies) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const IsolationFinding& f : findings) list.push_back({{"ops", f.ops}, {"text", f.text}});
    a[type] = list;
  }
  j["anomalies"] = a;
  return j;
}

}  // namespace dsim
