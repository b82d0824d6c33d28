#include "sim/shrink.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/assert.h"
#include "sim/fault_kinds.h"
#include "sim/runner.h"
#include "sim/scenario_edits.h"
#include "sim/swarm.h"
#include "sim/time.h"

namespace dsim {
namespace {

using Json = nlohmann::json;

ShrinkSize SizeOf(const Scenario& s, const RunReport& r) {
  ShrinkSize size;
  size.faults = r.applied_faults.size();
  size.events = r.stats.events;
  for (const HistoryEvent& e : r.history) size.operations += e.type == OpType::kInvoke ? 1 : 0;
  size.servers = s.sim.num_servers;
  size.clients = s.sim.num_clients;
  size.duration_ns = s.duration_ns;
  return size;
}

class Shrinker {
 public:
  Shrinker(const Scenario& s, const ProtocolRegistry& registry, const ShrinkOptions& options)
      : scenario_(s), registry_(registry), options_(options) {}

  absl::StatusOr<ShrinkResult> Run();

 private:
  bool Spent() {
    if (runs_ >= options_.max_runs || (options_.stop && options_.stop())) exhausted_ = true;
    return exhausted_;
  }
  // Loads and runs `doc`; true when the target check fails on evidence.
  bool Fails(const Json& doc);
  // Takes `candidate` when it still fails.
  bool Try(const Json& candidate, const std::string& what) {
    if (!Fails(candidate)) return false;
    doc_ = candidate;
    result_.steps.push_back(what);
    return true;
  }
  void Progress() {
    if (!options_.progress) return;
    options_.progress({.runs = runs_, .max_runs = options_.max_runs, .faults = FaultsOf(doc_).size(),
                       .duration_ns = DurationAt(doc_, "duration", 0), .pass = pass_});
  }

  bool MakePlanExplicit();
  bool DropFaults();
  bool ShortenFaults();
  bool CutDuration();
  bool FewerClients();
  bool FewerServers();
  bool SimplerWorld();
  bool RoundTimes();
  bool QuieterNemesis();
  nlohmann::ordered_json Standalone() const;

  const Scenario& scenario_;
  const ProtocolRegistry& registry_;
  ShrinkOptions options_;
  std::string pass_;
  Json doc_;
  int runs_ = 0;
  bool exhausted_ = false;
  absl::flat_hash_set<std::string> tried_;
  std::optional<Scenario> best_scenario_;
  std::optional<RunReport> best_report_;
  ShrinkResult result_;
};

bool Shrinker::Fails(const Json& doc) {
  if (Spent()) return false;
  std::string text = doc.dump();
  if (!tried_.insert(text).second) return false;
  absl::StatusOr<Scenario> s = ParseScenario(text, scenario_.file, registry_);
  if (!s.ok()) return false;  // a candidate the loader rejects is no smaller scenario
  RunReport report = RunScenario(*s, {.seed = options_.seed});
  ++runs_;
  Progress();
  bool fails = false;
  for (const CheckResult& c : report.checks) {
    if (c.name == result_.check) fails = !c.ok && !c.undecided;
  }
  if (fails) {
    best_scenario_ = std::move(*s);
    best_report_ = std::move(report);
  }
  return fails;
}

// The nemesis's faults, as applied, become the plan; the nemesis goes.
bool Shrinker::MakePlanExplicit() {
  if (!doc_.contains("nemesis")) return false;
  pass_ = "explicit plan";
  Json candidate = doc_;
  candidate.erase("nemesis");
  std::vector<Json> plan;
  for (const Fault& f : best_report_->applied_faults) plan.push_back(FaultToJson(f));
  SetFaults(candidate, std::move(plan));
  if (!Try(candidate, absl::StrFormat("the nemesis became a plan of %d faults", FaultsOf(candidate).size()))) {
    return false;
  }
  result_.explicit_plan = true;
  return true;
}

// Delta debugging over episodes: remove halves, quarters, ... while the
// check still fails.
bool Shrinker::DropFaults() {
  pass_ = "drop faults";
  bool changed = false;
  std::vector<Json> faults = FaultsOf(doc_);
  std::vector<std::vector<size_t>> episodes = Episodes(faults);
  if (episodes.empty()) return false;
  auto candidate_without = [&](size_t begin, size_t end) {
    std::vector<std::vector<size_t>> rest;
    for (size_t i = 0; i < episodes.size(); ++i) {
      if (i < begin || i >= end) rest.push_back(episodes[i]);
    }
    Json c = doc_;
    SetFaults(c, Flatten(faults, rest));
    return std::make_pair(c, rest);
  };
  if (auto [c, rest] = candidate_without(0, episodes.size()); Try(c, "dropped every fault")) return true;
  size_t parts = 2;
  while (!episodes.empty() && !Spent()) {
    const size_t chunk = (episodes.size() + parts - 1) / parts;
    bool removed = false;
    for (size_t begin = 0; begin < episodes.size(); begin += chunk) {
      const size_t end = std::min(episodes.size(), begin + chunk);
      auto [c, rest] = candidate_without(begin, end);
      if (Try(c, absl::StrFormat("dropped %d of %d fault episodes", end - begin, episodes.size()))) {
        faults = FaultsOf(doc_);
        episodes = Episodes(faults);
        parts = std::max<size_t>(parts - 1, 2);
        removed = changed = true;
        break;
      }
    }
    if (removed) continue;
    if (chunk <= 1) break;
    parts = std::min(episodes.size(), parts * 2);
  }
  return changed;
}

// Each fault with an end ends sooner: the undo moves toward the start.
bool Shrinker::ShortenFaults() {
  pass_ = "shorten faults";
  bool changed = false;
  for (size_t e = 0;; ++e) {
    std::vector<Json> faults = FaultsOf(doc_);
    std::vector<std::vector<size_t>> episodes = Episodes(faults);
    if (e >= episodes.size() || Spent()) break;
    for (int halving = 0; halving < 6; ++halving) {
      faults = FaultsOf(doc_);
      episodes = Episodes(faults);
      if (e >= episodes.size()) break;
      const std::vector<size_t> now = episodes[e];
      Json c = doc_;
      std::vector<Json> edited = faults;
      std::string what;
      if (now.size() == 2) {
        const int64_t start = FaultTime(edited[now[0]]), end = FaultTime(edited[now[1]]);
        const int64_t shorter = (end - start) / 2;
        if (shorter < kMillisecond) break;
        edited[now[1]]["at"] = FormatDuration(start + shorter);
        what = absl::StrFormat("%s at %s: %s instead of %s", Kind(edited[now[0]]), FormatDuration(start),
                               FormatDuration(shorter), FormatDuration(end - start));
      } else if (edited[now[0]].contains("for") || Kind(edited[now[0]]) == "clock_step") {
        const char* key = edited[now[0]].contains("for") ? "for" : "by";
        const int64_t length = DurationAt(edited[now[0]], key, 0);
        if (std::abs(length) < 2 * kMillisecond) break;
        edited[now[0]][key] = FormatDuration(length / 2);
        what = absl::StrFormat("%s at %s: %s %s instead of %s", Kind(edited[now[0]]),
                               FormatDuration(FaultTime(edited[now[0]])), key, FormatDuration(length / 2),
                               FormatDuration(length));
      } else {
        break;
      }
      SetFaults(c, std::move(edited));
      if (!Try(c, what)) break;
      changed = true;
    }
  }
  return changed;
}

// A shorter run: what happens after the violation is not needed to show it.
bool Shrinker::CutDuration() {
  pass_ = "cut duration";
  bool changed = false;
  bool again = true;
  while (again && !Spent()) {
    again = false;
    const int64_t duration = DurationAt(doc_, "duration", 0);
    for (const double f : {0.125, 0.25, 0.5, 0.75, 0.875}) {
      const int64_t shorter = static_cast<int64_t>(static_cast<double>(duration) * f) / kMillisecond * kMillisecond;
      if (shorter < kMillisecond || shorter >= duration) continue;
      Json c = doc_;
      c["duration"] = FormatDuration(shorter);
      std::vector<Json> faults = FaultsOf(doc_);
      std::vector<std::vector<size_t>> keep;
      for (std::vector<size_t> ep : Episodes(faults)) {
        if (FaultTime(faults[ep[0]]) > shorter) continue;
        if (ep.size() == 2 && FaultTime(faults[ep[1]]) > shorter) ep.pop_back();
        keep.push_back(ep);
      }
      SetFaults(c, Flatten(faults, keep));
      if (c.contains("nemesis") && c["nemesis"].is_object()) {
        Json& n = c["nemesis"];
        const int64_t stop = std::min(DurationAt(n, "stop", shorter / 5 * 4), shorter);
        n["stop"] = FormatDuration(stop);
        if (DurationAt(n, "start", 500 * kMillisecond) >= stop) c.erase("nemesis");
      }
      if (Try(c, absl::StrFormat("duration %s instead of %s", FormatDuration(shorter), FormatDuration(duration)))) {
        changed = again = true;
        break;
      }
    }
  }
  return changed;
}

// Fewer clients, readers and keys in the workload.
bool Shrinker::FewerClients() {
  pass_ = "fewer clients";
  bool changed = false;
  for (const char* key : {"clients", "readers", "keys"}) {
    if (!doc_.contains("workload") || !doc_["workload"].is_object()) return changed;
    for (int attempt = 0; attempt < 8 && !Spent(); ++attempt) {
      const Json& w = doc_["workload"];
      if (!w.contains(key) || !w[key].is_number_integer()) break;
      const int64_t now = w[key].get<int64_t>();
      bool took = false;
      for (int64_t fewer : {int64_t{1}, now / 2, now - 1}) {
        if (fewer < 1 || fewer >= now) continue;
        Json c = doc_;
        c["workload"][key] = fewer;
        if (std::string(key) == "clients" && c["workload"].contains("readers") &&
            c["workload"]["readers"].is_number_integer()) {
          c["workload"]["readers"] = std::min(c["workload"]["readers"].get<int64_t>(), fewer);
        }
        if (Try(c, absl::StrFormat("%d %s instead of %d", fewer, key, now))) {
          took = changed = true;
          break;
        }
      }
      if (!took) break;
    }
  }
  return changed;
}

bool Shrinker::FewerServers() {
  pass_ = "fewer servers";
  bool changed = false;
  while (!Spent()) {
    const int n = static_cast<int>(doc_.value("nodes", int64_t{0}));
    const int fewer = n - 1;
    if (fewer < std::max(1, scenario_.protocol->min_servers())) break;
    if (!Try(WithoutServers(doc_, fewer), absl::StrFormat("%d servers instead of %d", fewer, n))) break;
    changed = true;
  }
  return changed;
}

// A constant-latency network without loss, duplication, reordering or
// per-link settings; clocks without offsets or drift.
bool Shrinker::SimplerWorld() {
  pass_ = "simpler network";
  bool changed = false;
  auto try_edit = [&](const std::string& what, auto edit) {
    Json c = doc_;
    if (!c.contains("network")) c["network"] = Json::object();
    edit(c["network"]);
    if (c["network"].empty()) c.erase("network");
    if (Try(c, what)) changed = true;
  };
  if (doc_.contains("network") && doc_["network"].contains("links")) {
    try_edit("no per-link settings", [](Json& n) { n.erase("links"); });
  }
  for (const char* key : {"loss", "duplicate", "reorder", "reorder_delay"}) {
    if (doc_.contains("network") && doc_["network"].contains(key)) {
      try_edit(absl::StrFormat("no network %s", key), [key](Json& n) { n.erase(key); });
    }
  }
  if (best_scenario_) {
    const LatencyDist d = best_scenario_->sim.network.defaults.latency;
    if (d.kind != LatencyDist::Kind::kConstant) {
      const int64_t typical = d.kind == LatencyDist::Kind::kUniform ? d.min_ns + (d.max_ns - d.min_ns) / 2 : d.median_ns;
      try_edit(absl::StrFormat("constant latency %s instead of %s", FormatDuration(typical), d.ToString()),
               [typical](Json& n) { n["latency"] = FormatDuration(typical); });
    }
  }
  if (doc_.contains("clocks")) {
    Json c = doc_;
    c.erase("clocks");
    if (Try(c, "perfect clocks")) changed = true;
  }
  return changed;
}

// Fault times as a person would write them: whole milliseconds (or tenths
// of one) where the failure survives it.
bool Shrinker::RoundTimes() {
  pass_ = "round times";
  for (const int64_t unit : {kMillisecond, 100 * kMicrosecond}) {
    std::vector<Json> faults = FaultsOf(doc_);
    bool any = false;
    for (Json& f : faults) {
      for (const char* key : {"at", "for", "by"}) {
        if (!f.contains(key)) continue;
        const int64_t ns = DurationAt(f, key, 0);
        const int64_t rounded = (ns >= 0 ? ns + unit / 2 : ns - unit / 2) / unit * unit;
        if (rounded == ns || (rounded == 0 && std::string(key) != "at")) continue;
        f[key] = FormatDuration(rounded);
        any = true;
      }
    }
    if (!any) return false;
    Json c = doc_;
    SetFaults(c, std::move(faults));
    if (Try(c, absl::StrFormat("fault times rounded to %s", FormatDuration(unit)))) return true;
  }
  return false;
}

// When the nemesis stays (its plan did not fail on its own), its families
// are turned off one by one.
bool Shrinker::QuieterNemesis() {
  if (!doc_.contains("nemesis") || !doc_["nemesis"].is_object()) return false;
  pass_ = "quieter nemesis";
  bool changed = false;
  for (const NemesisFamilySpec& family : NemesisFamilies()) {
    Json c = doc_;
    Json& weights = c["nemesis"]["weights"];
    if (weights.is_object() && weights.contains(family.name) && weights[family.name] == 0) continue;
    weights[family.name] = 0;
    if (Try(c, absl::StrFormat("no nemesis %s", family.name))) changed = true;
  }
  return changed;
}

// The result as a file: readable key order, its own seed, an expect that
// names what fails.
nlohmann::ordered_json Shrinker::Standalone() const {
  Json doc = doc_;
  doc["seed"] = options_.seed;
  doc["name"] = absl::StrCat(scenario_.name, "-shrunk");
  doc["description"] = absl::StrFormat(
      "dsim shrink of %s, seed %d: %s fails with %d fault%s (from %d), %s simulated (from %s).", scenario_.file,
      options_.seed, result_.check, result_.after.faults, result_.after.faults == 1 ? "" : "s",
      result_.before.faults, FormatDuration(result_.after.duration_ns), FormatDuration(result_.before.duration_ns));
  doc["expect"] = {{"verdict", "fail"}, {"violations", result_.violations}};
  nlohmann::ordered_json out;
  for (const char* key : {"name", "description", "protocol", "nodes", "seed", "bugs", "duration", "step_cost",
                          "options", "workload", "network", "clocks", "disk", "initially_down", "checks",
                          "nemesis", "faults", "expect"}) {
    if (doc.contains(key)) out[key] = nlohmann::ordered_json::parse(doc[key].dump());
  }
  for (const auto& [key, value] : doc.items()) {
    if (!out.contains(key)) out[key] = nlohmann::ordered_json::parse(value.dump());
  }
  return out;
}

absl::StatusOr<ShrinkResult> Shrinker::Run() {
  // The document the seed runs: a swarm scenario's draw written in.
  absl::StatusOr<Scenario> derived = ScenarioForSeed(scenario_, options_.seed, registry_);
  if (!derived.ok()) return derived.status();
  absl::StatusOr<Json> doc = ApplySwarmDraw(scenario_.source, derived->swarm_draw);
  if (!doc.ok()) return doc.status();
  doc_ = std::move(*doc);
  doc_.erase("expect");

  const RunReport original = RunScenario(*derived, {.seed = options_.seed});
  ++runs_;
  result_.before = SizeOf(*derived, original);
  result_.check = options_.check;
  if (result_.check.empty()) {
    for (const CheckResult& c : original.checks) {
      if (!c.ok && !c.undecided) {
        result_.check = c.name;
        break;
      }
    }
    if (result_.check.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: seed %d fails no check on evidence: nothing to shrink", scenario_.file, options_.seed));
    }
  }
  const auto it = std::find_if(original.checks.begin(), original.checks.end(),
                               [&](const CheckResult& c) { return c.name == result_.check; });
  if (it == original.checks.end()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: the scenario runs no check \"%s\"", scenario_.file, result_.check));
  }
  if (it->ok || it->undecided) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: seed %d does not fail %s%s: nothing to shrink",
                                                      scenario_.file, options_.seed, result_.check,
                                                      it->undecided ? " on evidence (it is undecided)" : ""));
  }
  // The document itself must fail as the scenario did.
  if (!Fails(doc_)) {
    return absl::InternalError(absl::StrFormat("%s: the scenario as a document does not fail %s on seed %d",
                                               scenario_.file, result_.check, options_.seed));
  }
  MakePlanExplicit();
  bool changed = true;
  while (changed && !Spent()) {
    changed = false;
    changed |= DropFaults();
    changed |= CutDuration();
    changed |= ShortenFaults();
    changed |= FewerClients();
    changed |= FewerServers();
    changed |= SimplerWorld();
    changed |= QuieterNemesis();
  }
  if (!Spent()) RoundTimes();
  DSIM_ASSERT(best_report_.has_value() && best_scenario_.has_value());
  result_.after = SizeOf(*best_scenario_, *best_report_);
  for (const CheckResult& c : best_report_->checks) {
    if (!c.ok) result_.violations.push_back(c.name);
    if (c.name == result_.check) result_.detail = c.detail;
  }
  result_.runs = runs_;
  result_.exhausted = exhausted_;
  result_.scenario = Standalone();
  // What is written must replay as promised.
  absl::StatusOr<Scenario> written = ParseScenario(result_.scenario.dump(), scenario_.file, registry_);
  DSIM_ASSERT_MSG(written.ok(), "the shrunk scenario does not load: %s", written.status().message());
  const RunReport replay = RunScenario(*written, {});
  DSIM_ASSERT_MSG(replay.pass && replay.trace_hash == best_report_->trace_hash,
                  "the shrunk scenario does not replay its run: %s", absl::StrJoin(replay.unmet, "; "));
  return result_;
}

}  // namespace

absl::StatusOr<ShrinkResult> Shrink(const Scenario& scenario, const ProtocolRegistry& registry,
                                    const ShrinkOptions& options) {
  Shrinker shrinker(scenario, registry, options);
  return shrinker.Run();
}

}  // namespace dsim
