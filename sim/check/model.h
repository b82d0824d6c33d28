// Sequential specifications for the linearizability and sequential
// consistency checkers.
//
// A model says, for one operation and one state of the object, whether the
// operation can take effect there with the result that was observed, and
// what the state becomes. States are opaque strings (the checker interns
// them and memoises steps), so a model is a small, plain function; adding one
// is one file under models/ plus a line in model.cc.
//
// Semantics (dsim's, and Jepsen's): an operation that completed `ok` must
// take effect with exactly its observed result; `fail` operations never
// happened and are removed before a model sees them; `info` operations (the
// result is unknown) may take effect at any point after their invocation, or
// never - for them Step must always succeed.
//
//   absl::StatusOr<std::unique_ptr<Model>> m = MakeModel("cas-register", {});
//   std::optional<std::string> next = (*m)->Step((*m)->Init(), op);
#ifndef DSIM_SIM_CHECK_MODEL_H_
#define DSIM_SIM_CHECK_MODEL_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/history.h"

namespace dsim {

struct ModelOptions {
  // The initial value of every register (default nil; kv default "").
  std::optional<Value> init;
  // Knossos' convention: a read that returned nil says nothing about the
  // state (default: it means the register was nil).
  bool nil_read_unknown = false;
  // What a cas that failed says. Dropped (Knossos' convention): nothing, it
  // did not happen. Observed (Porcupine's etcd model, and what a rejected
  // compare-and-set means in etcd): the register was not the expected value
  // at some point of the operation, which changed nothing.
  bool failed_cas_observed = false;
};

// One operation as a model sees it.
struct ModelOp {
  std::string f;
  Value input;         // from the invocation
  Value output;        // from the completion (ok operations)
  bool known = true;   // false: timed out, the result is unconstrained
  bool failed = false;  // completed :fail, kept as evidence (Model::KeepsFailed)
};

// A model specialised to the operations of one sub-history, for the
// checkers' hot loop: operations are indices into that list and states are
// small integers. Model::Compile builds one; the default interns the
// model's state strings and memoises transitions, and a model may provide a
// faster one of its own.
class StateMachine {
 public:
  static constexpr int64_t kIllegal = -1;
  virtual ~StateMachine() = default;
  virtual uint32_t Init() = 0;
  // The state after operation `op` in `state`, or kIllegal.
  virtual int64_t Step(uint32_t state, uint32_t op) = 0;
  virtual std::string Describe(uint32_t state) const = 0;
  virtual size_t num_states() const = 0;
  virtual size_t memory_bytes() const = 0;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  // "" if the operation has a shape this model understands, else why not:
  // "cas needs [expected new], got 3".
  virtual std::string Validate(const ModelOp& op) const = 0;
  virtual std::string Init() const = 0;
  // The state after `op` in `state`, or nullopt when `op` cannot take
  // effect there with its observed result. REQUIRES: Validate(op) == "".
  virtual std::optional<std::string> Step(const std::string& state, const ModelOp& op) const = 0;
  // True if `op` neither constrains nor changes any state (an unknown read):
  // the checkers drop such operations.
  virtual bool IsNoop(const ModelOp& op) const { return false; }
  // True if `op` never changes the state, wherever it is legal (a read).
  virtual bool IsReadOnly(const ModelOp& op) const { return false; }
  // A failed operation did not happen and is dropped, unless the model keeps
  // it as an observation (a failed cas under failed_cas_observed); a kept
  // one arrives with failed set and must change no state.
  virtual bool KeepsFailed(const ModelOp& op) const { return false; }
  // What `op` can see and leave, for setting aside unknown operations that
  // nobody could have seen (see linearizability.h). `observes`: the state
  // `op` requires to be legal (a read's result, a cas's expected value);
  // `produces`: the state it leaves wherever it takes effect, whatever the
  // state before (a write's value, a cas's new value). `shape_known` false:
  // the operation depends on the state in another way (an append, a kept
  // failed cas), and nothing on its key is set aside.
  struct Footprint {
    bool shape_known = false;
    std::optional<std::string> observes;
    std::optional<std::string> produces;
  };
  virtual Footprint FootprintOf(const ModelOp& op) const { return {}; }
  virtual std::string DescribeState(const std::string& state) const = 0;
  // Whether sub-histories over different keys are independent objects, so
  // that the history can be checked per key (P-compositionality).
  virtual bool partition_by_key() const { return true; }
  // The state machine for these operations (which outlive it).
  virtual std::unique_ptr<StateMachine> Compile(const std::vector<const ModelOp*>& ops) const;
};

absl::StatusOr<std::unique_ptr<Model>> MakeModel(std::string_view name,
                                                 const ModelOptions& options);
std::vector<std::string> ModelNames();

// Model implementations (models/*.cc).
std::unique_ptr<Model> MakeRegisterModel(const ModelOptions& options, bool allow_cas);
std::unique_ptr<Model> MakeMultiRegisterModel(const ModelOptions& options);
std::unique_ptr<Model> MakeKvModel(const ModelOptions& options);
std::unique_ptr<Model> MakeMutexModel(const ModelOptions& options);
std::unique_ptr<Model> MakeZooKeeperModel(const ModelOptions& options);

// A value as a state string and back, for register-like models.
std::string EncodeValue(const Value& v);
Value DecodeValue(std::string_view s);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_MODEL_H_
