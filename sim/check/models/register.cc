// register: read and write. cas-register: read, write, and cas [expected new].
//
// State: the value. A read must return it (a nil read under
// nil_read_unknown says nothing); a write sets it; a cas that completed ok
// found `expected` and set `new`. An unknown cas took effect if the value
// matched (it may also never have happened: the checker can always place it
// last, where it changes nothing anyone saw). A failed cas, when kept
// (failed_cas_observed), found a value other than `expected` and changed
// nothing.
#include <map>

#include "absl/strings/str_format.h"
#include "sim/check/model.h"

namespace dsim {
namespace {

class RegisterModel : public Model {
 public:
  RegisterModel(const ModelOptions& o, bool allow_cas)
      : init_(EncodeValue(o.init.value_or(Value::Nil()))),
        nil_read_unknown_(o.nil_read_unknown),
        failed_cas_observed_(o.failed_cas_observed),
        allow_cas_(allow_cas) {}

  std::string name() const override { return allow_cas_ ? "cas-register" : "register"; }

  std::string Validate(const ModelOp& op) const override {
    if (op.f == "read" || op.f == "write") return "";
    if (op.f == "cas" && allow_cas_) {
      if (!op.input.is_list() || op.input.as_list().size() != 2) {
        return absl::StrFormat("cas needs [expected new], got %s", op.input.ToString());
      }
      return "";
    }
    return absl::StrFormat("the %s model has no operation \"%s\" (it has read, write%s)", name(),
                           op.f, allow_cas_ ? ", cas" : "");
  }

  std::string Init() const override { return init_; }

  bool IsReadOnly(const ModelOp& op) const override { return op.f == "read" || op.failed; }
  bool KeepsFailed(const ModelOp& op) const override { return allow_cas_ && failed_cas_observed_ && op.f == "cas"; }
  bool IsNoop(const ModelOp& op) const override {
    return op.f == "read" && (!op.known || (nil_read_unknown_ && op.output.is_nil()));
  }

  Footprint FootprintOf(const ModelOp& op) const override {
    if (op.failed) return {};  // a kept failed cas: "not expected" is no single state
    if (op.f == "read") return {.shape_known = true, .observes = EncodeValue(op.output)};
    if (op.f == "write") return {.shape_known = true, .produces = EncodeValue(op.input)};
    const std::vector<Value>& args = op.input.as_list();
    return {.shape_known = true, .observes = EncodeValue(args[0]), .produces = EncodeValue(args[1])};
  }

  std::optional<std::string> Step(const std::string& state, const ModelOp& op) const override {
    if (op.f == "read") {
      if (!op.known || (nil_read_unknown_ && op.output.is_nil())) return state;
      if (EncodeValue(op.output) != state) return std::nullopt;
      return state;
    }
    if (op.f == "write") return EncodeValue(op.input);
    // cas
    const std::vector<Value>& args = op.input.as_list();
    if (op.failed) {
      if (EncodeValue(args[0]) == state) return std::nullopt;
      return state;
    }
    if (EncodeValue(args[0]) == state) return EncodeValue(args[1]);
    if (!op.known) return state;  // did not take effect
    return std::nullopt;
  }

  std::string DescribeState(const std::string& state) const override {
    return DecodeValue(state).ToString();
  }

  std::unique_ptr<StateMachine> Compile(const std::vector<const ModelOp*>& ops) const override;

 private:
  std::string init_;
  bool nil_read_unknown_;
  bool failed_cas_observed_;
  bool allow_cas_;
};

// States are the ids of the values the history mentions, fixed up front:
// a step is a couple of integer comparisons.
class RegisterMachine : public StateMachine {
 public:
  RegisterMachine(const std::string& init, bool nil_read_unknown,
                  const std::vector<const ModelOp*>& ops) {
    init_ = Id(init);
    for (const ModelOp* op : ops) {
      Compiled c;
      if (op->f == "read") {
        c.kind = kRead;
        c.free = !op->known || (nil_read_unknown && op->output.is_nil());
        if (!c.free) c.a = Id(EncodeValue(op->output));
      } else if (op->f == "write") {
        c.kind = kWrite;
        c.a = Id(EncodeValue(op->input));
      } else {
        c.kind = op->failed ? kFailedCas : kCas;
        c.a = Id(EncodeValue(op->input.as_list()[0]));
        c.b = Id(EncodeValue(op->input.as_list()[1]));
        c.free = !op->known;
      }
      ops_.push_back(c);
    }
  }
  uint32_t Init() override { return init_; }
  int64_t Step(uint32_t state, uint32_t op) override {
    const Compiled& c = ops_[op];
    switch (c.kind) {
      case kRead:
        return c.free || state == c.a ? state : kIllegal;
      case kWrite:
        return c.a;
      case kCas:
        if (state == c.a) return c.b;
        return c.free ? state : kIllegal;
      case kFailedCas:
        return state == c.a ? kIllegal : state;
    }
    return kIllegal;
  }
  std::string Describe(uint32_t state) const override { return DecodeValue(values_[state]).ToString(); }
  size_t num_states() const override { return values_.size(); }
  size_t memory_bytes() const override { return values_.size() * 64 + ops_.size() * 16; }

 private:
  enum Kind : uint8_t { kRead, kWrite, kCas, kFailedCas };
  struct Compiled {
    Kind kind = kRead;
    bool free = false;  // a read or cas whose result is unconstrained
    uint32_t a = 0, b = 0;
  };
  uint32_t Id(const std::string& v) {
    auto [it, inserted] = ids_.try_emplace(v, static_cast<uint32_t>(values_.size()));
    if (inserted) values_.push_back(v);
    return it->second;
  }
  std::vector<Compiled> ops_;
  std::vector<std::string> values_;
  std::map<std::string, uint32_t> ids_;
  uint32_t init_ = 0;
};

std::unique_ptr<StateMachine> RegisterModel::Compile(const std::vector<const ModelOp*>& ops) const {
  return std::make_unique<RegisterMachine>(init_, nil_read_unknown_, ops);
}

}  // namespace

std::unique_ptr<Model> MakeRegisterModel(const ModelOptions& options, bool allow_cas) {
  return std::make_unique<RegisterModel>(options, allow_cas);
}

}  // namespace dsim
