// The event loop is the hot path: once warm, delivering messages and firing
// timers allocates nothing.
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>

#include "gtest/gtest.h"
#include "sim/simulator.h"
#include "sim/time.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace dsim {
namespace {

struct Payload {
  static constexpr uint16_t kType = 1;
  static constexpr const char* kName = "Payload";
  uint64_t a = 0, b = 0, c = 0, d = 0;
  std::string bytes;
  DSIM_FIELDS(a, b, c, d, bytes)
};

// Sends a 64-byte message to a random peer on every timer and on some messages.
class Chatter : public Process {
 public:
  void OnStart(Context& ctx) override {
    for (int i = 0; i < 20; ++i) ctx.SetTimer(ctx.rng().UniformInt(0, kMillisecond), 0);
  }
  void OnMessage(Context& ctx, const Envelope& m) override {
    if (m.bytes.size() < 10) std::abort();
    if (ctx.rng().Chance(0.25)) Send(ctx);  // some messages cause another
  }
  void OnTimer(Context& ctx, TimerId, uint64_t) override {
    Send(ctx);
    // One timer replaces this one; a second is set and cancelled.
    ctx.SetTimer(ctx.rng().UniformInt(1, kMillisecond), 0);
    TimerId extra = ctx.SetTimer(ctx.rng().UniformInt(1, kMillisecond), 1);
    ctx.CancelTimer(extra);
  }

 private:
  void Send(Context& ctx) {
    msg_.a++;
    ctx.Send(static_cast<NodeId>(ctx.rng().UniformInt(1, ctx.num_servers())), msg_);
  }
  Payload msg_{0, 0, 0, 0, std::string(24, 'x')};
};

TEST(Allocation, SteadyStateEventLoopDoesNotAllocate) {
  SimOptions o;
  o.num_servers = 5;
  o.network.defaults.loss = 0.05;
  o.network.defaults.duplicate = 0.05;
  Simulator sim(o, [](NodeId) { return std::make_unique<Chatter>(); });
  sim.Start();
  sim.RunUntil(500 * kMillisecond);  // warm up: pools reach their peak sizes
  const uint64_t events_before = sim.stats().events;
  const uint64_t before = g_allocations.load();
  sim.RunUntil(1000 * kMillisecond);
  const uint64_t allocations = g_allocations.load() - before;
  const uint64_t events = sim.stats().events - events_before;
  EXPECT_GT(events, 100000u);
  // Pools may still grow now and then to a new peak; nothing per event.
  EXPECT_LT(allocations, 20u) << allocations << " allocations for " << events << " events";
}

}  // namespace
}  // namespace dsim
