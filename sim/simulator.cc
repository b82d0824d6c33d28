#include "sim/simulator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/time.h"

namespace dsim {
namespace {

// Trace event codes, mixed into the hash. Never renumber: hashes would change.
enum TraceCode : uint64_t {
  kTraceSend = 1,
  kTraceDeliver = 2,
  kTraceDrop = 3,
  kTraceTimer = 4,
  kTraceBoot = 5,
  kTraceCrash = 6,
  kTraceRestart = 7,
  kTraceFault = 8,
  kTraceOp = 9,
  kTraceNote = 10,
};

uint64_t Word(uint64_t code, uint64_t a, uint64_t b) {
  return code | (a << 8) | (b << 36);
}

}  // namespace

NodeState::NodeState(Simulator* sim, NodeId id, uint64_t seed)
    : rng(Rng::ForStream(seed, absl::StrCat("node/", id))), ctx(sim, this, id) {}

Simulator::Simulator(const SimOptions& options, Factory factory)
    : options_(options),
      factory_(std::move(factory)),
      num_nodes_(options.num_servers + options.num_clients),
      network_(options.num_servers + options.num_clients, options.network),
      net_rng_(Rng::ForStream(options.seed, "network")) {
  DSIM_ASSERT(options.num_servers >= 1);
  nodes_.resize(num_nodes_ + 1);
  for (NodeId id = 1; id <= num_nodes_; ++id) {
    nodes_[id] = std::make_unique<NodeState>(this, id, options.seed);
    if (static_cast<size_t>(id - 1) < options.clocks.size()) {
      const ClockSpec& c = options.clocks[id - 1];
      nodes_[id]->clock.Configure(c.offset_ns, c.drift_ppb);
    }
  }
  type_names_.assign(64, nullptr);
  send_buf_.reserve(kPayloadReserve);
  current_payload_.reserve(kPayloadReserve);
}

Simulator::~Simulator() = default;

// --- slots -------------------------------------------------------------------

uint32_t Simulator::AllocSlot() {
  if (!free_slots_.empty()) {
    const uint32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  records_.emplace_back();
  payloads_.emplace_back().reserve(kPayloadReserve);
  return static_cast<uint32_t>(records_.size() - 1);
}

void Simulator::FreeSlot(uint32_t slot) {
  EventRecord& r = records_[slot];
  r.kind = kFree;
  r.cancelled = false;
  ++r.gen;
  free_slots_.push_back(slot);
}

// --- the loop ----------------------------------------------------------------

void Simulator::Start() {
  for (NodeId id = 1; id <= num_nodes_; ++id) {
    const bool down = std::find(options_.initially_down.begin(),
                                options_.initially_down.end(),
                                id) != options_.initially_down.end();
    if (!down) At(0, [this, id] { Boot(id); });
  }
}

void Simulator::At(int64_t t_ns, absl::AnyInvocable<void()> action) {
  DSIM_ASSERT_MSG(t_ns >= now_, "control action in the past: %d < %d", t_ns, now_);
  const uint32_t slot = AllocSlot();
  EventRecord& r = records_[slot];
  r.kind = kControl;
  r.tag = controls_.size();
  controls_.push_back(std::move(action));
  queue_.Push(t_ns, slot);
}

namespace {
constexpr size_t kPrefetchAbove = 8192;  // pending events; 40-byte records: 320 KB
}  // namespace

void Simulator::RunUntil(int64_t end_ns) {
  while (!queue_.empty() && queue_.top_time() <= end_ns) {
    const EventQueue::Entry e = queue_.Pop();
    now_ = e.time();
    // With many events pending, the next one's record is at a random place
    // in an array larger than the cache: start loading it now, so that the
    // miss overlaps this event's handling. (Small queues stay in cache.)
    if (queue_.size() > kPrefetchAbove) __builtin_prefetch(&records_[queue_.top_slot()]);
    Dispatch(e.slot());
  }
  if (end_ns > now_) now_ = end_ns;
}

void Simulator::Dispatch(uint32_t slot) {
  EventRecord& r = records_[slot];
  switch (r.kind) {
    case kControl: {
      absl::AnyInvocable<void()> action = std::move(controls_[r.tag]);
      FreeSlot(slot);
      action();
      return;
    }
    case kWake: {
      const NodeId id = r.node;
      FreeSlot(slot);
      Wake(id);
      return;
    }
    case kDeliver: {
      NodeState& dst = node(r.node);
      const NodeState& src = node(r.from);
      DropReason reason = DropReason::kNone;
      if (r.incarnation < src.incarnation && r.aux_ns > src.ended_ns[r.incarnation]) {
        reason = DropReason::kSenderCrashed;  // crashed before it left
      } else if (!network_.Deliverable(r.from, r.node, r.epoch)) {
        reason = network_.IsCut(r.from, r.node) ? DropReason::kPartition
                                                : DropReason::kBrokenLink;
      } else if (!dst.up) {
        reason = DropReason::kNodeDown;
      }
      if (reason != DropReason::kNone) {
        Drop(r, reason);
        FreeSlot(slot);
        return;
      }
      Arrive(dst, slot);
      return;
    }
    case kTimer: {
      NodeState& n = node(r.node);
      if (r.cancelled || !n.up || r.incarnation != n.incarnation) {
        FreeSlot(slot);
        return;
      }
      Arrive(n, slot);
      return;
    }
    case kFree:
      break;
  }
  DSIM_ASSERT_MSG(false, "event slot %d is free", slot);
}

void Simulator::Arrive(NodeState& n, uint32_t slot) {
  if (n.inbox_head == n.inbox.size() && n.busy_until_ns <= now_) {
    Handle(n, slot);
    return;
  }
  n.inbox.push_back(slot);
  if (!n.wake_pending) ScheduleWake(n, n.ctx.id());
}

void Simulator::ScheduleWake(NodeState& n, NodeId id) {
  const uint32_t w = AllocSlot();
  records_[w].kind = kWake;
  records_[w].node = id;
  n.wake_pending = true;
  queue_.Push(std::max(now_, n.busy_until_ns), w);
}

void Simulator::Wake(NodeId id) {
  NodeState& n = node(id);
  n.wake_pending = false;
  if (!n.up || n.inbox_head == n.inbox.size()) return;
  if (n.busy_until_ns > now_) {  // paused, or still busy
    ScheduleWake(n, id);
    return;
  }
  const uint32_t slot = n.inbox[n.inbox_head++];
  if (n.inbox_head == n.inbox.size()) {
    n.inbox.clear();
    n.inbox_head = 0;
  }
  const EventRecord& r = records_[slot];
  if (r.kind == kTimer && r.cancelled) {
    FreeSlot(slot);  // cancelled while waiting: costs nothing
  } else {
    Handle(n, slot);
  }
  if (n.inbox_head < n.inbox.size()) ScheduleWake(n, id);
}

void Simulator::Handle(NodeState& n, uint32_t slot) {
  const EventRecord r = records_[slot];
  n.charged_ns = 0;
  ++stats_.events;
  const NodeId id = n.ctx.id();
  if (r.kind == kDeliver) {
    std::swap(current_payload_, payloads_[slot]);
    FreeSlot(slot);
    n.lamport = std::max(n.lamport, r.tag) + 1;
    ++stats_.messages_delivered;
    trace_.Mix(Word(kTraceDeliver, id, r.from));
    trace_.Mix(static_cast<uint64_t>(now_));
    trace_.Mix(n.lamport);
    if (trace_.writing()) {
      trace_.WriteLine(absl::StrFormat(
          R"({"t":%d,"ev":"deliver","node":%d,"from":%d,"type":"%s","bytes":%d,"lc":%d,"sent":%d})",
          now_, id, r.from, type_names_[r.msg_type], current_payload_.size(), n.lamport, r.tag));
    }
    const Envelope env{r.from, r.msg_type, current_payload_, r.tag};
    n.process->OnMessage(n.ctx, env);
  } else {
    DSIM_ASSERT(r.kind == kTimer);
    const TimerId tid{slot, r.gen};
    FreeSlot(slot);
    ++stats_.timers_fired;
    trace_.Mix(Word(kTraceTimer, id, 0));
    trace_.Mix(static_cast<uint64_t>(now_));
    trace_.Mix(r.tag);
    if (trace_.writing()) {
      trace_.WriteLine(absl::StrFormat(R"({"t":%d,"ev":"timer","node":%d,"tag":%d})",
                                       now_, id, r.tag));
    }
    n.process->OnTimer(n.ctx, tid, r.tag);
  }
  TraceCpu(id, n);
  n.busy_until_ns = now_ + n.charged_ns + options_.step_ns;
  n.charged_ns = 0;
}

void Simulator::Drop(const EventRecord& r, DropReason reason) {
  ++stats_.messages_dropped;
  trace_.Mix(Word(kTraceDrop, r.node, r.from) ^ (static_cast<uint64_t>(reason) << 60));
  trace_.Mix(static_cast<uint64_t>(now_));
  if (trace_.writing()) {
    trace_.WriteLine(absl::StrFormat(
        R"({"t":%d,"ev":"drop","from":%d,"to":%d,"type":"%s","reason":"%s","sent":%d})", now_,
        r.from, r.node, type_names_[r.msg_type], DropReasonName(reason), r.tag));
  }
}

bool Simulator::WasUpAt(NodeId id, int64_t t_ns) const {
  const NodeState& n = node(id);
  for (size_t i = 0; i < n.started_ns.size(); ++i) {
    if (n.started_ns[i] <= t_ns && t_ns < n.ended_ns[i]) return true;
  }
  return false;
}

std::vector<std::pair<int64_t, int64_t>> Simulator::Lifetimes(NodeId id) const {
  const NodeState& n = node(id);
  std::vector<std::pair<int64_t, int64_t>> out;
  for (size_t i = 0; i < n.started_ns.size(); ++i) out.push_back({n.started_ns[i], n.ended_ns[i]});
  return out;
}

// --- node lifecycle ------------------------------------------------------------

void Simulator::Boot(NodeId id) {
  NodeState& n = node(id);
  DSIM_ASSERT(!n.up);
  n.up = true;
  n.busy_until_ns = now_;
  n.started_ns.push_back(now_);
  n.ended_ns.push_back(kForever);
  DSIM_ASSERT(n.ended_ns.size() == n.incarnation + 1);
  n.process = factory_(id);
  DSIM_ASSERT_MSG(n.process != nullptr, "no process for node %d", id);
  trace_.Mix(Word(kTraceBoot, id, n.incarnation));
  trace_.Mix(static_cast<uint64_t>(now_));
  TraceNodeEvent("boot", id);
  ++stats_.events;
  n.charged_ns = 0;
  n.process->OnStart(n.ctx);
  TraceCpu(id, n);
  n.busy_until_ns = now_ + n.charged_ns + options_.step_ns;
  n.charged_ns = 0;
}

void Simulator::TraceCpu(NodeId id, const NodeState& n) {
  // Only the written trace says it (a handler's CPU beyond the step is already
  // in the times of what it sent); rare: most handlers charge nothing.
  if (trace_.writing() && n.charged_ns > 0) {
    trace_.WriteLine(absl::StrFormat(R"({"t":%d,"ev":"cpu","node":%d,"ns":%d})", now_, id, n.charged_ns));
  }
}

void Simulator::TraceNodeEvent(const char* what, NodeId id) {
  if (trace_.writing()) {
    trace_.WriteLine(absl::StrFormat(R"({"t":%d,"ev":"%s","node":%d,"incarnation":%d})",
                                     now_, what, id, node(id).incarnation));
  }
}

void Simulator::Crash(NodeId id, bool lose_unsynced) {
  NodeState& n = node(id);
  if (!n.up) {  // said in the fault log; the trace does not change
    fault_log_.push_back({now_, absl::StrFormat("crash n%d skipped: it is down", id)});
    return;
  }
  n.up = false;
  n.process.reset();
  n.ended_ns[n.incarnation] = now_;
  ++n.incarnation;
  for (size_t i = n.inbox_head; i < n.inbox.size(); ++i) {
    const uint32_t slot = n.inbox[i];
    if (records_[slot].kind == kDeliver) Drop(records_[slot], DropReason::kNodeDown);
    FreeSlot(slot);
  }
  n.inbox.clear();
  n.inbox_head = 0;
  n.busy_until_ns = now_;
  n.disk.Crash(now_, lose_unsynced);
  network_.BreakConnections(id);
  ++stats_.crashes;
  trace_.Mix(Word(kTraceCrash, id, lose_unsynced));
  trace_.Mix(static_cast<uint64_t>(now_));
  TraceNodeEvent("crash", id);
  fault_log_.push_back({now_, absl::StrFormat("crash n%d%s", id,
                                              lose_unsynced ? "" : " (unsynced writes kept)")});
}

void Simulator::Restart(NodeId id) {
  NodeState& n = node(id);
  if (n.up) {  // said in the fault log; the trace does not change
    fault_log_.push_back({now_, absl::StrFormat("restart n%d skipped: it is up", id)});
    return;
  }
  ++stats_.restarts;
  trace_.Mix(Word(kTraceRestart, id, n.incarnation));
  fault_log_.push_back({now_, absl::StrFormat("restart n%d", id)});
  Boot(id);
}

void Simulator::Pause(NodeId id, int64_t duration_ns) {
  NodeState& n = node(id);
  if (!n.up) return;
  n.busy_until_ns = std::max(n.busy_until_ns, now_ + duration_ns);
  LogFault(absl::StrFormat("pause n%d for %s", id, FormatDuration(duration_ns)));
}

void Simulator::StepClock(NodeId id, int64_t delta_ns) {
  node(id).clock.Step(delta_ns);
  LogFault(absl::StrFormat("clock n%d step %s", id, FormatDuration(delta_ns)));
}

void Simulator::SetClockDrift(NodeId id, int64_t drift_ppb) {
  NodeState& n = node(id);
  n.clock.SetDrift(now_, drift_ppb);
  // Pending timers of this node were timed at the old rate: re-time them.
  queue_.Retime([&](int64_t t, uint32_t slot) {
    const EventRecord& r = records_[slot];
    if (r.kind != kTimer || r.node != id || r.cancelled) return t;
    return std::max(now_, n.clock.TrueAtMono(r.aux_ns));
  });
  LogFault(absl::StrFormat("clock n%d drift %dppm", id, drift_ppb / 1000));
}

void Simulator::LogFault(std::string what) {
  trace_.Mix(Word(kTraceFault, 0, 0));
  trace_.Mix(static_cast<uint64_t>(now_));
  trace_.MixString(what);
  if (trace_.writing()) {
    trace_.WriteLine(absl::StrFormat(R"({"t":%d,"ev":"fault","what":"%s"})", now_, what));
  }
  fault_log_.push_back({now_, std::move(what)});
}

// --- context support -------------------------------------------------------------

void Simulator::EndSend(NodeId from, NodeId to, uint16_t type, const char* name) {
  DSIM_ASSERT_MSG(to >= 1 && to <= num_nodes_, "send to unknown node %d", to);
  NodeState& n = node(from);
  if (type >= type_names_.size()) type_names_.resize(type + 1, nullptr);
  type_names_[type] = name;
  const int64_t depart = HandlerNow(n);
  ++n.lamport;
  ++stats_.messages_sent;
  trace_.Mix(Word(kTraceSend, from, to) ^ (static_cast<uint64_t>(type) << 48));
  trace_.Mix(static_cast<uint64_t>(depart));
  trace_.MixBytes(send_buf_);
  if (trace_.writing()) {
    trace_.WriteLine(absl::StrFormat(
        R"({"t":%d,"ev":"send","from":%d,"to":%d,"type":"%s","bytes":%d,"lc":%d})", depart,
        from, to, name, send_buf_.size(), n.lamport));
  }
  const Network::Route route = network_.Plan(from, to, depart, net_rng_);
  EventRecord proto;
  proto.kind = kDeliver;
  proto.msg_type = type;
  proto.node = to;
  proto.from = from;
  proto.incarnation = n.incarnation;
  proto.epoch = route.epoch;
  proto.aux_ns = depart;
  proto.tag = n.lamport;
  if (route.drop != DropReason::kNone) {
    Drop(proto, route.drop);
    return;
  }
  const int copies = route.duplicate ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    const uint32_t slot = AllocSlot();
    const uint32_t gen = records_[slot].gen;
    records_[slot] = proto;
    records_[slot].gen = gen;
    if (c + 1 < copies) {
      payloads_[slot].assign(send_buf_);
    } else {
      std::swap(payloads_[slot], send_buf_);
    }
    queue_.Push(c == 0 ? route.deliver_ns : route.duplicate_ns, slot);
  }
}

TimerId Simulator::SetTimer(NodeId id, int64_t delay_ns, uint64_t tag) {
  DSIM_ASSERT_MSG(delay_ns >= 0, "negative timer delay %d", delay_ns);
  NodeState& n = node(id);
  const int64_t start = HandlerNow(n);
  const int64_t deadline = SaturatingAdd(n.clock.Mono(start), delay_ns);
  const int64_t at = std::max(start, n.clock.TrueAtMono(deadline));
  const uint32_t slot = AllocSlot();
  EventRecord& r = records_[slot];
  r.kind = kTimer;
  r.cancelled = false;
  r.node = id;
  r.incarnation = n.incarnation;
  r.aux_ns = deadline;
  r.tag = tag;
  queue_.Push(at, slot);
  return TimerId{slot, r.gen};
}

void Simulator::CancelTimer(TimerId& id) {
  if (id.valid() && id.slot < records_.size()) {
    EventRecord& r = records_[id.slot];
    if (r.kind == kTimer && r.gen == id.gen) r.cancelled = true;
  }
  id = TimerId{};
}

void Simulator::Note(NodeId id, std::string_view kind, int64_t a, int64_t b, int64_t c) {
  trace_.Mix(Word(kTraceNote, id, 0));
  trace_.Mix(static_cast<uint64_t>(now_));
  trace_.MixString(kind);
  trace_.Mix(static_cast<uint64_t>(a));
  trace_.Mix(static_cast<uint64_t>(b));
  trace_.Mix(static_cast<uint64_t>(c));
  if (trace_.writing()) {
    trace_.WriteLine(absl::StrFormat(
        R"({"t":%d,"ev":"note","node":%d,"kind":"%s","a":%d,"b":%d,"c":%d})", now_, id,
        kind, a, b, c));
  }
}

ObservationStamp Simulator::MakeStamp(NodeId id) const {
  const NodeState& n = node(id);
  return ObservationStamp(HandlerNow(n), id, n.incarnation);
}

void Simulator::Record(NodeId id, HistoryEvent&& e) {
  e.time_ns = now_;
  trace_.Mix(Word(kTraceOp, e.process, static_cast<uint64_t>(e.type)));
  trace_.Mix(static_cast<uint64_t>(now_));
  trace_.MixString(e.f);
  if (e.key) trace_.MixString(*e.key);
  value_text_.clear();
  e.value.AppendTo(value_text_);
  trace_.MixString(value_text_);
  if (trace_.writing()) {
    trace_.WriteLine(absl::StrFormat(
        R"({"t":%d,"ev":"op","client":%d,"process":%d,"type":"%s","f":"%s","key":%s,"value":%s})", now_,
        id, e.process, OpTypeName(e.type), e.f,
        e.key ? nlohmann::json(*e.key).dump() : "null", e.value.ToJson().dump()));
  }
  history_.push_back(std::move(e));
}

}  // namespace dsim
