// libFuzzer target: the scenario loader on arbitrary bytes. A file either
// loads or is refused with a one-line error naming it; it never crashes,
// hangs or trips a sanitizer, whatever its sizes, depths and numbers.
#include "sim/scenario.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dsim;
  absl::StatusOr<Scenario> s = ParseScenario(fuzz::Text(data, size), fuzz::kFile, fuzz::Registry());
  if (!s.ok()) fuzz::AssertOneLineError(s.status());
  return 0;
}
