// Faults as data: scheduled fault plans and the random nemesis.
//
// A Fault is one named action at a true time; a plan is a list of them,
// parsed from a scenario's "faults". The Nemesis draws faults from its own
// RNG stream at random intervals within [start, stop), undoes each after a
// random duration, and heals everything at `stop` so that every run ends with
// a healed phase in which the system must make progress again. Every fault it
// applies lands in the simulator's fault log, so a failing run can be turned
// into an explicit plan.
//
//   Fault f{.at_ns = kSecond, .kind = Fault::Kind::kCrash, .node = 2};
//   ScheduleFaults(sim, {f});
//   Nemesis nemesis(options, sim);  // schedules itself
#ifndef DSIM_SIM_FAULTS_H_
#define DSIM_SIM_FAULTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/latency.h"
#include "sim/network.h"
#include "sim/rng.h"

namespace dsim {

class Simulator;

struct Fault {
  enum class Kind : uint8_t {
    kCrash,       // node; lose_unsynced
    kRestart,     // node (also boots an initially-down node)
    kPartition,   // groups
    kHeal,        // every link back to the configured network
    kIsolate,     // node
    kCut,         // from -> to, one way
    kBridge,      // groups[0], groups[1], node = the bridge
    kClockStep,   // node, amount_ns
    kClockDrift,  // node, drift_ppb
    kPause,       // node, amount_ns
    kLink,        // from, to, link change
  };
  int64_t at_ns = 0;
  Kind kind = Kind::kHeal;
  NodeId node = 0;
  bool lose_unsynced = true;
  std::vector<std::vector<NodeId>> groups;
  std::vector<NodeId> from, to;
  int64_t amount_ns = 0;
  int64_t drift_ppb = 0;
  LinkChange link;
};

const char* FaultKindName(Fault::Kind kind);

// Applies one fault now. Network faults land in `layer`: the nemesis heals
// only its own (a scheduled heal restores everything).
void ApplyFault(Simulator& sim, const Fault& f, FaultLayer layer = kScheduledLayer);
// Schedules every fault of a plan at its time.
void ScheduleFaults(Simulator& sim, const std::vector<Fault>& plan);

struct NemesisOptions {
  bool enabled = false;
  int64_t start_ns = 500 * 1'000'000ll;   // first fault no earlier than this
  int64_t stop_ns = -1;                   // heal everything here; -1: 80% of the run
  LatencyDist interval = LatencyDist::Uniform(200'000'000, 1'000'000'000);
  LatencyDist fault_duration = LatencyDist::Uniform(100'000'000, 1'500'000'000);
  // Relative weights of the fault families (NemesisFamilies()); 0 disables one.
  int64_t crash_weight = 1;
  int64_t partition_weight = 1;  // random halves, isolate, bridge or one-way cut
  int64_t clock_weight = 1;      // drift or step
  int64_t pause_weight = 1;
  int64_t link_weight = 1;       // loss or slow links
  int max_crashed = -1;          // at once; -1: a minority, (n - 1) / 2
  bool lose_unsynced = true;     // crashes drop unsynced disk writes
  int64_t max_clock_step_ns = 100'000'000;
  int64_t max_drift_ppb = 100'000'000;      // 10%
  int64_t max_pause_ns = 1'000'000'000;
  double max_loss = 0.5;
  LatencyDist slow_latency = LatencyDist::Uniform(5'000'000, 50'000'000);
};

// What one nemesis episode does, each family with its weight.
enum class NemesisFamily : uint8_t { kCrash, kPartition, kClock, kPause, kLink };
struct NemesisFamilySpec {
  NemesisFamily family;
  const char* name;  // its key in the scenario's "nemesis": {"weights": {...}}
  const char* doc;
  int64_t NemesisOptions::*weight;
};
// Every family, in NemesisFamily order: the draw and the loader both use it.
const std::vector<NemesisFamilySpec>& NemesisFamilies();

class Nemesis {
 public:
  // Schedules itself on `sim` over [start, stop), for servers only.
  Nemesis(const NemesisOptions& options, Simulator& sim, int64_t run_duration_ns);

 private:
  void Tick();
  void StartEpisode();
  void HealAll();
  // Applies `f` now and, at `until`, undoes the nemesis's network faults.
  void NetworkEpisode(const Fault& f, int64_t until);
  std::vector<NodeId> RandomMinority(int max);

  NemesisOptions options_;
  Simulator& sim_;
  Rng rng_;
  int64_t stop_ns_;
  std::vector<NodeId> crashed_;
  std::vector<NodeId> drifting_;
  bool network_fault_active_ = false;
};

}  // namespace dsim

#endif  // DSIM_SIM_FAULTS_H_
