// zookeeper: the histories dsim's ZooKeeper clients record (`dsim run
// scenarios/zab/... --history=H.json`): write, read and sync-read per key.
//
// ZooKeeper makes writes linearizable and answers a plain read from the
// server the client is connected to, which may lag the leader; a sync
// followed by a read (sync-read) sees every write committed before the sync
// began. So this model is the register model over writes and sync reads,
// and a plain read constrains nothing (it is not checked, as the zab
// family's own `linearizable` check leaves it out; `reads_linearizable` is
// the stricter reading that takes plain reads as linearizable too, which
// `--model=register` gives after renaming sync-read to read).
#include <memory>

#include "absl/strings/str_format.h"
#include "sim/check/model.h"

namespace dsim {
namespace {

ModelOp AsRegisterOp(const ModelOp& op) {
  ModelOp r = op;
  if (r.f == "sync-read") r.f = "read";
  return r;
}

class ZooKeeperModel : public Model {
 public:
  explicit ZooKeeperModel(const ModelOptions& o) : register_(MakeRegisterModel(o, /*allow_cas=*/false)) {}

  std::string name() const override { return "zookeeper"; }
  std::string Validate(const ModelOp& op) const override {
    if (op.f == "read" || op.f == "sync-read" || op.f == "write") return "";
    return absl::StrFormat("the zookeeper model has no operation \"%s\" (it has write, sync-read, read)", op.f);
  }
  std::string Init() const override { return register_->Init(); }
  std::optional<std::string> Step(const std::string& state, const ModelOp& op) const override {
    if (op.f == "read") return state;
    return register_->Step(state, AsRegisterOp(op));
  }
  bool IsNoop(const ModelOp& op) const override {
    return op.f == "read" || register_->IsNoop(AsRegisterOp(op));
  }
  bool IsReadOnly(const ModelOp& op) const override { return op.f != "write"; }
  std::string DescribeState(const std::string& state) const override {
    return register_->DescribeState(state);
  }
  std::unique_ptr<StateMachine> Compile(const std::vector<const ModelOp*>& ops) const override {
    return std::make_unique<Machine>(*register_, ops);
  }

 private:
  // The register's machine over the operations renamed; it keeps them.
  class Machine : public StateMachine {
   public:
    Machine(const Model& reg, const std::vector<const ModelOp*>& ops) {
      renamed_.reserve(ops.size());
      std::vector<const ModelOp*> view;
      for (const ModelOp* op : ops) renamed_.push_back(AsRegisterOp(*op));
      for (const ModelOp& op : renamed_) view.push_back(&op);
      inner_ = reg.Compile(view);
    }
    uint32_t Init() override { return inner_->Init(); }
    int64_t Step(uint32_t state, uint32_t op) override { return inner_->Step(state, op); }
    std::string Describe(uint32_t state) const override { return inner_->Describe(state); }
    size_t num_states() const override { return inner_->num_states(); }
    size_t memory_bytes() const override { return inner_->memory_bytes() + renamed_.size() * sizeof(ModelOp); }

   private:
    std::vector<ModelOp> renamed_;
    std::unique_ptr<StateMachine> inner_;
  };

  std::unique_ptr<Model> register_;
};

}  // namespace

std::unique_ptr<Model> MakeZooKeeperModel(const ModelOptions& options) {
  return std::make_unique<ZooKeeperModel>(options);
}

}  // namespace dsim
