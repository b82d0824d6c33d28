// multi-register: several named registers and transactions over them. An
// operation `txn` carries a list of micro-operations [read k v] / [write k v]
// applied atomically in order; the completion fills in what reads returned.
// Every register starts at --init (default nil). Transactions span keys, so
// the history is not split by key.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/check/model.h"
#include "sim/codec.h"

namespace dsim {
namespace {

using Registers = std::map<std::string, std::string>;  // key -> encoded value

std::string Encode(const Registers& r) {
  std::string out;
  EncodeTo(r, out);
  return out;
}

Registers Decode(const std::string& s) {
  return MustDecode<Registers>(s, "a multi-register state");
}

std::string KeyName(const Value& k) { return k.is_string() ? k.as_string() : k.ToString(); }

class MultiRegisterModel : public Model {
 public:
  explicit MultiRegisterModel(const ModelOptions& o)
      : init_(EncodeValue(o.init.value_or(Value::Nil()))), nil_read_unknown_(o.nil_read_unknown) {}
  std::string name() const override { return "multi-register"; }
  bool partition_by_key() const override { return false; }

  std::string Validate(const ModelOp& op) const override {
    if (op.f != "txn") {
      return absl::StrFormat("the multi-register model has only \"txn\", got \"%s\"", op.f);
    }
    for (const Value* v : {&op.input, &op.output}) {
      if (v == &op.output && !op.known) continue;
      if (!v->is_list()) return absl::StrFormat("txn needs a list of [f k v], got %s", v->ToString());
      for (const Value& m : v->as_list()) {
        if (!m.is_list() || m.as_list().size() != 3 || !m.as_list()[0].is_string() ||
            (m.as_list()[0].as_string() != ":read" && m.as_list()[0].as_string() != ":write")) {
          return absl::StrFormat("txn micro-operations are [:read k v] or [:write k v], got %s",
                                 m.ToString());
        }
      }
    }
    if (op.known && op.output.as_list().size() != op.input.as_list().size()) {
      return "txn completion has a different number of micro-operations than its invocation";
    }
    return "";
  }

  std::string Init() const override { return Encode({}); }

  std::optional<std::string> Step(const std::string& state, const ModelOp& op) const override {
    Registers r = Decode(state);
    const std::vector<Value>& micro = (op.known ? op.output : op.input).as_list();
    for (const Value& m : micro) {
      const std::vector<Value>& mv = m.as_list();
      const std::string key = KeyName(mv[1]);
      auto it = r.find(key);
      const std::string current = it == r.end() ? init_ : it->second;
      if (mv[0].as_string() == ":write") {
        r[key] = EncodeValue(mv[2]);
      } else if (op.known && !(nil_read_unknown_ && mv[2].is_nil()) &&
                 EncodeValue(mv[2]) != current) {
        return std::nullopt;
      }
    }
    return Encode(r);
  }

  std::string DescribeState(const std::string& state) const override {
    std::vector<std::string> parts;
    for (const auto& [k, v] : Decode(state)) parts.push_back(absl::StrCat(k, "=", DecodeValue(v).ToString()));
    return absl::StrCat("{", absl::StrJoin(parts, ", "), parts.empty() ? "all " + DecodeValue(init_).ToString() : "", "}");
  }

 private:
  std::string init_;
  bool nil_read_unknown_;
};

}  // namespace

std::unique_ptr<Model> MakeMultiRegisterModel(const ModelOptions& options) {
  return std::make_unique<MultiRegisterModel>(options);
}

}  // namespace dsim
