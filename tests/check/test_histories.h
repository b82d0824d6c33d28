// A compact way to write histories in tests:
//   H h = {Inv(1, "write", I(1)), Ok(1, "write", I(1)), Inv(2, "read"), Ok(2, "read", I(1))};
#ifndef DSIM_TESTS_CHECK_TEST_HISTORIES_H_
#define DSIM_TESTS_CHECK_TEST_HISTORIES_H_

#include <optional>
#include <string>
#include <vector>

#include "sim/history.h"

namespace dsim::testing {

inline Value I(int64_t v) { return Value::Int(v); }
inline Value S(std::string s) { return Value::Str(std::move(s)); }
inline Value L(std::vector<Value> v) { return Value::List(std::move(v)); }
inline Value Nil() { return Value::Nil(); }

inline HistoryEvent Ev(OpType t, int32_t p, std::string f, Value v, std::optional<std::string> key) {
  HistoryEvent e;
  e.process = p;
  e.type = t;
  e.f = std::move(f);
  e.value = std::move(v);
  e.key = std::move(key);
  return e;
}
inline HistoryEvent Inv(int32_t p, std::string f, Value v = Nil(), std::optional<std::string> k = {}) {
  return Ev(OpType::kInvoke, p, std::move(f), std::move(v), std::move(k));
}
inline HistoryEvent Ok(int32_t p, std::string f, Value v = Nil(), std::optional<std::string> k = {}) {
  return Ev(OpType::kOk, p, std::move(f), std::move(v), std::move(k));
}
inline HistoryEvent Fail(int32_t p, std::string f, Value v = Nil(), std::optional<std::string> k = {}) {
  return Ev(OpType::kFail, p, std::move(f), std::move(v), std::move(k));
}
inline HistoryEvent Info(int32_t p, std::string f, Value v = Nil(), std::optional<std::string> k = {}) {
  return Ev(OpType::kInfo, p, std::move(f), std::move(v), std::move(k));
}

}  // namespace dsim::testing

#endif  // DSIM_TESTS_CHECK_TEST_HISTORIES_H_
