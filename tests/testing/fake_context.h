// A Context for driving one process by hand, without an engine: a test
// starts the process, delivers messages and fires timers itself, then looks
// at what the handler did - messages sent, timers set, disk writes and syncs,
// notes, history events - in the order it did them.
//
//   FakeContext ctx(/*id=*/2, /*num_servers=*/3);
//   Acceptor a(...);
//   ctx.Start(a);
//   ctx.Deliver(a, 1, Prepare{.ballot = 7});
//   EXPECT_TRUE(ctx.SyncedBefore(ctx.sent().back()));
//   Promise p = ctx.sent().back().As<Promise>();
//
// Time: the fake keeps one true time; the node's monotonic clock equals it
// and its wall clock is true time plus an offset that StepClock moves. CPU
// that a handler charges advances time within the handler, as the engine
// does, and the next event starts no earlier than the handler's end.
//
// It is also the Observer for the run's logs a process reports to (true
// time, and survival of stamps across Crash()).
#ifndef DSIM_TESTS_TESTING_FAKE_CONTEXT_H_
#define DSIM_TESTS_TESTING_FAKE_CONTEXT_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/assert.h"
#include "sim/codec.h"
#include "sim/disk.h"
#include "sim/history.h"
#include "sim/observations.h"
#include "sim/observer.h"
#include "sim/process.h"
#include "sim/rng.h"

namespace dsim::testing {

class FakeContext final : public Context, public Observer {
 public:
  // What a handler did, in order.
  enum class Action { kSend, kSetTimer, kCancelTimer, kPut, kDelete, kSync, kNote, kRecord };

  struct Sent {
    NodeId to;
    uint16_t type;
    std::string name;
    std::string bytes;
    size_t action;  // index in actions()
    template <class M>
    M As() const {
      DSIM_ASSERT_MSG(type == M::kType, "sent %s, not %s", name.c_str(), M::kName);
      M m;
      DSIM_ASSERT_MSG(DecodeFrom(bytes, m), "malformed %s", M::kName);
      return m;
    }
  };
  struct Timer {
    TimerId id;
    int64_t deadline_ns;  // monotonic
    uint64_t tag;
    bool pending = true;
  };
  struct Noted {
    std::string kind;
    int64_t a, b, c;
  };

  FakeContext(NodeId id, int num_servers, int num_nodes = 0, uint64_t seed = 1)
      : Context(&send_buf_, &broadcast_buf_),
        id_(id),
        num_servers_(num_servers),
        num_nodes_(num_nodes > 0 ? num_nodes : num_servers),
        rng_(Rng::ForStream(seed, "fake")) {}

  // --- driving the process ---
  void Start(Process& p) {
    BeginEvent();
    p.OnStart(*this);
    EndEvent();
  }
  template <class M>
  void Deliver(Process& p, NodeId from, const M& msg) {
    std::string bytes;
    EncodeTo(msg, bytes);
    DeliverBytes(p, from, M::kType, bytes);
  }
  void DeliverBytes(Process& p, NodeId from, uint16_t type, std::string_view bytes) {
    BeginEvent();
    Envelope env{.from = from, .type = type, .bytes = bytes, .lamport = 0};
    p.OnMessage(*this, env);
    EndEvent();
  }
  // Fires the earliest pending timer with `tag`, first moving time to its
  // deadline. False if there is none.
  bool FireTag(Process& p, uint64_t tag) {
    Timer* next = nullptr;
    for (Timer& t : timers_) {
      if (t.pending && t.tag == tag && (next == nullptr || t.deadline_ns < next->deadline_ns)) next = &t;
    }
    if (next == nullptr) return false;
    Fire(p, next->id.slot);
    return true;
  }
  // Fires the earliest pending timer (ties: the first set). False if none.
  bool FireNext(Process& p) {
    std::optional<uint32_t> next;
    for (const Timer& t : timers_) {
      if (t.pending && (!next || t.deadline_ns < timers_[*next].deadline_ns)) next = t.id.slot;
    }
    if (!next) return false;
    Fire(p, *next);
    return true;
  }
  // Fires every timer due by `t_ns`, in deadline order, then moves time there.
  void RunUntil(Process& p, int64_t t_ns) {
    for (;;) {
      std::optional<uint32_t> next;
      for (const Timer& t : timers_) {
        if (t.pending && t.deadline_ns <= t_ns && (!next || t.deadline_ns < timers_[*next].deadline_ns)) {
          next = t.id.slot;
        }
      }
      if (!next) break;
      Fire(p, *next);
    }
    AdvanceTo(t_ns);
  }
  void AdvanceTo(int64_t t_ns) { now_ns_ = std::max(now_ns_, t_ns); }
  void Advance(int64_t ns) { now_ns_ += ns; }
  // Steps the wall clock (the monotonic clock does not move).
  void StepClock(int64_t delta_ns) { wall_offset_ns_ += delta_ns; }
  // The node crashes now: unsynced writes are lost, timers die, stamps
  // taken after this point of the old incarnation never survive. Build a
  // new process and Start it to restart.
  void Crash(bool lose_unsynced = true) { CrashAt(now_ns_, lose_unsynced); }
  // A crash at the instant the last event began, while its handler was
  // still running: the syncs it waited for never completed, and what it
  // reported after them does not survive.
  void CrashDuringLastEvent() { CrashAt(event_began_ns_, true); }

  // --- what it did ---
  const std::vector<Action>& actions() const { return actions_; }
  const std::vector<Sent>& sent() const { return sent_; }
  template <class M>
  std::vector<std::pair<NodeId, M>> SentOf() const {
    std::vector<std::pair<NodeId, M>> out;
    for (const Sent& s : sent_) {
      if (s.type == M::kType) out.push_back({s.to, s.As<M>()});
    }
    return out;
  }
  // Whether a disk sync happened before `s` within the same handler (a
  // message sent after a sync leaves only when the sync completes).
  bool SyncedBefore(const Sent& s) const {
    for (size_t i = s.action; i-- > event_start_of(s.action);) {
      if (actions_[i] == Action::kSync) return true;
    }
    return false;
  }
  // Whether every write this handler made before `s` was synced before it.
  bool PersistedBefore(const Sent& s) const {
    bool unsynced = false;
    for (size_t i = event_start_of(s.action); i < s.action; ++i) {
      if (actions_[i] == Action::kPut || actions_[i] == Action::kDelete) unsynced = true;
      if (actions_[i] == Action::kSync) unsynced = false;
    }
    return !unsynced;
  }
  std::vector<Timer> pending_timers() const {
    std::vector<Timer> out;
    for (const Timer& t : timers_) {
      if (t.pending) out.push_back(t);
    }
    return out;
  }
  bool HasTimer(uint64_t tag) const {
    return std::any_of(timers_.begin(), timers_.end(), [&](const Timer& t) { return t.pending && t.tag == tag; });
  }
  const std::vector<Noted>& notes() const { return notes_; }
  const History& history() const { return history_; }
  Disk& disk_image() { return disk_; }
  int64_t charged_ns() const { return total_charged_ns_; }
  // Forgets what was done so far (not the disk, timers or time).
  void ClearActions() {
    actions_.clear();
    sent_.clear();
    notes_.clear();
    event_starts_.clear();
  }

  // --- Context ---
  NodeId id() const override { return id_; }
  int num_servers() const override { return num_servers_; }
  int num_nodes() const override { return num_nodes_; }
  uint32_t incarnation() const override { return incarnation_; }
  int64_t Now() const override { return handler_now() + wall_offset_ns_; }
  int64_t Monotonic() const override { return handler_now(); }
  TimerId SetTimer(int64_t delay_ns, uint64_t tag) override {
    DSIM_ASSERT(delay_ns >= 0);
    const TimerId id{static_cast<uint32_t>(timers_.size()), incarnation_};
    timers_.push_back({id, handler_now() + delay_ns, tag});
    actions_.push_back(Action::kSetTimer);
    return id;
  }
  void CancelTimer(TimerId& id) override {
    if (id.valid() && id.slot < timers_.size()) timers_[id.slot].pending = false;
    id = TimerId{};
    actions_.push_back(Action::kCancelTimer);
  }
  Rng& rng() override { return rng_; }
  void Charge(int64_t ns) override {
    DSIM_ASSERT(ns >= 0);
    charged_ns_ += ns;
    total_charged_ns_ += ns;
  }
  void Note(std::string_view kind, int64_t a, int64_t b, int64_t c) override {
    notes_.push_back({std::string(kind), a, b, c});
    actions_.push_back(Action::kNote);
  }
  ObservationStamp Stamp() const override { return MakeStamp(handler_now(), id_, incarnation_); }
  // What the process reported with Observe (public here, for the test).
  Observations* observations() { return &observations_; }
  void Record(HistoryEvent e) override {
    e.time_ns = now_ns_;
    history_.push_back(std::move(e));
    actions_.push_back(Action::kRecord);
  }

  // --- Observer ---
  int64_t now() const override { return now_ns_; }
  bool Survived(const ObservationStamp& s) const override {
    const uint32_t inc = StampIncarnation(s);
    return inc >= crashed_at_.size() || crashed_at_[inc] > StampTime(s);
  }

 private:
  static constexpr int64_t kNever = INT64_MAX;
  void Fire(Process& p, uint32_t slot) {
    Timer& t = timers_[slot];
    t.pending = false;
    AdvanceTo(t.deadline_ns);
    const TimerId id = t.id;
    const uint64_t tag = t.tag;
    BeginEvent();
    p.OnTimer(*this, id, tag);
    EndEvent();
  }
  int64_t handler_now() const { return now_ns_ + charged_ns_; }
  void CrashAt(int64_t at_ns, bool lose_unsynced) {
    disk_.Crash(at_ns, lose_unsynced);
    crashed_at_.resize(incarnation_ + 1, kNever);
    crashed_at_[incarnation_] = at_ns;
    ++incarnation_;
    for (Timer& t : timers_) t.pending = false;
  }
  ObservePoint Observing() override { return {&observations_, now_ns_, handler_now(), id_, incarnation_}; }
  void BeginEvent() {
    charged_ns_ = 0;
    event_began_ns_ = now_ns_;
    event_starts_.push_back(actions_.size());
  }
  void EndEvent() {
    now_ns_ += charged_ns_;
    charged_ns_ = 0;
  }
  size_t event_start_of(size_t action) const {
    size_t start = 0;
    for (size_t s : event_starts_) {
      if (s <= action) start = s;
    }
    return start;
  }

  void EndSend(NodeId to, uint16_t type, const char* name) override {
    DSIM_ASSERT_MSG(to >= 1 && to <= num_nodes_, "send to node %d of %d", to, num_nodes_);
    sent_.push_back({to, type, name, send_buf_, actions_.size()});
    actions_.push_back(Action::kSend);
  }
  const std::string* DiskGet(std::string_view key) override { return disk_.Get(key); }
  const Disk::Map& DiskContents() override { return disk_.contents(); }
  void DiskScan(std::string_view prefix,
                absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) override {
    disk_.ScanPrefix(prefix, fn);
  }
  void DiskPut(std::string_view key, std::string_view value) override {
    disk_.Put(key, value);
    Charge(disk_options_.write_ns);
    actions_.push_back(Action::kPut);
  }
  void DiskDelete(std::string_view key) override {
    disk_.Delete(key);
    Charge(disk_options_.write_ns);
    actions_.push_back(Action::kDelete);
  }
  void DiskSync() override {
    Charge(disk_options_.sync_ns);
    disk_.Sync(now_ns_, handler_now());
    actions_.push_back(Action::kSync);
  }

  NodeId id_;
  int num_servers_;
  int num_nodes_;
  Rng rng_;
  int64_t now_ns_ = 0;
  int64_t event_began_ns_ = 0;
  int64_t charged_ns_ = 0;
  int64_t total_charged_ns_ = 0;
  int64_t wall_offset_ns_ = 0;
  uint32_t incarnation_ = 0;
  std::vector<int64_t> crashed_at_;  // by incarnation
  Observations observations_;
  Disk disk_;
  DiskOptions disk_options_;
  std::vector<Timer> timers_;
  std::vector<Action> actions_;
  std::vector<size_t> event_starts_;
  std::vector<Sent> sent_;
  std::vector<Noted> notes_;
  History history_;
  std::string send_buf_;
  std::string broadcast_buf_;
};

}  // namespace dsim::testing

#endif  // DSIM_TESTS_TESTING_FAKE_CONTEXT_H_
