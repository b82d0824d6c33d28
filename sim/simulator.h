// The discrete-event engine: one simulated cluster on one thread.
//
// It owns the nodes (a Process plus engine-side state that survives crashes:
// disk, clock, RNG stream), the network, the event queue and the trace.
// Events are message deliveries, timers, node wake-ups and control actions
// (faults); they run in (time, sequence) order. A node is a single server:
// each event it handles costs CPU time (`step_ns`, plus what the handler
// charges), and events that arrive while it is busy wait in its inbox.
//
//   Simulator sim(options, [](NodeId id) { return std::make_unique<Pinger>(); });
//   sim.Start();
//   sim.At(2 * kSecond, [&] { sim.Crash(3, /*lose_unsynced=*/true); });
//   sim.RunUntil(10 * kSecond);
//   std::string fingerprint = HashToHex(sim.trace_hash());
#ifndef DSIM_SIM_SIMULATOR_H_
#define DSIM_SIM_SIMULATOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "sim/clock.h"
#include "sim/disk.h"
#include "sim/faults.h"
#include "sim/event_queue.h"
#include "sim/history.h"
#include "sim/network.h"
#include "sim/observer.h"
#include "sim/process.h"
#include "sim/rng.h"
#include "sim/trace.h"

namespace dsim {

struct ClockSpec {
  int64_t offset_ns = 0;
  int64_t drift_ppb = 0;  // parts per billion; 1000 ppb = 1 ppm
};

struct SimOptions {
  int num_servers = 3;
  int num_clients = 0;
  uint64_t seed = 1;
  int64_t step_ns = 10;      // CPU cost of handling one event: a local step
  NetworkOptions network;
  std::vector<ClockSpec> clocks;  // by node id - 1; missing entries are ideal
  DiskOptions disk;
  std::vector<NodeId> initially_down;  // not booted at time 0
};

struct SimStats {
  uint64_t events = 0;  // events handled by processes (messages, timers, boots)
  uint64_t messages_sent = 0;
  uint64_t messages_delivered = 0;
  uint64_t messages_dropped = 0;
  uint64_t timers_fired = 0;
  uint64_t crashes = 0;
  uint64_t restarts = 0;
};

struct FaultRecord {
  int64_t time_ns;
  std::string what;  // "crash n2", "partition [1 2] [3 4 5]", ...
};

class Simulator;
struct NodeState;

// The engine's Context: one per node, forwarding into the simulator.
class EngineContext final : public Context {
 public:
  EngineContext(Simulator* sim, NodeState* node, NodeId id);

  NodeId id() const override { return id_; }
  int num_servers() const override;
  int num_nodes() const override;
  uint32_t incarnation() const override;
  int64_t Now() const override;
  int64_t Monotonic() const override;
  TimerId SetTimer(int64_t delay_ns, uint64_t tag) override;
  void CancelTimer(TimerId& id) override;
  Rng& rng() override;
  void Charge(int64_t ns) override;
  void Note(std::string_view kind, int64_t a, int64_t b, int64_t c) override;
  ObservationStamp Stamp() const override;
  void Record(HistoryEvent e) override;

 private:
  ObservePoint Observing() override;
  void EndSend(NodeId to, uint16_t type, const char* name) override;
  const std::string* DiskGet(std::string_view key) override;
  const Disk::Map& DiskContents() override;
  void DiskScan(std::string_view prefix,
                absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) override;
  void DiskPut(std::string_view key, std::string_view value) override;
  void DiskDelete(std::string_view key) override;
  void DiskSync() override;

  Simulator* sim_;
  NodeState* node_;
  NodeId id_;
};

// Engine-side state of one node; survives the Process it hosts.
struct NodeState {
  NodeState(Simulator* sim, NodeId id, uint64_t seed);
  std::unique_ptr<Process> process;
  bool up = false;
  uint32_t incarnation = 0;
  int64_t busy_until_ns = 0;
  int64_t charged_ns = 0;  // CPU charged so far by the running handler
  bool wake_pending = false;
  std::vector<uint32_t> inbox;  // event slots waiting for the CPU
  size_t inbox_head = 0;
  LocalClock clock;
  Disk disk;
  Rng rng;
  uint64_t lamport = 0;
  std::vector<int64_t> started_ns;  // by incarnation: when it booted
  std::vector<int64_t> ended_ns;    // by incarnation: when it crashed (kForever: alive)
  EngineContext ctx;
};

class Simulator final : public Observer {
 public:
  using Factory = std::function<std::unique_ptr<Process>(NodeId)>;

  Simulator(const SimOptions& options, Factory factory);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Boots every node not initially down, at time 0, in id order.
  void Start();
  // Runs events up to and including end_ns; afterwards now() == end_ns.
  void RunUntil(int64_t end_ns);
  // Schedules an engine action (a fault, a check) at true time t >= now().
  void At(int64_t t_ns, absl::AnyInvocable<void()> action);

  // Faults. Each is recorded in the trace and the fault log.
  void Crash(NodeId node, bool lose_unsynced);
  void Restart(NodeId node);  // also boots a node that was initially down
  void Pause(NodeId node, int64_t duration_ns);
  void StepClock(NodeId node, int64_t delta_ns);
  void SetClockDrift(NodeId node, int64_t drift_ppb);
  // Network faults go through network() and are announced with LogFault.
  Network& network() { return network_; }
  void LogFault(std::string what);

  int64_t now() const override { return now_; }
  // Where processes' Context::Observe files observations (the run's).
  void AttachObservations(Observations* o) { observations_ = o; }
  int num_servers() const { return options_.num_servers; }
  int num_nodes() const { return num_nodes_; }
  bool IsServer(NodeId id) const { return id >= 1 && id <= options_.num_servers; }
  bool IsUp(NodeId id) const { return node(id).up; }
  uint32_t Incarnation(NodeId id) const { return node(id).incarnation; }
  // Ground truth for checks: whether the node was up at true time t, and its
  // lifetimes as [boot, crash) intervals (crash = kForever while alive).
  bool WasUpAt(NodeId id, int64_t t_ns) const;
  // Whether the stamping node was still up at the stamp's time (its
  // incarnation had not crashed before), and that time.
  bool Survived(const ObservationStamp& s) const override {
    return node(s.node_).ended_ns[s.incarnation_] > s.time_ns_;
  }
  static int64_t StampTime(const ObservationStamp& s) { return s.time_ns_; }
  std::vector<std::pair<int64_t, int64_t>> Lifetimes(NodeId id) const;
  Process* process(NodeId id) { return node(id).process.get(); }
  const Disk& disk(NodeId id) const { return node(id).disk; }
  int64_t LocalTime(NodeId id) const { return node(id).clock.Wall(now_); }
  const LocalClock& clock(NodeId id) const { return node(id).clock; }
  uint64_t seed() const { return options_.seed; }

  const History& history() const { return history_; }
  uint64_t trace_hash() const { return trace_.hash(); }
  const SimStats& stats() const { return stats_; }
  const std::vector<FaultRecord>& fault_log() const { return fault_log_; }
  // Every fault ApplyFault applied, as data, `at_ns` the time it was applied:
  // the nemesis's choices as a plan (dsim shrink). Kept out of the trace.
  void RecordAppliedFault(const Fault& f) {
    applied_faults_.push_back(f);
    applied_faults_.back().at_ns = now_;
  }
  const std::vector<Fault>& applied_faults() const { return applied_faults_; }
  // Writes the trace as JSON lines to `out` (nullptr: off).
  void SetTraceOutput(std::ostream* out) { trace_.SetOutput(out); }
  size_t pending_events() const { return queue_.size(); }

 private:
  friend class EngineContext;

  enum Kind : uint8_t { kFree, kDeliver, kTimer, kWake, kControl };
  struct EventRecord {
    Kind kind = kFree;
    bool cancelled = false;
    uint16_t msg_type = 0;
    NodeId node = 0;          // destination / owner
    NodeId from = 0;          // messages: sender
    uint32_t incarnation = 0; // timers: owner's; messages: sender's
    uint32_t gen = 0;         // bumped when the slot is freed
    uint32_t epoch = 0;       // messages: connection
    int64_t aux_ns = 0;       // messages: departure; timers: mono deadline
    uint64_t tag = 0;         // timers: tag; messages: lamport; control: index
  };

  NodeState& node(NodeId id) { return *nodes_[id]; }
  const NodeState& node(NodeId id) const { return *nodes_[id]; }
  uint32_t AllocSlot();
  void FreeSlot(uint32_t slot);
  void Dispatch(uint32_t slot);
  void Arrive(NodeState& n, uint32_t slot);
  void Wake(NodeId id);
  void Handle(NodeState& n, uint32_t slot);
  void Boot(NodeId id);
  void Drop(const EventRecord& r, DropReason reason);
  void ScheduleWake(NodeState& n, NodeId id);
  int64_t HandlerNow(const NodeState& n) const { return now_ + n.charged_ns; }

  // Context support. Every node's context encodes into send_buf_ (and a
  // broadcast into broadcast_buf_, kept while each copy goes through the
  // send buffer); EndSend dispatches send_buf_.
  void EndSend(NodeId from, NodeId to, uint16_t type, const char* name);
  TimerId SetTimer(NodeId id, int64_t delay_ns, uint64_t tag);
  void CancelTimer(TimerId& id);
  void Note(NodeId id, std::string_view kind, int64_t a, int64_t b, int64_t c);
  ObservationStamp MakeStamp(NodeId id) const;
  void Record(NodeId id, HistoryEvent&& e);
  void TraceCpu(NodeId id, const NodeState& n);
  void TraceNodeEvent(const char* what, NodeId id);

  SimOptions options_;
  Factory factory_;
  int num_nodes_;
  int64_t now_ = 0;
  Observations* observations_ = nullptr;
  std::vector<std::unique_ptr<NodeState>> nodes_;  // [0] unused
  Network network_;
  Rng net_rng_;
  EventQueue queue_;
  std::vector<EventRecord> records_;
  // Message bytes pass between send_buf_, a slot's payload and
  // current_payload_ by swapping. Each starts with a heap buffer (a
  // capacity past the inline one) and keeps one, so that a swap moves three
  // words instead of copying inline bytes both ways.
  static constexpr size_t kPayloadReserve = 32;
  std::vector<std::string> payloads_;  // by slot
  std::vector<uint32_t> free_slots_;
  std::vector<absl::AnyInvocable<void()>> controls_;
  std::string send_buf_;
  std::string value_text_;  // Record: the value as the trace hashes it
  std::string broadcast_buf_;
  std::string current_payload_;  // the message being handled
  std::vector<const char*> type_names_;
  Trace trace_;
  SimStats stats_;
  History history_;
  std::vector<FaultRecord> fault_log_;
  std::vector<Fault> applied_faults_;
};

}  // namespace dsim

#endif  // DSIM_SIM_SIMULATOR_H_
