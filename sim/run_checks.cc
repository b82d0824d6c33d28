#include "sim/run_checks.h"

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/assert.h"
#include "sim/check/linearizability.h"

namespace dsim {

OutcomeCounts OutcomeCounts::Of(const History& h) {
  OutcomeCounts c;
  for (const HistoryEvent& e : h) {
    c.ok += e.type == OpType::kOk;
    c.info += e.type == OpType::kInfo;
    c.fail += e.type == OpType::kFail;
  }
  return c;
}

void OutcomeCounts::Report(RunOutcome& out) const {
  out.Fact("ops_ok", ok);
  out.Fact("ops_info", info);
  out.Fact("ops_fail", fail);
}

std::vector<NamedItem> OutcomeCounts::Facts() {
  return {{"ops_ok", "client operations that completed ok"},
          {"ops_info", "client operations with an unknown outcome"},
          {"ops_fail", "client operations that definitely did not happen"}};
}

void ReportLinearizability(const History& h, const Model& model, const LinearizabilityReport& r,
                           RunOutcome& out) {
  CheckBudget budget;
  budget.max_steps = r.max_steps;
  budget.max_memory_bytes = kRunCheckMemoryBytes;
  absl::StatusOr<LinearizabilityResult> res = CheckLinearizability(h, model, budget);
  DSIM_ASSERT_MSG(res.ok(), "the client history is malformed: %s", std::string(res.status().message()));
  out.Fact(r.fact, VerdictName(res->verdict));
  switch (res->verdict) {
    case Verdict::kLinearizable:
      out.Check(r.check, true,
                r.what.empty() ? absl::StrFormat("%d operations on %d keys", res->ops, res->partitions)
                               : absl::StrFormat("%d operations (%s) on %d keys", res->ops, r.what,
                                                 res->partitions));
      return;
    case Verdict::kUnknown:
      out.Undecided(r.check, "undecided within the search budget: " + res->unknown_reason);
      return;
    case Verdict::kNotLinearizable: {
      out.Check(r.check, false,
                absl::StrFormat("not linearizable: %s cannot take effect in any state it could meet",
                                res->witness->blocked.Describe()));
      std::vector<std::pair<int32_t, int64_t>> named;
      auto name = [&](const Operation& o) {
        if (o.call >= 0 && o.call < static_cast<int64_t>(h.size())) named.emplace_back(o.process, h[o.call].time_ns);
      };
      name(res->witness->blocked);
      for (const Operation& o : res->witness->concurrent) name(o);
      out.WitnessOps(std::move(named));
      std::string text = res->witness->ToText();
      while (!text.empty() && text.back() == '\n') text.pop_back();
      out.Summary(absl::StrFormat("%s witness:\n    %s", r.witness.empty() ? r.check : r.witness,
                                  absl::StrJoin(absl::StrSplit(text, '\n'), "\n    ")));
      return;
    }
  }
}

}  // namespace dsim
