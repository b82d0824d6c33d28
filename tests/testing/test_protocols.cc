#include "tests/testing/test_protocols.h"

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "absl/strings/str_format.h"
#include "sim/codec.h"
#include "sim/request.h"
#include "sim/simulator.h"
#include "sim/time.h"

namespace dsim::testing {
namespace {

// --- pingpong ------------------------------------------------------------------

struct Ping {
  static constexpr uint16_t kType = 1;
  static constexpr const char* kName = "Ping";
  uint64_t seq = 0;
  std::string pad;  // payload size knob
  DSIM_FIELDS(seq, pad)
};
struct Pong {
  static constexpr uint16_t kType = 2;
  static constexpr const char* kName = "Pong";
  uint64_t seq = 0;
  DSIM_FIELDS(seq)
};

struct PingConfig : ProtocolConfig {
  int64_t interval_ns = 10 * kMillisecond;
  int payload_bytes = 0;
};

struct PongLog {
  // (pinger, seq) in arrival order, per pinger.
  std::map<NodeId, std::vector<uint64_t>> pongs;
};

class Pinger : public Process {
 public:
  Pinger(const PingConfig& c, PongLog* log) : c_(c), log_(log) {}
  void OnStart(Context& ctx) override { ctx.SetTimer(c_.interval_ns, 0); }
  void OnMessage(Context& ctx, const Envelope& m) override {
    if (m.type == Ping::kType) {
      ctx.Send(m.from, Pong{m.As<Ping>().seq});
    } else {
      log_->pongs[ctx.id()].push_back(m.As<Pong>().seq);
    }
  }
  void OnTimer(Context& ctx, TimerId, uint64_t) override {
    const NodeId next = ctx.id() % ctx.num_servers() + 1;
    ctx.Send(next, Ping{++seq_, std::string(c_.payload_bytes, 'x')});
    ctx.SetTimer(c_.interval_ns, 0);
  }

 private:
  const PingConfig& c_;
  PongLog* log_;
  uint64_t seq_ = 0;  // volatile: restarts from 0 after a crash
};

class PingRun : public ProtocolRun {
 public:
  explicit PingRun(const PingConfig& c) : c_(c) {}
  std::unique_ptr<Process> NewProcess(NodeId) override {
    return std::make_unique<Pinger>(c_, &log_);
  }
  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    int disorders = 0;
    uint64_t round_trips = 0;
    for (const auto& [node, seqs] : log_.pongs) {
      round_trips += seqs.size();
      // Sequence numbers restart with each incarnation; count descents that
      // are not a restart back to 1.
      for (size_t i = 1; i < seqs.size(); ++i) disorders += seqs[i] <= seqs[i - 1] && seqs[i] != 1;
    }
    if (checks.count("fifo_order")) {
      out.Check("fifo_order", disorders == 0, absl::StrFormat("%d pongs out of order", disorders));
    }
    if (checks.count("progress")) {
      out.Check("progress", round_trips > 0, absl::StrFormat("%d round trips", round_trips));
    }
    out.Fact("round_trips", round_trips);
    out.Fact("out_of_order", disorders);
  }

 private:
  const PingConfig& c_;
  PongLog log_;
};

class PingPongProtocol : public ProtocolOf<PingConfig> {
 public:
  PingPongProtocol() {
    options_.Duration("interval", "time between pings", Field(&PingConfig::interval_ns)).AtLeast(1);
    options_.Int("payload_bytes", "padding per ping", Field(&PingConfig::payload_bytes), 0, 1 << 20);
  }
  std::string name() const override { return "pingpong"; }
  std::string description() const override { return "test-only: ping the next server"; }
  std::vector<NamedItem> checks() const override {
    return {{"fifo_order", "pongs arrive in ping order"}, {"progress", "some round trip"}};
  }
  std::vector<NamedItem> facts() const override {
    return {{"round_trips", ""}, {"out_of_order", ""}};
  }
 protected:
  std::unique_ptr<ProtocolRun> Run(const PingConfig& c, const ScenarioInfo&, uint64_t) const override {
    return std::make_unique<PingRun>(c);
  }
};

// --- flood ---------------------------------------------------------------------

struct Flood {
  static constexpr uint16_t kType = 3;
  static constexpr const char* kName = "Flood";
  uint64_t id = 0;
  DSIM_FIELDS(id)
};

struct FloodConfig : ProtocolConfig {
  int64_t interval_ns = 50 * kMillisecond;
};

struct FloodLog {
  uint64_t floods = 0;
  std::map<uint64_t, std::map<NodeId, int>> delivered;  // id -> node -> count
};

class Flooder : public Process {
 public:
  Flooder(const FloodConfig& c, FloodLog* log) : c_(c), log_(log) {}
  void OnStart(Context& ctx) override {
    // The flood ids a node has seen survive its crashes, so it never
    // delivers one twice.
    if (const std::string* s = ctx.disk().Get("seen")) seen_ = MustDecode<decltype(seen_)>(*s, "seen");
    if (ctx.id() == 1) ctx.SetTimer(c_.interval_ns, 0);
  }
  void OnMessage(Context& ctx, const Envelope& m) override { Deliver(ctx, m.As<Flood>().id); }
  void OnTimer(Context& ctx, TimerId, uint64_t) override {
    Deliver(ctx, ++log_->floods);
    ctx.SetTimer(c_.interval_ns, 0);
  }

 private:
  void Deliver(Context& ctx, uint64_t id) {
    if (!seen_.insert(id).second) return;
    ctx.disk().Put("seen", Encode(std::vector<uint64_t>(seen_.begin(), seen_.end())));
    ++log_->delivered[id][ctx.id()];
    for (NodeId p = 1; p <= ctx.num_servers(); ++p) {
      if (p != ctx.id()) ctx.Send(p, Flood{id});
    }
  }
  const FloodConfig& c_;
  FloodLog* log_;
  std::set<uint64_t> seen_;
};

class FloodRun : public ProtocolRun {
 public:
  explicit FloodRun(const FloodConfig& c) : c_(c) {}
  std::unique_ptr<Process> NewProcess(NodeId) override {
    return std::make_unique<Flooder>(c_, &log_);
  }
  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    int missing = 0, dups = 0;
    uint64_t deliveries = 0;
    for (const auto& [id, by_node] : log_.delivered) {
      if (id + 1 < log_.floods && static_cast<int>(by_node.size()) < sim_->num_servers()) ++missing;
      for (const auto& [node, count] : by_node) {
        deliveries += count;
        dups += count > 1;
      }
    }
    if (checks.count("all_reached")) {
      out.Check("all_reached", missing == 0, absl::StrFormat("%d floods missed a server", missing));
    }
    if (checks.count("no_duplicates")) {
      out.Check("no_duplicates", dups == 0, absl::StrFormat("%d duplicate deliveries", dups));
    }
    out.Fact("floods", log_.floods);
    out.Fact("deliveries", deliveries);
  }

 private:
  const FloodConfig& c_;
  FloodLog log_;
};

class FloodProtocol : public ProtocolOf<FloodConfig> {
 public:
  FloodProtocol() {
    options_.Duration("interval", "time between floods", Field(&FloodConfig::interval_ns)).AtLeast(1);
  }
  std::string name() const override { return "flood"; }
  std::string description() const override { return "test-only: flooding broadcast"; }
  std::vector<NamedItem> checks() const override {
    return {{"all_reached", "every flood reached every server"},
            {"no_duplicates", "no server delivered a flood twice"}};
  }
  std::vector<NamedItem> facts() const override { return {{"floods", ""}, {"deliveries", ""}}; }
 protected:
  std::unique_ptr<ProtocolRun> Run(const FloodConfig& c, const ScenarioInfo&, uint64_t) const override {
    return std::make_unique<FloodRun>(c);
  }
};

// --- counter -------------------------------------------------------------------

struct Incr {
  static constexpr uint16_t kType = 4;
  static constexpr const char* kName = "Incr";
  uint64_t id = 0;
  DSIM_FIELDS(id)
};
struct IncrOk {
  static constexpr uint16_t kType = 5;
  static constexpr const char* kName = "IncrOk";
  uint64_t id = 0;
  int64_t value = 0;
  DSIM_FIELDS(id, value)
};

struct CounterConfig : ProtocolConfig {
  CounterConfig() { num_clients = 2; }
  int64_t think_ns = 5 * kMillisecond;
  int64_t timeout_ns = 50 * kMillisecond;
  bool bug_reply_before_sync = false;
};

class CounterServer : public Process {
 public:
  explicit CounterServer(const CounterConfig& c) : c_(c) {}
  void OnStart(Context& ctx) override {
    if (const std::string* s = ctx.disk().Get("value")) value_ = MustDecode<int64_t>(*s, "value");
  }
  void OnMessage(Context& ctx, const Envelope& m) override {
    const Incr req = m.As<Incr>();
    ++value_;
    ctx.disk().Put("value", Encode(value_));
    if (c_.bug_reply_before_sync) {
      // BUG(reply_before_sync): the acknowledgement leaves before the write
      // is durable; a crash during the sync loses an acknowledged increment.
      ctx.Send(m.from, IncrOk{req.id, value_});
      ctx.disk().Sync();
      return;
    }
    ctx.disk().Sync();
    ctx.Send(m.from, IncrOk{req.id, value_});
  }
  void OnTimer(Context&, TimerId, uint64_t) override {}

 private:
  const CounterConfig& c_;
  int64_t value_ = 0;
};

class CounterClient : public Process {
 public:
  explicit CounterClient(const CounterConfig& c) : c_(c) {}
  void OnStart(Context& ctx) override { ctx.SetTimer(ctx.rng().UniformInt(0, c_.think_ns), kNext); }
  void OnMessage(Context& ctx, const Envelope& m) override {
    const IncrOk r = m.As<IncrOk>();
    if (!tracker_.End(ctx, r.id)) return;  // late: stays unknown
    ctx.Record({.process = process_, .type = OpType::kOk, .f = "incr",
                .value = Value::Int(r.value), .node = m.from});
    ctx.SetTimer(ctx.rng().UniformInt(0, c_.think_ns), kNext);
  }
  void OnTimer(Context& ctx, TimerId, uint64_t tag) override {
    if (auto id = tracker_.Expired(tag)) {
      ctx.Record({.process = process_, .type = OpType::kInfo, .f = "incr"});
      ++process_generation_;
      ctx.SetTimer(ctx.rng().UniformInt(0, c_.think_ns), kNext);
      return;
    }
    process_ = ctx.id() * 1000 + process_generation_;  // a new process after info
    const uint64_t id = tracker_.Begin(ctx, c_.timeout_ns);
    ctx.Record({.process = process_, .type = OpType::kInvoke, .f = "incr"});
    const NodeId server = 1 + (ctx.id() - 1) % ctx.num_servers();
    ctx.Send(server, Incr{id});
  }

 private:
  static constexpr uint64_t kNext = 1;
  const CounterConfig& c_;
  RequestTracker tracker_;
  int32_t process_ = 0;
  int32_t process_generation_ = 0;
};

class CounterRun : public ProtocolRun {
 public:
  explicit CounterRun(const CounterConfig& c) : c_(c) {}
  std::unique_ptr<Process> NewProcess(NodeId id) override {
    if (id <= sim_->num_servers()) return std::make_unique<CounterServer>(c_);
    return std::make_unique<CounterClient>(c_);
  }
  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    // An increment that was lost lets a later one get the same value: every
    // value a server acknowledges must be new, and the highest must be on
    // its disk at the end.
    std::map<NodeId, std::set<int64_t>> acked;
    int ok = 0, unknown = 0, lost = 0;
    for (const HistoryEvent& e : sim_->history()) {
      if (e.type == OpType::kOk) {
        ++ok;
        lost += !acked[e.node].insert(e.value.as_int()).second;
      }
      unknown += e.type == OpType::kInfo;
    }
    for (const auto& [server, values] : acked) {
      int64_t durable = 0;
      if (const std::string* s = sim_->disk(server).Get("value")) durable = MustDecode<int64_t>(*s, "value");
      if (durable < *values.rbegin()) ++lost;
    }
    if (checks.count("acknowledged_durable")) {
      out.Check("acknowledged_durable", lost == 0,
                absl::StrFormat("%d acknowledged increments lost", lost));
    }
    out.Fact("ok", ok);
    out.Fact("unknown", unknown);
  }

 private:
  const CounterConfig& c_;
};

class CounterProtocol : public ProtocolOf<CounterConfig> {
 public:
  CounterProtocol() {
    workload_.Int("clients", "clients", Field(&CounterConfig::num_clients), 1, 32);
    ThinkKey(workload_, Field(&CounterConfig::think_ns)).AtLeast(1);
    TimeoutKey(workload_, Field(&CounterConfig::timeout_ns), "an unanswered increment is unknown");
    Bug("reply_before_sync", "acknowledge before the write is durable", Field(&CounterConfig::bug_reply_before_sync));
  }
  std::string name() const override { return "counter"; }
  std::string description() const override { return "test-only: a durable counter"; }
  std::vector<NamedItem> checks() const override {
    return {{"acknowledged_durable", "every acknowledged increment survives crashes"}};
  }
  std::vector<NamedItem> facts() const override { return {{"ok", ""}, {"unknown", ""}}; }
 protected:
  std::unique_ptr<ProtocolRun> Run(const CounterConfig& c, const ScenarioInfo&, uint64_t) const override {
    return std::make_unique<CounterRun>(c);
  }
};

}  // namespace

void RegisterTestProtocols(ProtocolRegistry& registry) {
  registry.Add(std::make_unique<PingPongProtocol>());
  registry.Add(std::make_unique<FloodProtocol>());
  registry.Add(std::make_unique<CounterProtocol>());
}

}  // namespace dsim::testing
