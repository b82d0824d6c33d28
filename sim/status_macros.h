// Error propagation helpers for absl::Status (Debian's Abseil has none).
//
//   DSIM_RETURN_IF_ERROR(LoadFile(path));
//   DSIM_ASSIGN_OR_RETURN(Scenario s, ParseScenario(text));
#ifndef DSIM_SIM_STATUS_MACROS_H_
#define DSIM_SIM_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DSIM_RETURN_IF_ERROR(expr)                 \
  do {                                             \
    ::absl::Status dsim_status_ = (expr);          \
    if (!dsim_status_.ok()) return dsim_status_;   \
  } while (0)

#define DSIM_CONCAT_INNER_(a, b) a##b
#define DSIM_CONCAT_(a, b) DSIM_CONCAT_INNER_(a, b)

#define DSIM_ASSIGN_OR_RETURN(lhs, expr) \
  DSIM_ASSIGN_OR_RETURN_IMPL_(DSIM_CONCAT_(dsim_statusor_, __LINE__), lhs, expr)

#define DSIM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // DSIM_SIM_STATUS_MACROS_H_
