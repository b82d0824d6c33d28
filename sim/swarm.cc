#include "sim/swarm.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/match.h"
#include "sim/faults.h"
#include "sim/rng.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace dsim {
namespace {

constexpr size_t kMaxRanges = 256;
constexpr size_t kMaxChoices = 1024;

// Keys a swarm may not vary: they name the run or hold the ranges.
bool Forbidden(const std::string& pointer) {
  for (const char* k : {"/name", "/protocol", "/seed", "/swarm", "/expect", "/description"}) {
    if (pointer == k || absl::StartsWith(pointer, absl::StrCat(k, "/"))) return true;
  }
  return false;
}

nlohmann::json Draw(const SwarmRange& r, Rng& rng) {
  switch (r.kind) {
    case SwarmRange::Kind::kInt:
      return rng.UniformInt(r.lo, r.hi);
    case SwarmRange::Kind::kReal:
      return r.real_lo + (r.real_hi - r.real_lo) * rng.NextDouble();
    case SwarmRange::Kind::kDuration:
      return FormatDuration(rng.UniformInt(r.lo, r.hi));
    case SwarmRange::Kind::kOneOf:
      return r.choices[static_cast<size_t>(rng.UniformInt(0, static_cast<int64_t>(r.choices.size()) - 1))];
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<nlohmann::json> ApplySwarmDraw(const nlohmann::json& source, const nlohmann::ordered_json& values) {
  nlohmann::json doc = source;
  for (const auto& [pointer, value] : values.items()) {
    try {
      doc[nlohmann::json::json_pointer(pointer)] = nlohmann::json(value);
    } catch (const nlohmann::json::exception&) {
      return absl::InvalidArgumentError(
          absl::StrFormat("/swarm/%s: the scenario has no place for a value there", pointer));
    }
  }
  return doc;
}

namespace {

absl::StatusOr<Scenario> Load(const Scenario& base, const nlohmann::ordered_json& values,
                              const ProtocolRegistry& registry) {
  absl::StatusOr<nlohmann::json> doc = ApplySwarmDraw(base.source, values);
  if (!doc.ok()) return absl::InvalidArgumentError(absl::StrCat(base.file, ": ", doc.status().message()));
  const std::string what = values.dump();
  absl::StatusOr<Scenario> s = ParseScenario(doc->dump(), base.file, registry);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s (swarm: %s)", s.status().message(), what));
  }
  return s;
}

}  // namespace

std::vector<SwarmRange> ReadSwarm(JsonObject& swarm) {
  swarm.AllowAnyKey();
  std::vector<SwarmRange> ranges;
  const std::vector<std::string> keys = swarm.Keys();
  if (keys.size() > kMaxRanges) {
    swarm.Fail(absl::StrFormat("at most %d ranges", kMaxRanges));
    return ranges;
  }
  for (const std::string& pointer : keys) {
    std::optional<JsonObject> o = swarm.Object(pointer);
    if (!o) break;
    const auto fail = [&](const std::string& why) { o->Fail(why); };
    SwarmRange r;
    r.pointer = pointer;
    bool valid_pointer = !pointer.empty() && pointer[0] == '/';
    if (valid_pointer) {
      try {
        nlohmann::json::json_pointer p(pointer);
      } catch (const nlohmann::json::exception&) {
        valid_pointer = false;
      }
    }
    if (!valid_pointer) {
      fail("a swarm key is a JSON pointer into the scenario, such as \"/network/loss\"");
      break;
    }
    if (Forbidden(pointer)) {
      fail("a swarm cannot vary the scenario's name, protocol, seed, expectations or swarm");
      break;
    }
    const nlohmann::json& raw = o->raw();
    if (std::optional<JsonArray> choices = o->Array("one_of")) {
      r.kind = SwarmRange::Kind::kOneOf;
      if (raw.at("one_of").empty() || raw.at("one_of").size() > kMaxChoices) {
        fail(absl::StrFormat("one_of needs 1 to %d values", kMaxChoices));
        break;
      }
      for (const nlohmann::json& c : raw.at("one_of")) r.choices.push_back(c);
    } else {
      std::optional<JsonValue> min = o->Value("min");
      std::optional<JsonValue> max = o->Value("max");
      if (!min || !max) {
        fail("a swarm range is {\"min\": a, \"max\": b} or {\"one_of\": [...]}");
        break;
      }
      const nlohmann::json& a = min->raw();
      const nlohmann::json& b = max->raw();
      if (a.is_number_integer() && b.is_number_integer()) {
        r.kind = SwarmRange::Kind::kInt;
        r.lo = min->AsInt(INT64_MIN, INT64_MAX).value_or(0);
        r.hi = max->AsInt(INT64_MIN, INT64_MAX).value_or(0);
      } else if (a.is_number() && b.is_number()) {
        r.kind = SwarmRange::Kind::kReal;
        r.real_lo = min->AsDouble(-1e300, 1e300).value_or(0);
        r.real_hi = max->AsDouble(-1e300, 1e300).value_or(0);
        if (r.real_lo > r.real_hi) fail("min is above max");
      } else if (a.is_string() && b.is_string()) {
        r.kind = SwarmRange::Kind::kDuration;
        r.lo = min->AsDuration(0, kMaxDuration).value_or(0);
        r.hi = max->AsDuration(0, kMaxDuration).value_or(0);
      } else {
        fail("min and max are two integers, two numbers or two durations");
        break;
      }
      if (r.kind != SwarmRange::Kind::kReal && r.lo > r.hi) fail("min is above max");
    }
    o->Finish();
    if (!swarm.ctx()->ok()) break;
    ranges.push_back(std::move(r));
  }
  return ranges;
}

std::vector<SwarmRange> DefaultSwarm() {
  std::vector<SwarmRange> ranges;
  for (const NemesisFamilySpec& f : NemesisFamilies()) {
    SwarmRange r;
    r.pointer = absl::StrCat("/nemesis/weights/", f.name);
    r.kind = SwarmRange::Kind::kOneOf;
    r.choices = {0, 1, 3};
    ranges.push_back(std::move(r));
  }
  return ranges;
}

nlohmann::ordered_json DrawSwarm(const std::vector<SwarmRange>& ranges, uint64_t seed) {
  Rng rng = Rng::ForStream(seed, "swarm");
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (const SwarmRange& r : ranges) values[r.pointer] = Draw(r, rng);
  return values;
}

absl::StatusOr<Scenario> ScenarioForSeed(const Scenario& base, uint64_t seed, const ProtocolRegistry& registry) {
  if (base.swarm.empty()) return base;
  nlohmann::ordered_json values = DrawSwarm(base.swarm, seed);
  absl::StatusOr<Scenario> s = Load(base, values, registry);
  if (!s.ok()) return s;
  s->swarm = base.swarm;
  s->swarm_by_flag = base.swarm_by_flag;
  s->source = base.source;
  s->swarm_draw = std::move(values);
  return s;
}

absl::StatusOr<RunReport> RunSeed(const Scenario& base, uint64_t seed, const ProtocolRegistry& registry) {
  if (base.swarm.empty()) return RunScenario(base, {.seed = seed});
  absl::StatusOr<Scenario> derived = ScenarioForSeed(base, seed, registry);
  if (!derived.ok()) return derived.status();
  return RunScenario(*derived, {.seed = seed});
}

absl::Status AddDefaultSwarm(Scenario& s, const ProtocolRegistry& registry) {
  if (!s.swarm.empty()) return absl::OkStatus();
  if (!s.nemesis.enabled) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: --swarm draws the nemesis's fault mix for each seed, and this scenario has no \"nemesis\"; "
        "declare \"swarm\" ranges in the file instead",
        s.file));
  }
  s.swarm = DefaultSwarm();
  s.swarm_by_flag = true;
  return CheckSwarm(s, registry);
}

absl::Status CheckSwarm(const Scenario& base, const ProtocolRegistry& registry) {
  for (const SwarmRange& r : base.swarm) {
    std::vector<nlohmann::json> values;
    switch (r.kind) {
      case SwarmRange::Kind::kInt:
        values = {r.lo, r.hi};
        break;
      case SwarmRange::Kind::kReal:
        values = {r.real_lo, r.real_hi};
        break;
      case SwarmRange::Kind::kDuration:
        values = {FormatDuration(r.lo), FormatDuration(r.hi)};
        break;
      case SwarmRange::Kind::kOneOf:
        values = r.choices;
        break;
    }
    for (const nlohmann::json& v : values) {
      nlohmann::ordered_json one;
      one[r.pointer] = v;
      absl::StatusOr<Scenario> s = Load(base, one, registry);
      if (!s.ok()) return s.status();
    }
  }
  return absl::OkStatus();
}

}  // namespace dsim
