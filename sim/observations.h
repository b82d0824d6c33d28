// The one way a process reports what the run's checks need - a vote, an
// acceptance, a decision, a suspicion - as a typed value:
//
//   struct Voted { TxId tx; bool yes; };
//   ctx.DiskSync();
//   ctx.Observe(Voted{tx, true});   // after the sync: counts only if it completed
//
// The engine stamps every observation with the node, its incarnation, the
// true time of the event being handled and the true time within the handler
// (after any disk sync the handler waited for), and files it in the run's
// Observations under its type. Processes hold no log pointer and never see
// true time; the checks read each type's entries, all of them or only those
// whose node had not crashed before the stamp (Survivors):
//
//   for (const auto& o : observations().Of<Voted>().Survivors(*observer)) ...
#ifndef DSIM_SIM_OBSERVATIONS_H_
#define DSIM_SIM_OBSERVATIONS_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "sim/observer.h"
#include "sim/process.h"

namespace dsim {

template <typename T>
struct Observation {
  int64_t event_ns;  // true time of the event whose handler reported it
  int64_t stamp_ns;  // true time at the report, within the handler
  NodeId node;
  uint32_t incarnation;
  T value;
};

// Every observation of one type, in the order processes reported them.
template <typename T>
class ObservationLog {
 public:
  void Add(const ObservationStamp& event, const ObservationStamp& stamp, T value) {
    DSIM_ASSERT(event.node_ == stamp.node_ && event.time_ns_ <= stamp.time_ns_);
    entries_.push_back({event.time_ns_, stamp.time_ns_, stamp.node_, stamp.incarnation_, std::move(value)});
    stamps_.push_back(stamp);
  }
  const std::vector<Observation<T>>& entries() const { return entries_; }
  // The entries whose node was still up at their stamp: a vote whose sync a
  // crash cut short was never cast.
  std::vector<Observation<T>> Survivors(const Observer& observer) const {
    std::vector<Observation<T>> out;
    ForEachSurvivor(observer, [&out](const Observation<T>& o) { out.push_back(o); });
    return out;
  }
  // The same, without a copy.
  template <typename F>
  void ForEachSurvivor(const Observer& observer, F fn) const {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (observer.Survived(stamps_[i])) fn(entries_[i]);
    }
  }

 private:
  std::vector<Observation<T>> entries_;
  std::vector<ObservationStamp> stamps_;
};

// A run's observation logs, one per type, made on first use.
class Observations {
 public:
  template <typename T>
  ObservationLog<T>& Of() {
    for (const Slot& s : logs_) {
      if (s.key == Key<T>()) return static_cast<Holder<T>&>(*s.log).log;
    }
    logs_.push_back({Key<T>(), std::make_unique<Holder<T>>()});
    return static_cast<Holder<T>&>(*logs_.back().log).log;
  }
  // An empty log when nothing of type T was reported.
  template <typename T>
  const ObservationLog<T>& Of() const {
    for (const Slot& s : logs_) {
      if (s.key == Key<T>()) return static_cast<const Holder<T>&>(*s.log).log;
    }
    return Empty<T>();
  }

 private:
  struct Base {
    virtual ~Base() = default;
  };
  template <typename T>
  struct Holder : Base {
    ObservationLog<T> log;
  };
  // One address per type, compared only for equality: its value cannot
  // reach a run's behaviour.
  template <typename T>
  static const void* Key() {
    static const char tag = 0;
    return &tag;
  }
  template <typename T>
  static const ObservationLog<T>& Empty() {
    static const ObservationLog<T>* empty = new ObservationLog<T>;
    return *empty;
  }

  // A run reports a handful of types: a short list beats hashing.
  struct Slot {
    const void* key;
    std::unique_ptr<Base> log;
  };
  std::vector<Slot> logs_;
};

template <typename T>
void Context::Observe(T value) {
  Observations* logs = observations();
  DSIM_ASSERT_MSG(logs != nullptr, "node %d observes with no run attached", id());
  logs->Of<T>().Add(EventStamp(), Stamp(), std::move(value));
}

}  // namespace dsim

#endif  // DSIM_SIM_OBSERVATIONS_H_
