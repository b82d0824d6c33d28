#include "sim/nemesis_keys.h"

#include "absl/strings/str_format.h"
#include "sim/scenario_readers.h"
#include "sim/time.h"

namespace dsim {

constexpr int64_t kMinNemesisInterval = kMillisecond;

const OptionSet<NemesisOptions>& NemesisKeys() {
  static const auto* keys = [] {
    using N = NemesisOptions;
    auto* o = new OptionSet<N>;
    o->WhenPresent([](const ScenarioInfo& info, N& n) {
      n.enabled = true;
      n.stop_ns = info.duration_ns / 5 * 4;
    });
    o->Bool("enabled", "Whether the nemesis runs", Field(&N::enabled)).DefaultText("true when the object is present");
    o->Duration("start", "No fault before this time", Field(&N::start_ns)).UpToRunEnd();
    o->Duration("stop", "Everything heals here, and no fault comes after", Field(&N::stop_ns))
        .UpToRunEnd()
        .DefaultText("80% of the duration");
    o->Latency("interval", "Time between faults", Field(&N::interval));
    o->Latency("fault_duration", "How long a fault lasts before it is undone", Field(&N::fault_duration));
    OptionSet<N> weights;
    for (const NemesisFamilySpec& f : NemesisFamilies()) weights.Int(f.name, f.doc, Field(f.weight), 0, 1000);
    o->Object("weights", "Relative weights of the fault families; 0 turns one off", std::move(weights));
    o->Int("max_crashed", "Servers down at once; -1: a minority", Field(&N::max_crashed), -1, kMaxNodes);
    o->Bool("lose_unsynced", "Crashes drop unsynced disk writes", Field(&N::lose_unsynced));
    o->Duration("max_clock_step", "A clock step moves a clock by up to this, either way",
                Field(&N::max_clock_step_ns));
    o->Custom("max_drift_ppm", "A drift episode sets a clock's rate error up to this, either way",
              {{"type", "integer"}, {"minimum", 0}, {"maximum", kMaxDriftPpm}},
              [](const JsonValue& v, const ScenarioInfo&, N& n) {
                if (std::optional<int64_t> ppm = v.AsInt(0, kMaxDriftPpm)) n.max_drift_ppb = *ppm * 1000;
              })
        .DefaultText("100000 = 10%");
    o->Duration("max_pause", "A pause stops a server for up to this", Field(&N::max_pause_ns)).AtLeast(1);
    o->Double("max_loss", "A lossy link drops up to this share of messages", Field(&N::max_loss), 0, 1);
    o->Latency("slow_latency", "Latency of a slow link", Field(&N::slow_latency));
    o->Check([](JsonObject& obj, const ScenarioInfo&, N& n) {
      if (n.start_ns > n.stop_ns) obj.Fail("nemesis \"start\" is after its \"stop\"");
      // An interval of 0 scheduled the next fault at the same instant
      // forever; anything under a network hop is no schedule a user means.
      if (n.enabled && n.interval.min_ns < kMinNemesisInterval) {
        obj.Fail(absl::StrFormat("nemesis \"interval\" can be as short as %s: faults must be at least %s apart",
                                 FormatDuration(n.interval.min_ns), FormatDuration(kMinNemesisInterval)));
      }
    });
    return o;
  }();
  return *keys;
}

}  // namespace dsim
