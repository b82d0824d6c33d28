#include "protocols/heartbeat/heartbeat.h"

#include "sim/observations.h"

namespace dsim::heartbeat {

int64_t Detector::Clock(Context& ctx) const {
  // BUG(wall_clock_timeout): the wall clock jumps when the clock is stepped.
  if (options_.bug_wall_clock_timeout) return ctx.Now();
  return ctx.Monotonic();
}

void Detector::OnStart(Context& ctx) {
  const int n = ctx.num_servers();
  last_heard_.assign(n + 1, Clock(ctx));  // everyone gets a full timeout at boot
  suspected_.assign(n + 1, false);
  // Stagger the first heartbeat so that servers do not beat in lockstep.
  ctx.SetTimer(ctx.rng().UniformInt(0, options_.interval_ns), kSendTag);
  ctx.SetTimer(options_.check_interval_ns, kCheckTag);
}

void Detector::OnMessage(Context& ctx, const Envelope& msg) {
  if (msg.type != Heartbeat::kType) return;
  DSIM_ASSERT_MSG(msg.from >= 1 && msg.from <= ctx.num_servers(), "a heartbeat from node %d of %d servers", msg.from,
                  ctx.num_servers());
  msg.As<Heartbeat>();  // validates the payload
  last_heard_[msg.from] = Clock(ctx);
  if (suspected_[msg.from]) Observe(ctx, msg.from, false);
}

void Detector::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  if (tag == kSendTag) {
    const Heartbeat hb{++seq_};
    for (NodeId peer = 1; peer <= ctx.num_servers(); ++peer) {
      if (peer != ctx.id()) ctx.Send(peer, hb);
    }
    ctx.SetTimer(options_.interval_ns, kSendTag);
    return;
  }
  const int64_t now = Clock(ctx);
  for (NodeId peer = 1; peer <= ctx.num_servers(); ++peer) {
    if (peer == ctx.id() || suspected_[peer]) continue;
    if (now - last_heard_[peer] > options_.timeout_ns) Observe(ctx, peer, true);
  }
  ctx.SetTimer(options_.check_interval_ns, kCheckTag);
}

void Detector::Observe(Context& ctx, NodeId peer, bool suspect) {
  suspected_[peer] = suspect;
  ctx.Note(suspect ? "suspect" : "trust", peer);
  ctx.Observe(Suspicion{peer, suspect});
}

}  // namespace dsim::heartbeat
