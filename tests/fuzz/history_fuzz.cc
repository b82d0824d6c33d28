// libFuzzer target: the history readers (Jepsen EDN, Jepsen/etcd log lines,
// Porcupine kv EDN, dsim's JSON), the format detected from the bytes as
// `dsim check` does, then the linearizability checker under every model with
// a small budget, and the isolation checker under both transactional
// workloads. Bad input is a one-line error naming the file; a history that
// loads gets a verdict or "unknown", never a crash.
#include "sim/check/history_io.h"
#include "sim/check/isolation.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dsim;
  absl::StatusOr<ParsedHistory> h = ParseHistory(fuzz::Text(data, size), fuzz::kFile);
  if (!h.ok()) {
    fuzz::AssertOneLineError(h.status());
    // Nor does the fast reader take what the general one refuses.
    for (TxnWorkload w : {TxnWorkload::kListAppend, TxnWorkload::kRwRegister}) {
      DSIM_ASSERT(!ParseTxnEdnFast(fuzz::Text(data, size), w).has_value());
    }
    return 0;
  }
  CheckBudget budget;
  budget.max_steps = 20'000;
  budget.max_memory_bytes = 16 << 20;
  for (const std::string& name : ModelNames()) {
    for (bool observed : {false, true}) {
      ModelOptions options;
      options.failed_cas_observed = observed;
      absl::StatusOr<std::unique_ptr<Model>> model = MakeModel(name, options);
      DSIM_ASSERT(model.ok());
      absl::StatusOr<LinearizabilityResult> r =
          CheckLinearizability(h->events, **model, budget, fuzz::kFile);
      if (!r.ok()) {
        fuzz::AssertOneLineError(r.status());
        continue;
      }
      if (r->verdict == Verdict::kNotLinearizable) DSIM_ASSERT(r->witness.has_value());
    }
  }
  for (TxnWorkload w : {TxnWorkload::kListAppend, TxnWorkload::kRwRegister}) {
    absl::StatusOr<TxnHistory> txns = ToTxnHistory(h->events, w, fuzz::kFile);
    // The fast EDN reader answers only what the general one would.
    if (std::optional<TxnHistory> quick = ParseTxnEdnFast(fuzz::Text(data, size), w)) {
      DSIM_ASSERT(txns.ok() && *quick == *txns);
    }
    if (!txns.ok()) {
      fuzz::AssertOneLineError(txns.status());
      continue;
    }
    if (absl::Status unique = CheckUniqueWrites(*txns, fuzz::kFile); !unique.ok()) {
      fuzz::AssertOneLineError(unique);
      continue;
    }
    IsolationOptions options;
    options.search_budget = 20'000;
    options.register_order = {.wfr_keys = true, .sequential_keys = true, .linearizable_keys = true};
    const IsolationResult r = CheckIsolation(*txns, options);
    DSIM_ASSERT(r.valid == Validity::kValid || !r.anomaly_types.empty());
    r.ToText();
  }
  return 0;
}
