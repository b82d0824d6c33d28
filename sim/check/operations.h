// From a history of events to operations: each invocation paired with the
// completion of the same process. `fail` operations never happened and are
// dropped; `info` operations, and invocations that never completed, stay
// open to the end of the history with an unknown result.
//
//   absl::StatusOr<std::vector<Operation>> ops = PrepareOperations(history, *model, "h.edn");
#ifndef DSIM_SIM_CHECK_OPERATIONS_H_
#define DSIM_SIM_CHECK_OPERATIONS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/check/model.h"
#include "sim/history.h"

namespace dsim {

struct Operation {
  static constexpr int64_t kOpen = std::numeric_limits<int64_t>::max();
  int32_t process = 0;
  int64_t call = 0;     // index of the invocation in the history
  int64_t ret = kOpen;  // index of the completion; kOpen for info / never completed
  std::optional<std::string> key;
  ModelOp op;
  int32_t node = 0;     // the server that answered, if known

  std::string Describe() const;  // "process 3: cas [1 2] ok (events 4..9)"
};

// `file` prefixes error messages: "FILE:LINE: what".
absl::StatusOr<std::vector<Operation>> PrepareOperations(const History& h, const Model& model,
                                                         const std::string& file);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_OPERATIONS_H_
