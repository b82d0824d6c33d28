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
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "sim/observer.h"
#include "sim/process.h"

namespace dsim {

// A value an observation points at instead of copying, for a process that
// keeps the value anyway (a command in its log) and reports it often: valid
// only while the report is filed, so a type holding one declares
// `static constexpr bool kBorrows = true;` and must be filed as it arrives
// (FileWith). Reporting it with no filer set is an assertion failure.
//
//   ctx.Observe(Applied<Borrowed<Command>>{instance, cmd});
template <typename V>
class Borrowed {
 public:
  Borrowed(const V& v) : v_(&v) {}  // NOLINT(google-explicit-constructor): reads as a copy
  const V& get() const { return *v_; }

 private:
  const V* v_;
};
template <typename V>
inline constexpr bool kIsBorrowed = false;
template <typename V>
inline constexpr bool kIsBorrowed<Borrowed<V>> = true;

// Whether observations of type T point at what their process keeps.
template <typename T>
constexpr bool Borrows() {
  if constexpr (requires { T::kBorrows; }) {
    return T::kBorrows;
  } else {
    return false;
  }
}

template <typename T>
struct Observation {
  int64_t event_ns;  // true time of the event whose handler reported it
  int64_t stamp_ns;  // true time at the report, within the handler
  NodeId node;
  uint32_t incarnation;
  T value;
  // For Observer::Survived, when a run keeps observations its own way.
  ObservationStamp stamp() const { return ObservationStamp(stamp_ns, node, incarnation); }
};

// Every observation of one type, in the order processes reported them - or,
// when the run files them itself, none: a run that keeps a type its own way
// (interned, indexed, counted) gets each observation as it is reported.
//
//   observations_.Of<Accepted>().FileWith([this](const Observation<Accepted>& o) {
//     accepted_.push_back({o.stamp(), ids_.Intern(o.value.cmd)});
//   });
template <typename T>
class ObservationLog {
 public:
  using Filer = std::function<void(const Observation<T>&)>;

  void Add(Observation<T>&& o) {
    DSIM_ASSERT(o.event_ns <= o.stamp_ns);
    if constexpr (Borrows<T>()) {
      DSIM_ASSERT_MSG(filer_ != nullptr, "node %d reported a borrowed value that no filer takes", o.node);
    }
    if (filer_) {
      filer_(o);
      return;
    }
    entries_.push_back(std::move(o));
  }
  void FileWith(Filer filer) {
    DSIM_ASSERT_MSG(entries_.empty(), "a filer set after %d observations were kept", entries_.size());
    filer_ = std::move(filer);
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
    for (const Observation<T>& o : entries_) {
      if (observer.Survived(o.stamp())) fn(o);
    }
  }

 private:
  std::vector<Observation<T>> entries_;
  Filer filer_;
};

// A run's observation logs, one per type, made on first use.
class Observations {
 public:
  template <typename T>
  ObservationLog<T>& Of() {
    const size_t i = TypeIndex<T>();
    if (i >= logs_.size()) logs_.resize(i + 1);
    if (logs_[i] == nullptr) logs_[i] = std::make_unique<Holder<T>>();
    return static_cast<Holder<T>&>(*logs_[i]).log;
  }
  // An empty log when nothing of type T was reported.
  template <typename T>
  const ObservationLog<T>& Of() const {
    const size_t i = TypeIndex<T>();
    if (i < logs_.size() && logs_[i] != nullptr) return static_cast<const Holder<T>&>(*logs_[i]).log;
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
  // A slot per type, numbered in the order this program first uses each:
  // the number only picks a slot, nothing is ever visited in that order, so
  // it cannot reach a run's behaviour.
  static size_t NextIndex() {
    static size_t next = 0;
    return next++;
  }
  template <typename T>
  static size_t TypeIndex() {
    static const size_t index = NextIndex();
    return index;
  }
  template <typename T>
  static const ObservationLog<T>& Empty() {
    static const ObservationLog<T>* empty = new ObservationLog<T>;
    return *empty;
  }

  std::vector<std::unique_ptr<Base>> logs_;  // by TypeIndex
};

template <typename T>
void Context::Observe(T value) {
  const ObservePoint at = Observing();
  DSIM_ASSERT_MSG(at.logs != nullptr, "node %d observes with no run attached", at.node);
  at.logs->Of<T>().Add(Observation<T>{at.event_ns, at.stamp_ns, at.node, at.incarnation, std::move(value)});
}

}  // namespace dsim

#endif  // DSIM_SIM_OBSERVATIONS_H_
