#include "protocols/heartbeat/heartbeat_protocol.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "protocols/heartbeat/heartbeat.h"
#include "sim/simulator.h"
#include "sim/time.h"

namespace dsim::heartbeat {
namespace {

struct Config : ProtocolConfig {
  Options options;
  int64_t detection_bound_ns = -1;  // -1: timeout + check_interval + 50ms
};

class HeartbeatRun : public ProtocolRun {
 public:
  explicit HeartbeatRun(const Config& config) : config_(config) {}

  std::unique_ptr<Process> NewProcess(NodeId id) override {
    return std::make_unique<Detector>(config_.options);
  }

  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    const int false_suspicions = CheckAccuracy(checks.count("no_false_suspicion"), out);
    const int missed = CheckCompleteness(checks.count("crash_detected"), out);
    int count = 0;
    for (const Observation<Suspicion>& o : suspicions()) count += o.value.suspect;
    out.Fact("suspicions", count);
    out.Fact("false_suspicions", false_suspicions);
    out.Fact("missed_crashes", missed);
    out.Fact("detected_crashes", detected_);
  }

 private:
  // Every decision, in true time: the observer is the stamped node.
  const std::vector<Observation<Suspicion>>& suspicions() const {
    return observations_.Of<Suspicion>().entries();
  }

  int64_t UpSince(NodeId node, int64_t t) const {
    for (const auto& [start, stop] : sim_->Lifetimes(node)) {
      if (start <= t && t < stop) return start;
    }
    return t;
  }

  // Whether `node` was up for the whole of [from, to].
  bool StayedUp(NodeId node, int64_t from, int64_t to) const {
    for (const auto& [start, stop] : sim_->Lifetimes(node)) {
      if (start <= from && to < stop) return true;
    }
    return false;
  }

  // Accuracy: a suspicion at t is false when the peer was up for the whole
  // detection bound before t - no crash of it can explain the silence. (A
  // peer that crashed and already restarted may still be suspected for the
  // crash: detection takes time.)
  int CheckAccuracy(bool run, RunOutcome& out) {
    int count = 0;
    std::string first;
    for (const Observation<Suspicion>& o : suspicions()) {
      if (!o.value.suspect ||
          !StayedUp(o.value.peer, std::max<int64_t>(0, o.event_ns - config_.detection_bound_ns),
                    o.event_ns)) {
        continue;
      }
      if (count++ == 0) {
        first = absl::StrFormat("n%d suspected n%d at %s, but n%d had been up since %s",
                                o.node, o.value.peer, FormatDuration(o.event_ns), o.value.peer,
                                FormatDuration(UpSince(o.value.peer, o.event_ns)));
      }
    }
    if (run) {
      out.Check("no_false_suspicion", count == 0,
                count == 0 ? "every suspicion named a crashed node"
                           : absl::StrFormat("%d false suspicions; first: %s", count, first));
    }
    if (count > 0) out.Summary(absl::StrFormat("false suspicions: %d (first: %s)", count, first));
    return count;
  }

  // Whether `observer` (in the incarnation alive over [from, to]) suspected
  // `peer` at some point of [from, to], or already did at `from`.
  bool Suspected(NodeId observer, NodeId peer, int64_t from, int64_t to) const {
    bool state = false;
    for (const Observation<Suspicion>& o : suspicions()) {
      if (o.event_ns > to) break;
      if (o.node != observer || o.value.peer != peer) continue;
      if (o.event_ns <= from) {
        state = o.value.suspect;
      } else if (o.value.suspect) {
        return true;
      }
    }
    return state;
  }

  // Completeness: a crash that lasts longer than the detection bound is
  // suspected within it by every server that stayed up meanwhile.
  int CheckCompleteness(bool run, RunOutcome& out) {
    const int64_t bound = config_.detection_bound_ns;
    const int64_t end = sim_->now();
    int missed = 0;
    std::string first;
    for (NodeId p = 1; p <= sim_->num_servers(); ++p) {
      const auto lives = sim_->Lifetimes(p);
      for (size_t i = 0; i < lives.size(); ++i) {
        const int64_t crash = lives[i].second;
        if (crash == kForever || crash + bound > end) continue;
        const int64_t back = i + 1 < lives.size() ? lives[i + 1].first : kForever;
        if (back < crash + bound) continue;  // restarted before it had to be noticed
        for (NodeId q = 1; q <= sim_->num_servers(); ++q) {
          if (q == p || !StayedUp(q, crash, crash + bound)) continue;
          if (Suspected(q, p, crash, crash + bound)) {
            ++detected_;
          } else if (missed++ == 0) {
            first = absl::StrFormat("n%d crashed at %s and n%d did not suspect it within %s",
                                    p, FormatDuration(crash), q, FormatDuration(bound));
          }
        }
      }
    }
    if (run) {
      out.Check("crash_detected", missed == 0,
                missed == 0 ? absl::StrFormat("%d detections, none missed", detected_)
                            : absl::StrFormat("%d missed detections; first: %s", missed, first));
    }
    return missed;
  }

  const Config& config_;
  int detected_ = 0;
};

class HeartbeatProtocol : public ProtocolOf<Config> {
 public:
  HeartbeatProtocol() {
    options_.Duration("interval", "Time between heartbeats",
                      Field(&Config::options, &Options::interval_ns)).AtLeast(1);
    options_.Duration("timeout", "Silence after which a peer is suspected",
                      Field(&Config::options, &Options::timeout_ns)).AtLeast(1);
    options_.Duration("check_interval", "How often silence is checked",
                      Field(&Config::options, &Options::check_interval_ns)).AtLeast(1);
    options_.Duration("detection_bound", "crash_detected: a crash must be suspected within this",
                      Field(&Config::detection_bound_ns))
        .AtLeast(1)
        .DefaultText("timeout + check_interval + 50ms");
    Bug("wall_clock_timeout", "measures silence on the wall clock, which clock steps move",
        Field(&Config::options, &Options::bug_wall_clock_timeout));
  }

  std::string name() const override { return "heartbeat"; }
  std::string description() const override {
    return "heartbeat failure detector: every server pings the others and suspects a "
           "peer after a timeout on its own clock";
  }
  std::vector<NamedItem> checks() const override {
    return {{"no_false_suspicion",
             "accuracy: no server suspects a peer that is up (a partition or a slow clock "
             "makes a live peer look dead)"},
            {"crash_detected",
             "completeness: a crash is suspected within detection_bound by every server "
             "that stays up"}};
  }
  std::vector<NamedItem> facts() const override {
    return {{"suspicions", "number of suspicions"},
            {"false_suspicions", "suspicions of a peer that was up"},
            {"missed_crashes", "(crash, observer) pairs not detected in time"},
            {"detected_crashes", "(crash, observer) pairs detected in time"}};
  }

 protected:
  void Derive(const ScenarioInfo&, Config& c) const override {
    if (c.detection_bound_ns < 0) {
      c.detection_bound_ns = c.options.timeout_ns + c.options.check_interval_ns + 50 * kMillisecond;
    }
  }

  std::unique_ptr<ProtocolRun> Run(const Config& config, const ScenarioInfo&, uint64_t) const override {
    return std::make_unique<HeartbeatRun>(config);
  }
};

}  // namespace

std::unique_ptr<Protocol> MakeProtocol() { return std::make_unique<HeartbeatProtocol>(); }

}  // namespace dsim::heartbeat
