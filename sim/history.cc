#include "sim/history.h"

#include "absl/strings/str_cat.h"

namespace dsim {

const char* OpTypeName(OpType t) {
  switch (t) {
    case OpType::kInvoke:
      return "invoke";
    case OpType::kOk:
      return "ok";
    case OpType::kFail:
      return "fail";
    case OpType::kInfo:
      return "info";
  }
  return "?";
}

bool Value::operator==(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kNil:
      return true;
    case Kind::kInt:
      return int_ == o.int_;
    case Kind::kString:
      return str_ == o.str_;
    case Kind::kList:
      return list_ == o.list_;
  }
  return false;
}

bool Value::operator<(const Value& o) const {
  if (kind_ != o.kind_) return kind_ < o.kind_;
  switch (kind_) {
    case Kind::kNil:
      return false;
    case Kind::kInt:
      return int_ < o.int_;
    case Kind::kString:
      return str_ < o.str_;
    case Kind::kList:
      return list_ < o.list_;
  }
  return false;
}

std::string Value::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

void Value::AppendTo(std::string& out) const {
  switch (kind_) {
    case Kind::kNil:
      out += "nil";
      return;
    case Kind::kInt:
      absl::StrAppend(&out, int_);
      return;
    case Kind::kString:
      if (str_.empty() || str_[0] != ':') {
        absl::StrAppend(&out, "\"", str_, "\"");
      } else {
        out += str_;
      }
      return;
    case Kind::kList:
      out += '[';
      for (size_t i = 0; i < list_.size(); ++i) {
        if (i > 0) out += ' ';
        list_[i].AppendTo(out);
      }
      out += ']';
      return;
  }
  out += '?';
}

nlohmann::json Value::ToJson() const {
  switch (kind_) {
    case Kind::kNil:
      return nullptr;
    case Kind::kInt:
      return int_;
    case Kind::kString:
      return str_;
    case Kind::kList: {
      nlohmann::json a = nlohmann::json::array();
      for (const Value& v : list_) a.push_back(v.ToJson());
      return a;
    }
  }
  return nullptr;
}

std::optional<Value> Value::FromJson(const nlohmann::json& j) {
  if (j.is_null()) return Value::Nil();
  if (j.is_number_integer()) return Value::Int(j.get<int64_t>());
  if (j.is_number_unsigned()) {
    const uint64_t u = j.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return Value::Int(static_cast<int64_t>(u));
  }
  if (j.is_string()) return Value::Str(j.get<std::string>());
  if (j.is_array()) {
    std::vector<Value> items;
    for (const auto& e : j) {
      std::optional<Value> v = FromJson(e);
      if (!v) return std::nullopt;
      items.push_back(std::move(*v));
    }
    return Value::List(std::move(items));
  }
  return std::nullopt;
}

std::string HistoryToJson(const History& h) {
  std::string out = "[\n";
  for (size_t i = 0; i < h.size(); ++i) {
    const HistoryEvent& e = h[i];
    std::string line = absl::StrCat(
        "{\"index\":", i, ",\"time\":", e.time_ns, ",\"process\":", e.process,
        ",\"type\":\"", OpTypeName(e.type), "\",\"f\":", nlohmann::json(e.f).dump());
    if (e.key) absl::StrAppend(&line, ",\"key\":", nlohmann::json(*e.key).dump());
    absl::StrAppend(&line, ",\"value\":", e.value.ToJson().dump());
    if (e.node != 0) absl::StrAppend(&line, ",\"node\":", e.node);
    line += "}";
    absl::StrAppend(&out, line, i + 1 < h.size() ? ",\n" : "\n");
  }
  out += "]\n";
  return out;
}

}  // namespace dsim
