// Always-on assertions for dsim.
//
// In a simulator an assertion is a bug detector, so these stay on in release
// builds. They are for our own invariants only: anything a user can cause
// (a bad scenario, an unreadable history) is an absl::Status instead.
//
//   DSIM_ASSERT(queue_.size() < kMaxPending);
//   DSIM_ASSERT_MSG(ballot > promised_, "ballot %d <= promised %d", ballot, promised_);
#ifndef DSIM_SIM_ASSERT_H_
#define DSIM_SIM_ASSERT_H_

#include <string>

#include "absl/strings/str_format.h"

namespace dsim {

[[noreturn]] void AssertionFailed(const char* file, int line, const char* expr,
                                  const std::string& message);

}  // namespace dsim

#define DSIM_ASSERT(cond)                                           \
  do {                                                              \
    if (__builtin_expect(!(cond), 0))                               \
      ::dsim::AssertionFailed(__FILE__, __LINE__, #cond, "");       \
  } while (0)

#define DSIM_ASSERT_MSG(cond, ...)                                  \
  do {                                                              \
    if (__builtin_expect(!(cond), 0))                               \
      ::dsim::AssertionFailed(__FILE__, __LINE__, #cond,            \
                              absl::StrFormat(__VA_ARGS__));        \
  } while (0)

#endif  // DSIM_SIM_ASSERT_H_
