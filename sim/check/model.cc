#include "sim/check/model.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/check/search_support.h"
#include "sim/codec.h"

namespace dsim {
namespace {

// Values as bytes: a kind tag, then the payload (lists recurse).
void Put(const Value& v, Writer& w) {
  w.Put(static_cast<uint8_t>(v.kind()));
  switch (v.kind()) {
    case Value::Kind::kNil:
      return;
    case Value::Kind::kInt:
      w.Put(v.as_int());
      return;
    case Value::Kind::kString:
      w.Put(v.as_string());
      return;
    case Value::Kind::kList:
      w.PutVarint(v.as_list().size());
      for (const Value& x : v.as_list()) Put(x, w);
      return;
  }
}

Value Get(Reader& r) {
  uint8_t kind = 0;
  r.Get(kind);
  switch (static_cast<Value::Kind>(kind)) {
    case Value::Kind::kNil:
      return Value::Nil();
    case Value::Kind::kInt: {
      int64_t i = 0;
      r.Get(i);
      return Value::Int(i);
    }
    case Value::Kind::kString: {
      std::string s;
      r.Get(s);
      return Value::Str(std::move(s));
    }
    case Value::Kind::kList: {
      const uint64_t n = r.GetVarint();
      std::vector<Value> items;
      for (uint64_t i = 0; i < n && r.ok(); ++i) items.push_back(Get(r));
      return Value::List(std::move(items));
    }
  }
  return Value::Nil();
}

}  // namespace

std::string EncodeValue(const Value& v) {
  std::string out;
  Writer w(out);
  Put(v, w);
  return out;
}

Value DecodeValue(std::string_view s) {
  Reader r(s);
  return Get(r);
}

std::unique_ptr<StateMachine> Model::Compile(const std::vector<const ModelOp*>& ops) const {
  return std::make_unique<InterningMachine>(*this, ops);
}

std::vector<std::string> ModelNames() {
  return {"register", "cas-register", "multi-register", "kv", "mutex", "zookeeper"};
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(std::string_view name,
                                                 const ModelOptions& options) {
  if (name == "register") return MakeRegisterModel(options, /*allow_cas=*/false);
  if (name == "cas-register") return MakeRegisterModel(options, /*allow_cas=*/true);
  if (name == "multi-register") return MakeMultiRegisterModel(options);
  if (name == "kv") return MakeKvModel(options);
  if (name == "mutex") return MakeMutexModel(options);
  if (name == "zookeeper") return MakeZooKeeperModel(options);
  return absl::InvalidArgumentError(absl::StrFormat(
      "unknown model \"%s\" (known: %s)", name, absl::StrJoin(ModelNames(), ", ")));
}

}  // namespace dsim
