// The resource a distributed lock protects: a storage service that lock
// holders write to. With fencing it remembers the highest token it has
// accepted and refuses any lower one - a holder whose lock was taken from it
// (a pause past its session timeout) is turned away instead of writing over
// its successor (shared/docs/protocols.md 2.7).
#ifndef DSIM_PROTOCOLS_ZAB_RESOURCE_H_
#define DSIM_PROTOCOLS_ZAB_RESOURCE_H_

#include "protocols/zab/messages.h"
#include "protocols/zab/observations.h"
#include "sim/durable.h"
#include "sim/process.h"

namespace dsim::zab {

class Resource : public Process {
 public:
  explicit Resource(bool fencing) : fencing_(fencing) {}
  void OnStart(Context& ctx) override {
    highest_ = kHighest.Load(ctx).value_or(0);
  }
  void OnTimer(Context&, TimerId, uint64_t) override {}
  void OnMessage(Context& ctx, const Envelope& m) override {
    if (m.type != Use::kType) return;
    const int64_t token = m.As<Use>().token;
    const bool accepted = !fencing_ || token >= highest_;
    if (accepted && token > highest_) {
      highest_ = token;
      kHighest.Store(ctx, highest_);
      ctx.disk().Sync();
    }
    ctx.Note(accepted ? "use" : "use_refused", m.from, token);
    ctx.Observe(ResourceUsed{m.from, token, accepted});
  }

 private:
  bool fencing_;
  static constexpr DurableCell<int64_t> kHighest{"highest"};
  int64_t highest_ = 0;  // durable
};

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_RESOURCE_H_
