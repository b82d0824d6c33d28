// Client-operation histories: what checkers read.
//
// A history is the sequence of invocations and completions of client
// operations, in real-time order, as Jepsen records them: an `invoke`, then
// one of `ok` (took effect, with this result), `fail` (definitely did not take
// effect) or `info` (unknown: timed out, may or may not have taken effect).
// dsim's engine records one per run in true time; `dsim check` reads them
// from files too (Jepsen EDN, Jepsen logs, dsim JSON).
//
//   History h;
//   h.push_back({.process = 1, .type = OpType::kInvoke, .f = "write",
//                .value = Value::Int(3)});
#ifndef DSIM_SIM_HISTORY_H_
#define DSIM_SIM_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace dsim {

// A value in an operation: nil, an integer, a string, or a list of values.
// Keywords from EDN (":timed-out") are strings with their colon.
class Value {
 public:
  enum class Kind : uint8_t { kNil, kInt, kString, kList };

  Value() = default;
  static Value Nil() { return Value(); }
  static Value Int(int64_t v) {
    Value x;
    x.kind_ = Kind::kInt;
    x.int_ = v;
    return x;
  }
  static Value Str(std::string s) {
    Value x;
    x.kind_ = Kind::kString;
    x.str_ = std::move(s);
    return x;
  }
  static Value List(std::vector<Value> items) {
    Value x;
    x.kind_ = Kind::kList;
    x.list_ = std::move(items);
    return x;
  }

  Kind kind() const { return kind_; }
  bool is_nil() const { return kind_ == Kind::kNil; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  int64_t as_int() const { return int_; }
  const std::string& as_string() const { return str_; }
  const std::vector<Value>& as_list() const { return list_; }

  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }
  bool operator<(const Value& o) const;

  // EDN-like text: nil, 3, "s", [1 2].
  std::string ToString() const;
  void AppendTo(std::string& out) const;  // appends ToString()
  nlohmann::json ToJson() const;
  static std::optional<Value> FromJson(const nlohmann::json& j);

 private:
  Kind kind_ = Kind::kNil;
  int64_t int_ = 0;
  std::string str_;
  std::vector<Value> list_;
};

enum class OpType : uint8_t { kInvoke, kOk, kFail, kInfo };
const char* OpTypeName(OpType t);

struct HistoryEvent {
  int32_t process = 0;
  OpType type = OpType::kInvoke;
  std::string f;
  std::optional<std::string> key;  // for keyed models (kv, multi-register)
  Value value;
  int64_t time_ns = -1;  // true time; -1 when unknown
  int32_t node = 0;      // the server that served the operation, if known
  int32_t line = 0;      // where it came from in a history file (0: not from a file)
  int64_t index = -1;    // the file's own :index for the operation, if it gives one
};

using History = std::vector<HistoryEvent>;

// dsim's history file: a JSON array of event objects, one per line.
std::string HistoryToJson(const History& h);

}  // namespace dsim

#endif  // DSIM_SIM_HISTORY_H_
