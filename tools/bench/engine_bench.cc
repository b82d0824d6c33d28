// Engine benchmarks: the event queue, message delivery, and a 5-node
// all-to-all workload.
//
//   build/bin/engine_bench --benchmark_min_time=2
//
// Targets (single core): timer events >= 15 M/s at 1k pending, 7 M/s at 64k,
// 2.5 M/s at 1M; message deliveries (latency sample, 64-byte payload, FIFO
// link, dispatch to the node) >= 8 M/s with 1k messages in flight.
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "sim/event_queue.h"
#include "sim/rng.h"
#include "sim/simulator.h"
#include "sim/time.h"

namespace dsim {
namespace {

// The bare queue: pop the earliest entry, push one at a random later time.
void BM_EventQueueHoldModel(benchmark::State& state) {
  const int64_t pending = state.range(0);
  EventQueue q;
  q.Reserve(pending + 1);
  Rng rng(1);
  for (int64_t i = 0; i < pending; ++i) q.Push(rng.UniformInt(0, pending * 100), static_cast<uint32_t>(i));
  for (auto _ : state) {
    const EventQueue::Entry e = q.Pop();
    q.Push(e.time() + rng.UniformInt(1, pending * 100), e.slot());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EventQueueHoldModel)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20);

// Timers through the engine: each firing re-arms itself at a random delay,
// so `pending` timers stay queued. One iteration = one timer event handled.
class TimerLoad : public Process {
 public:
  explicit TimerLoad(int timers) : timers_(timers) {}
  void OnStart(Context& ctx) override {
    for (int i = 0; i < timers_; ++i) ctx.SetTimer(ctx.rng().UniformInt(1, kSecond), 0);
  }
  void OnMessage(Context&, const Envelope&) override {}
  void OnTimer(Context& ctx, TimerId, uint64_t) override {
    ctx.SetTimer(ctx.rng().UniformInt(1, kSecond), 0);
  }

 private:
  int timers_;
};

void BM_TimerEvents(benchmark::State& state) {
  const int pending = static_cast<int>(state.range(0));
  SimOptions o;
  o.num_servers = 1;
  o.step_ns = 0;  // the node is never busy: measure the queue and dispatch
  Simulator sim(o, [pending](NodeId) { return std::make_unique<TimerLoad>(pending); });
  sim.Start();
  sim.RunUntil(0);
  int64_t t = 0;
  uint64_t events = 0;
  for (auto _ : state) {
    t += 10 * kMillisecond;  // about pending / 100 events per slice
    const uint64_t before = sim.stats().timers_fired;
    sim.RunUntil(t);
    events += sim.stats().timers_fired - before;
  }
  state.SetItemsProcessed(events);
  state.counters["pending"] = static_cast<double>(sim.pending_events());
}
BENCHMARK(BM_TimerEvents)->Arg(1 << 10)->Arg(1 << 16)->Arg(1 << 20)->Unit(benchmark::kMicrosecond);

struct Blob {
  static constexpr uint16_t kType = 1;
  static constexpr const char* kName = "Blob";
  std::string bytes;  // 64 bytes of payload
  DSIM_FIELDS(bytes)
};

// Messages bounce between two nodes over a FIFO link with a uniform latency:
// every delivery dispatches to the node, which sends the message back.
class Bouncer : public Process {
 public:
  explicit Bouncer(int in_flight) : in_flight_(in_flight) {}
  void OnStart(Context& ctx) override {
    if (ctx.id() != 1) return;
    for (int i = 0; i < in_flight_; ++i) ctx.Send(2, blob_);
  }
  void OnMessage(Context& ctx, const Envelope& m) override {
    ctx.SendBytes(m.from, Blob::kType, Blob::kName, m.bytes);
  }
  void OnTimer(Context&, TimerId, uint64_t) override {}

 private:
  int in_flight_;
  Blob blob_{std::string(63, 'x')};  // 64 bytes encoded
};

void BM_MessageDeliveries(benchmark::State& state) {
  const int in_flight = static_cast<int>(state.range(0));
  SimOptions o;
  o.num_servers = 2;
  o.step_ns = 0;
  o.network.defaults.latency = LatencyDist::Uniform(100 * kMicrosecond, kMillisecond);
  o.network.defaults.fifo = true;
  Simulator sim(o, [in_flight](NodeId) { return std::make_unique<Bouncer>(in_flight); });
  sim.Start();
  sim.RunUntil(0);
  int64_t t = 0;
  uint64_t delivered = 0;
  for (auto _ : state) {
    t += kMillisecond;
    const uint64_t before = sim.stats().messages_delivered;
    sim.RunUntil(t);
    delivered += sim.stats().messages_delivered - before;
  }
  state.SetItemsProcessed(delivered);
}
BENCHMARK(BM_MessageDeliveries)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Five nodes, each sending a 64-byte message to every other node every
// millisecond of its own clock, with the default CPU cost (10 ns per event)
// and the default network. Reports simulated seconds per wall second.
class AllToAll : public Process {
 public:
  void OnStart(Context& ctx) override { ctx.SetTimer(ctx.rng().UniformInt(0, kMillisecond), 0); }
  void OnMessage(Context&, const Envelope& m) override { benchmark::DoNotOptimize(m.bytes.data()); }
  void OnTimer(Context& ctx, TimerId, uint64_t) override {
    for (NodeId p = 1; p <= ctx.num_servers(); ++p) {
      if (p != ctx.id()) ctx.Send(p, blob_);
    }
    ctx.SetTimer(kMillisecond, 0);
  }

 private:
  Blob blob_{std::string(63, 'x')};
};

void BM_FiveNodeAllToAll(benchmark::State& state) {
  SimOptions o;
  o.num_servers = 5;
  Simulator sim(o, [](NodeId) { return std::make_unique<AllToAll>(); });
  sim.Start();
  int64_t t = 0;
  for (auto _ : state) {
    t += 100 * kMillisecond;
    sim.RunUntil(t);
  }
  state.counters["sim_s_per_wall_s"] =
      benchmark::Counter(static_cast<double>(t) / kSecond, benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(sim.stats().events);
  state.SetItemsProcessed(sim.stats().events);
}
BENCHMARK(BM_FiveNodeAllToAll)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dsim

BENCHMARK_MAIN();
