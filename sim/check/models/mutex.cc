// mutex: one lock, free at the start; acquire needs it free, release needs
// it held.
#include "absl/strings/str_format.h"
#include "sim/check/model.h"

namespace dsim {
namespace {

class MutexModel : public Model {
 public:
  std::string name() const override { return "mutex"; }
  std::string Validate(const ModelOp& op) const override {
    if (op.f == "acquire" || op.f == "release") return "";
    return absl::StrFormat("the mutex model has no operation \"%s\" (it has acquire, release)", op.f);
  }
  std::string Init() const override { return "free"; }
  std::optional<std::string> Step(const std::string& state, const ModelOp& op) const override {
    const bool acquire = op.f == "acquire";
    if (state == (acquire ? "free" : "held")) return acquire ? "held" : "free";
    if (!op.known) return state;  // it did not take effect
    return std::nullopt;
  }
  std::string DescribeState(const std::string& state) const override { return state; }
  bool partition_by_key() const override { return true; }
};

}  // namespace

std::unique_ptr<Model> MakeMutexModel(const ModelOptions&) { return std::make_unique<MutexModel>(); }

}  // namespace dsim
