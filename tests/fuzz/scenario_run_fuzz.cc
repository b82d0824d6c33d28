// libFuzzer target: a scenario built from the fuzzer's bytes, run for a short
// simulated time. Whatever loads must run without an assertion failure, a
// sanitizer report or a hang, and give the same trace hash twice.
#include <algorithm>

#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/time.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// Long enough for elections, commits, faults and the nemesis to happen; short
// enough that a run costs milliseconds.
constexpr int64_t kRunFor = 30 * dsim::kMillisecond;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dsim;
  absl::StatusOr<Scenario> s = ParseScenario(fuzz::Text(data, size), fuzz::kFile, fuzz::Registry());
  if (!s.ok()) {
    fuzz::AssertOneLineError(s.status());
    return -1;  // not worth keeping in the corpus
  }
  s->duration_ns = std::min(s->duration_ns, kRunFor);
  const RunReport first = RunScenario(*s, {});
  const RunReport again = RunScenario(*s, {});
  DSIM_ASSERT_MSG(first.trace_hash == again.trace_hash, "same seed, trace hashes %x and %x",
                  first.trace_hash, again.trace_hash);
  DSIM_ASSERT(first.pass == again.pass);
  return 0;
}
