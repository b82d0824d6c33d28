// What a run's observation logs read: true time while processes act, and,
// when the checks run, whether a stamped observation survived (its node was
// still up at the stamp). Processes never see either.
//
// The Simulator implements it; so does the test fake
// (tests/testing/fake_context.h), which is what lets a test drive one
// handler that reports to a log without running an engine.
//
//   class MyLog {
//    public:
//     void Attach(const Observer* o) { observer_ = o; }
//     void Decided(NodeId n, int v) { decided_.push_back({observer_->now(), n, v}); }
//   };
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
