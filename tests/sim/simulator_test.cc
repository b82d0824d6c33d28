#include "sim/simulator.h"

#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/time.h"

namespace dsim {
namespace {

struct Msg {
  static constexpr uint16_t kType = 1;
  static constexpr const char* kName = "Msg";
  int64_t v = 0;
  DSIM_FIELDS(v)
};

// A process whose handlers are test lambdas.
struct Script {
  std::function<void(Context&)> start = [](Context&) {};
  std::function<void(Context&, const Envelope&)> message = [](Context&, const Envelope&) {};
  std::function<void(Context&, uint64_t)> timer = [](Context&, uint64_t) {};
};

class Scripted : public Process {
 public:
  explicit Scripted(Script* s) : s_(s) {}
  void OnStart(Context& ctx) override { s_->start(ctx); }
  void OnMessage(Context& ctx, const Envelope& m) override { s_->message(ctx, m); }
  void OnTimer(Context& ctx, TimerId, uint64_t tag) override { s_->timer(ctx, tag); }

 private:
  Script* s_;
};

SimOptions Options(int n, int64_t latency_ns = kMillisecond) {
  SimOptions o;
  o.num_servers = n;
  o.network.defaults.latency = LatencyDist::Constant(latency_ns);
  return o;
}

Simulator::Factory Factory(std::vector<Script>& scripts) {
  return [&scripts](NodeId id) { return std::make_unique<Scripted>(&scripts[id]); };
}

TEST(Simulator, TimersFireInLocalTimeAndCancel) {
  std::vector<Script> s(2);
  std::vector<std::pair<int64_t, uint64_t>> fired;
  Simulator* simp = nullptr;
  s[1].start = [&](Context& ctx) {
    ctx.SetTimer(30, 3);
    ctx.SetTimer(10, 1);
    TimerId t = ctx.SetTimer(20, 2);
    ctx.CancelTimer(t);
    EXPECT_FALSE(t.valid());
    ctx.CancelTimer(t);  // a second cancel is harmless
  };
  s[1].timer = [&](Context&, uint64_t tag) { fired.push_back({simp->now(), tag}); };
  Simulator sim(Options(1), Factory(s));
  simp = &sim;
  sim.Start();
  sim.RunUntil(kSecond);
  EXPECT_EQ(fired, (std::vector<std::pair<int64_t, uint64_t>>{{10, 1}, {30, 3}}));
}

TEST(Simulator, ATimerOfForeverNeverFiresAndOverflowsNothing) {
  std::vector<Script> s(2);
  std::vector<uint64_t> fired;
  s[1].start = [&](Context& ctx) {
    ctx.SetTimer(kForever, 1);
    ctx.SetTimer(kForever - 1, 2);
    ctx.SetTimer(kMaxDuration, 3);
    ctx.SetTimer(5, 4);
  };
  s[1].timer = [&](Context&, uint64_t tag) { fired.push_back(tag); };
  Simulator sim(Options(1), Factory(s));
  sim.Start();
  sim.RunUntil(kMaxDuration + kSecond);
  EXPECT_EQ(fired, (std::vector<uint64_t>{4, 3}));
}

TEST(Simulator, BusyNodeQueuesEventsInArrivalOrder) {
  std::vector<Script> s(3);
  std::vector<std::pair<int64_t, int64_t>> handled;  // (time, value)
  Simulator* simp = nullptr;
  s[1].start = [](Context& ctx) {
    for (int i = 1; i <= 3; ++i) ctx.Send(2, Msg{i});
  };
  s[2].start = [](Context& ctx) { ctx.SetTimer(kMillisecond - 1, 0); };
  s[2].timer = [](Context& ctx, uint64_t) { ctx.Charge(5 * kMillisecond); };  // busy until ~6ms
  s[2].message = [&](Context& ctx, const Envelope& m) {
    handled.push_back({simp->now(), m.As<Msg>().v});
  };
  SimOptions o = Options(2);
  o.step_ns = 10;
  Simulator sim(o, Factory(s));
  simp = &sim;
  sim.Start();
  sim.RunUntil(kSecond);
  ASSERT_EQ(handled.size(), 3u);
  const int64_t free_at = (kMillisecond - 1) + 5 * kMillisecond + 10;
  EXPECT_EQ(handled[0], std::make_pair(free_at, int64_t{1}));
  EXPECT_EQ(handled[1], std::make_pair(free_at + 10, int64_t{2}));
  EXPECT_EQ(handled[2], std::make_pair(free_at + 20, int64_t{3}));
}

TEST(Simulator, PauseDelaysEverything) {
  std::vector<Script> s(2);
  int64_t fired_at = -1;
  Simulator* simp = nullptr;
  s[1].start = [](Context& ctx) { ctx.SetTimer(10 * kMillisecond, 0); };
  s[1].timer = [&](Context&, uint64_t) { fired_at = simp->now(); };
  Simulator sim(Options(1), Factory(s));
  simp = &sim;
  sim.At(5 * kMillisecond, [&] { sim.Pause(1, 100 * kMillisecond); });
  sim.Start();
  sim.RunUntil(kSecond);
  EXPECT_EQ(fired_at, 105 * kMillisecond);
}

TEST(Simulator, CrashLosesVolatileStateAndTimersDiskSurvives) {
  std::vector<Script> s(2);
  int starts = 0, timers = 0;
  std::string recovered;
  s[1].start = [&](Context& ctx) {
    ++starts;
    if (const std::string* v = ctx.disk().Get("k")) recovered = *v;
    if (starts == 1) {
      ctx.disk().Put("k", "durable");
      ctx.disk().Sync();
      ctx.disk().Put("volatile", "x");  // never synced
      ctx.SetTimer(50 * kMillisecond, 0);
    }
  };
  s[1].timer = [&](Context&, uint64_t) { ++timers; };
  Simulator sim(Options(1), Factory(s));
  sim.At(10 * kMillisecond, [&] { sim.Crash(1, /*lose_unsynced=*/true); });
  sim.At(20 * kMillisecond, [&] { sim.Restart(1); });
  sim.Start();
  sim.RunUntil(kSecond);
  EXPECT_EQ(starts, 2);
  EXPECT_EQ(timers, 0);  // the old incarnation's timer never fires
  EXPECT_EQ(recovered, "durable");
  EXPECT_EQ(sim.disk(1).Get("volatile"), nullptr);
  EXPECT_EQ(sim.Incarnation(1), 1u);
}

TEST(Simulator, MessageSentAfterASyncDiesWithACrashDuringTheSync) {
  // Persist-before-send: the reply leaves only when the sync completes. A
  // crash in between loses both the write and the reply.
  for (const bool crash_mid_sync : {false, true}) {
    std::vector<Script> s(3);
    int received = 0;
    s[1].start = [](Context& ctx) {
      ctx.disk().Put("promise", "5");
      ctx.disk().Sync();  // 200us by default
      ctx.Send(2, Msg{5});
    };
    s[2].message = [&](Context&, const Envelope&) { ++received; };
    Simulator sim(Options(2), Factory(s));
    if (crash_mid_sync) sim.At(100 * kMicrosecond, [&] { sim.Crash(1, true); });
    sim.Start();
    sim.RunUntil(kSecond);
    EXPECT_EQ(received, crash_mid_sync ? 0 : 1);
    EXPECT_EQ(sim.disk(1).Get("promise") == nullptr, crash_mid_sync);
  }
}

TEST(Simulator, FifoMessagesToACrashedNodeAreLostEvenAfterRestart) {
  std::vector<Script> s(3);
  int received = 0;
  s[1].start = [](Context& ctx) { ctx.Send(2, Msg{1}); };  // arrives at 1ms
  s[2].message = [&](Context&, const Envelope&) { ++received; };
  Simulator sim(Options(2), Factory(s));
  sim.At(100 * kMicrosecond, [&] { sim.Crash(2, true); });
  sim.At(200 * kMicrosecond, [&] { sim.Restart(2); });
  sim.Start();
  sim.RunUntil(kSecond);
  EXPECT_EQ(received, 0);
  EXPECT_EQ(sim.stats().messages_dropped, 1u);
}

TEST(Simulator, DriftChangeRetimesPendingTimers) {
  std::vector<Script> s(2);
  int64_t fired_at = -1;
  Simulator* simp = nullptr;
  s[1].start = [](Context& ctx) { ctx.SetTimer(100 * kMillisecond, 0); };
  s[1].timer = [&](Context&, uint64_t) { fired_at = simp->now(); };
  Simulator sim(Options(1), Factory(s));
  simp = &sim;
  // From 50 ms on, the clock runs twice as fast: the remaining 50 ms of local
  // time pass in 25 ms.
  sim.At(50 * kMillisecond, [&] { sim.SetClockDrift(1, kPartsPerBillion); });
  sim.Start();
  sim.RunUntil(kSecond);
  EXPECT_EQ(fired_at, 75 * kMillisecond);
}

TEST(Simulator, LocalClocksAndLamportTimestamps) {
  std::vector<Script> s(3);
  uint64_t seen_lamport = 0;
  int64_t local_at_receive = 0;
  s[1].start = [](Context& ctx) { ctx.Send(2, Msg{1}); };
  s[2].message = [&](Context& ctx, const Envelope& m) {
    seen_lamport = m.lamport;
    local_at_receive = ctx.Now();
  };
  SimOptions o = Options(2);
  o.clocks = {ClockSpec{}, ClockSpec{.offset_ns = kSecond}};
  Simulator sim(o, Factory(s));
  sim.Start();
  sim.RunUntil(kSecond);
  EXPECT_EQ(seen_lamport, 1u);
  EXPECT_EQ(local_at_receive, kSecond + kMillisecond);
}

TEST(Simulator, TraceHashIsTheRunsFingerprint) {
  auto run = [](uint64_t seed, std::string* trace_text) {
    std::vector<Script> s(4);
    for (NodeId id = 1; id <= 3; ++id) {
      s[id].start = [](Context& ctx) { ctx.SetTimer(ctx.rng().UniformInt(1, 1000), 0); };
      s[id].timer = [](Context& ctx, uint64_t) {
        ctx.Send(static_cast<NodeId>(ctx.rng().UniformInt(1, 3)), Msg{ctx.Now()});
        ctx.SetTimer(ctx.rng().UniformInt(1, kMillisecond), 0);
      };
    }
    SimOptions o;
    o.num_servers = 3;
    o.seed = seed;
    Simulator sim(o, Factory(s));
    std::ostringstream out;
    if (trace_text) sim.SetTraceOutput(&out);
    sim.Start();
    sim.RunUntil(100 * kMillisecond);
    if (trace_text) *trace_text = out.str();
    return sim.trace_hash();
  };
  std::string trace;
  const uint64_t a = run(1, &trace);
  EXPECT_EQ(a, run(1, nullptr));  // writing the trace does not change the run
  EXPECT_NE(a, run(2, nullptr));
  EXPECT_THAT(trace, ::testing::HasSubstr(R"("ev":"send")"));
  EXPECT_THAT(trace, ::testing::HasSubstr(R"("ev":"deliver")"));
  EXPECT_THAT(trace, ::testing::HasSubstr(R"("lc":)"));
}

TEST(Simulator, DuplicatedMessagesArriveTwice) {
  std::vector<Script> s(3);
  int received = 0;
  s[1].start = [](Context& ctx) {
    for (int i = 0; i < 100; ++i) ctx.Send(2, Msg{i});
  };
  s[2].message = [&](Context&, const Envelope&) { ++received; };
  SimOptions o = Options(2);
  o.network.defaults.duplicate = 1.0;
  Simulator sim(o, Factory(s));
  sim.Start();
  sim.RunUntil(kSecond);
  EXPECT_EQ(received, 200);
}

}  // namespace
}  // namespace dsim
