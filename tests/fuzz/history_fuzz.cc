// libFuzzer target: the history readers (Jepsen EDN, Jepsen/etcd log lines,
// Porcupine kv EDN, dsim's JSON), the format detected from the bytes as
// `dsim check` does, then the linearizability checker under every model with
// a small budget. Bad input is a one-line error naming the file; a history
// that loads gets a verdict or "unknown", never a crash.
#include "sim/check/history_io.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dsim;
  absl::StatusOr<ParsedHistory> h = ParseHistory(fuzz::Text(data, size), fuzz::kFile);
  if (!h.ok()) {
    fuzz::AssertOneLineError(h.status());
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
  return 0;
}
