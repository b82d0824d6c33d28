#include "sim/faults.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/simulator.h"
#include "sim/time.h"

namespace dsim {

void ScheduleFaults(Simulator& sim, const std::vector<Fault>& plan) {
  for (const Fault& f : plan) {
    sim.At(f.at_ns, [&sim, f] { ApplyFault(sim, f); });
  }
}

// --- Nemesis -----------------------------------------------------------------

const std::vector<NemesisFamilySpec>& NemesisFamilies() {
  static const auto* families = new std::vector<NemesisFamilySpec>{
      {NemesisFamily::kCrash, "crash", "Crash a server, restart it later", &NemesisOptions::crash_weight},
      {NemesisFamily::kPartition, "partition", "A minority partition, an isolated node, a bridge or a one-way cut",
       &NemesisOptions::partition_weight},
      {NemesisFamily::kClock, "clock", "A clock drift episode or a clock step", &NemesisOptions::clock_weight},
      {NemesisFamily::kPause, "pause", "Pause a server", &NemesisOptions::pause_weight},
      {NemesisFamily::kLink, "link", "Lossy or slow links around a server", &NemesisOptions::link_weight},
  };
  return *families;
}

Nemesis::Nemesis(const NemesisOptions& options, Simulator& sim, int64_t run_duration_ns)
    : options_(options),
      sim_(sim),
      rng_(Rng::ForStream(sim.seed(), "nemesis")),
      stop_ns_(options.stop_ns >= 0 ? options.stop_ns : run_duration_ns / 5 * 4) {
  if (!options_.enabled) return;
  if (options_.max_crashed < 0) options_.max_crashed = (sim.num_servers() - 1) / 2;
  if (options_.start_ns < stop_ns_) sim_.At(options_.start_ns, [this] { Tick(); });
  sim_.At(std::max<int64_t>(stop_ns_, 0), [this] { HealAll(); });
}

std::vector<NodeId> Nemesis::RandomMinority(int max) {
  std::vector<NodeId> all;
  for (NodeId id = 1; id <= sim_.num_servers(); ++id) all.push_back(id);
  // Fisher-Yates with our own RNG.
  for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng_.Uniform(i)]);
  const int k = max <= 1 ? 1 : static_cast<int>(rng_.UniformInt(1, max));
  all.resize(std::min<size_t>(k, all.size()));
  std::sort(all.begin(), all.end());
  return all;
}

void Nemesis::Tick() {
  if (sim_.now() >= stop_ns_) return;
  StartEpisode();
  const int64_t next = sim_.now() + options_.interval.Sample(rng_);
  if (next < stop_ns_) sim_.At(next, [this] { Tick(); });
}

void Nemesis::StartEpisode() {
  const int n = sim_.num_servers();
  const std::vector<NemesisFamilySpec>& families = NemesisFamilies();
  int64_t total = 0;
  for (const NemesisFamilySpec& f : families) {
    DSIM_ASSERT(options_.*f.weight >= 0);
    total += options_.*f.weight;
  }
  if (total <= 0) return;
  int64_t pick = rng_.UniformInt(0, total - 1);
  size_t index = 0;
  while (pick >= options_.*families[index].weight) pick -= options_.*families[index++].weight;
  const NemesisFamily family = families[index].family;
  const int64_t until = std::min(stop_ns_, sim_.now() + options_.fault_duration.Sample(rng_));
  const NodeId victim = static_cast<NodeId>(rng_.UniformInt(1, n));

  switch (family) {
    case NemesisFamily::kCrash: {  // crash, restart later
      if (static_cast<int>(crashed_.size()) >= options_.max_crashed) return;
      if (std::find(crashed_.begin(), crashed_.end(), victim) != crashed_.end()) return;
      crashed_.push_back(victim);
      ApplyFault(sim_, Fault{.kind = Fault::Kind::kCrash, .node = victim,
                             .lose_unsynced = options_.lose_unsynced});
      sim_.At(until, [this, victim] {
        auto it = std::find(crashed_.begin(), crashed_.end(), victim);
        if (it == crashed_.end()) return;
        crashed_.erase(it);
        ApplyFault(sim_, Fault{.kind = Fault::Kind::kRestart, .node = victim});
      });
      return;
    }
    case NemesisFamily::kPartition: {  // one network fault at a time
      if (network_fault_active_ || n < 2) return;
      network_fault_active_ = true;
      Fault f;
      const int shape = static_cast<int>(rng_.Uniform(4));
      if (shape == 0) {  // random minority against the rest
        f.kind = Fault::Kind::kPartition;
        std::vector<NodeId> minority = RandomMinority(std::max(1, (n - 1) / 2));
        std::vector<NodeId> rest;
        for (NodeId id = 1; id <= n; ++id) {
          if (std::find(minority.begin(), minority.end(), id) == minority.end()) rest.push_back(id);
        }
        f.groups = {minority, rest};
      } else if (shape == 1) {
        f.kind = Fault::Kind::kIsolate;
        f.node = victim;
      } else if (shape == 2 && n >= 3) {
        f.kind = Fault::Kind::kBridge;
        f.node = victim;
        std::vector<NodeId> a, b;
        for (NodeId id = 1; id <= n; ++id) {
          if (id == victim) continue;
          (a.size() <= b.size() ? a : b).push_back(id);
        }
        f.groups = {a, b};
      } else {
        f.kind = Fault::Kind::kCut;
        f.from = {victim};
        NodeId other = static_cast<NodeId>(rng_.UniformInt(1, n - 1));
        if (other >= victim) ++other;
        f.to = {other};
      }
      NetworkEpisode(f, until);
      return;
    }
    case NemesisFamily::kClock: {  // clock: a drift episode or a step (only drift if steps are off)
      if (options_.max_clock_step_ns == 0 || rng_.Chance(0.5)) {
        if (std::find(drifting_.begin(), drifting_.end(), victim) != drifting_.end()) return;
        drifting_.push_back(victim);
        const int64_t ppb = rng_.UniformInt(-options_.max_drift_ppb, options_.max_drift_ppb);
        ApplyFault(sim_, Fault{.kind = Fault::Kind::kClockDrift, .node = victim, .drift_ppb = ppb});
        sim_.At(until, [this, victim] {
          auto it = std::find(drifting_.begin(), drifting_.end(), victim);
          if (it == drifting_.end()) return;
          drifting_.erase(it);
          ApplyFault(sim_, Fault{.kind = Fault::Kind::kClockDrift, .node = victim, .drift_ppb = 0});
        });
      } else {
        const int64_t step = rng_.UniformInt(-options_.max_clock_step_ns, options_.max_clock_step_ns);
        ApplyFault(sim_, Fault{.kind = Fault::Kind::kClockStep, .node = victim, .amount_ns = step});
      }
      return;
    }
    case NemesisFamily::kPause: {
      const int64_t pause = rng_.UniformInt(1, options_.max_pause_ns);
      ApplyFault(sim_, Fault{.kind = Fault::Kind::kPause, .node = victim, .amount_ns = pause});
      return;
    }
    case NemesisFamily::kLink: {  // lossy or slow links around one node
      if (network_fault_active_) return;
      network_fault_active_ = true;
      Fault f;
      f.kind = Fault::Kind::kLink;
      f.from = {victim};
      if (rng_.Chance(0.5)) {
        f.link.loss = rng_.NextDouble() * options_.max_loss;
      } else {
        f.link.latency = options_.slow_latency;
      }
      NetworkEpisode(f, until);
      return;
    }
  }
}

void Nemesis::NetworkEpisode(const Fault& f, int64_t until) {
  ApplyFault(sim_, f, kNemesisLayer);
  sim_.At(until, [this] {
    if (!network_fault_active_) return;
    network_fault_active_ = false;
    ApplyFault(sim_, Fault{.kind = Fault::Kind::kHeal}, kNemesisLayer);
  });
}

void Nemesis::HealAll() {
  if (!options_.enabled) return;
  for (NodeId id : crashed_) ApplyFault(sim_, Fault{.kind = Fault::Kind::kRestart, .node = id});
  crashed_.clear();
  for (NodeId id : drifting_) {
    ApplyFault(sim_, Fault{.kind = Fault::Kind::kClockDrift, .node = id, .drift_ppb = 0});
  }
  drifting_.clear();
  if (network_fault_active_) {
    network_fault_active_ = false;
    ApplyFault(sim_, Fault{.kind = Fault::Kind::kHeal}, kNemesisLayer);
  }
  sim_.LogFault("nemesis stopped: all healed");
}

}  // namespace dsim
