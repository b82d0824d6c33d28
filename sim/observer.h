// What a run's checks read besides the observations themselves: true time,
// and whether a stamped observation survived (its node was still up at the
// stamp). Processes never see either.
//
// The Simulator implements it; so does the test fake
// (tests/testing/fake_context.h), which is what lets a test drive one
// handler and settle what it reported without running an engine.
//
//   obs.Of<Voted>().ForEachSurvivor(*sim_, [&](const Observation<Voted>& v) { ... });
//   if (observer.Survived(o.stamp())) ...   // for a run that files its own
#ifndef DSIM_SIM_OBSERVER_H_
#define DSIM_SIM_OBSERVER_H_

#include <cstdint>

#include "sim/process.h"

namespace dsim {

class Observer {
 public:
  // True simulated time (ns) of the event being handled.
  virtual int64_t now() const = 0;
  // Whether the stamping node had not crashed before the stamp's time.
  virtual bool Survived(const ObservationStamp& s) const = 0;

 protected:
  ~Observer() = default;
  // For implementations: what a stamp holds.
  static int64_t StampTime(const ObservationStamp& s) { return s.time_ns_; }
  static NodeId StampNode(const ObservationStamp& s) { return s.node_; }
  static uint32_t StampIncarnation(const ObservationStamp& s) { return s.incarnation_; }
};

}  // namespace dsim

#endif  // DSIM_SIM_OBSERVER_H_
