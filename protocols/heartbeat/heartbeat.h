// A heartbeat failure detector: dsim's smallest real protocol.
//
// Every server sends a Heartbeat to every other server each `interval` of its
// own clock, and every `check_interval` suspects each peer it has not heard
// from within `timeout`, measured on its own monotonic clock. A heartbeat from
// a suspected peer restores trust.
//
// The detector cannot be both complete and accurate in an asynchronous
// system: a timeout cannot tell a dead peer from a slow or unreachable one (the
// three-state problem). A partition, or a peer whose clock runs slow so that
// its heartbeats come late, makes a live node look dead - a false suspicion.
//
// Planted bug `wall_clock_timeout`: silence is measured on the wall clock,
// which clock steps move, so a forward step makes every peer look silent.
#ifndef DSIM_PROTOCOLS_HEARTBEAT_HEARTBEAT_H_
#define DSIM_PROTOCOLS_HEARTBEAT_HEARTBEAT_H_

#include <cstdint>
#include <vector>

#include "sim/codec.h"
#include "sim/observer.h"
#include "sim/process.h"
#include "sim/time.h"

namespace dsim::heartbeat {

struct Options {
  int64_t interval_ns = 100 * kMillisecond;
  int64_t timeout_ns = 500 * kMillisecond;
  int64_t check_interval_ns = 50 * kMillisecond;
  bool bug_wall_clock_timeout = false;
};

struct Heartbeat {
  static constexpr uint16_t kType = 1;
  static constexpr const char* kName = "Heartbeat";
  uint64_t seq = 0;
  DSIM_FIELDS(seq)
};

// What a detector decided about a peer: reported with Context::Observe, so
// the engine stamps it with the observer and true time for the checks.
struct Suspicion {
  NodeId peer;
  bool suspect;  // false: trust restored
};

class Detector : public Process {
 public:
  explicit Detector(const Options& options) : options_(options) {}

  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& msg) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  enum Tag : uint64_t { kSendTag = 1, kCheckTag = 2 };
  int64_t Clock(Context& ctx) const;
  void Observe(Context& ctx, NodeId peer, bool suspect);

  Options options_;
  uint64_t seq_ = 0;
  std::vector<int64_t> last_heard_;  // by peer id, on Clock()
  std::vector<bool> suspected_;
};

}  // namespace dsim::heartbeat

#endif  // DSIM_PROTOCOLS_HEARTBEAT_HEARTBEAT_H_
