#include "sim/fault_kinds.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/assert.h"
#include "sim/scenario_readers.h"
#include "sim/simulator.h"
#include "sim/time.h"

namespace dsim {
namespace {

std::string Nodes(const std::vector<NodeId>& ids) {
  return ids.empty() ? "[all]" : absl::StrCat("[", absl::StrJoin(ids, " "), "]");
}

std::string DescribeLink(const LinkChange& c) {
  std::vector<std::string> parts;
  if (c.latency) parts.push_back(absl::StrCat("latency ", c.latency->ToString()));
  if (c.loss) parts.push_back(absl::StrFormat("loss %g", *c.loss));
  if (c.duplicate) parts.push_back(absl::StrFormat("duplicate %g", *c.duplicate));
  if (c.reorder) parts.push_back(absl::StrFormat("reorder %g", *c.reorder));
  if (c.fifo) parts.push_back(*c.fifo ? "fifo" : "datagram");
  return absl::StrJoin(parts, ", ");
}

void ReadFromTo(JsonObject& o, const FaultBounds& b, Fault& f) {
  if (auto x = o.Value("from")) f.from = ReadNodeList(*x, b.max_id).value_or(std::vector<NodeId>{});
  if (auto x = o.Value("to")) f.to = ReadNodeList(*x, b.max_id).value_or(std::vector<NodeId>{});
}

void WriteNode(const Fault& f, nlohmann::json& o) { o["node"] = f.node; }

void WriteFromTo(const Fault& f, nlohmann::json& o) {
  o["from"] = f.from;
  o["to"] = f.to;
}

// --- the table ---------------------------------------------------------------

const std::vector<FaultKindSpec>& Table() {
  static const auto* table = new std::vector<FaultKindSpec>{
      {Fault::Kind::kCrash, "crash", {"node", "lose_unsynced"}, {"node"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) {
         f.node = ReadNode(o, "node", b.num_servers);
         f.lose_unsynced = o.Bool("lose_unsynced", true);
       },
       [](Simulator& sim, const Fault& f, FaultLayer) { sim.Crash(f.node, f.lose_unsynced); },
       [](const Fault& f, nlohmann::json& o) {
         o["node"] = f.node;
         if (!f.lose_unsynced) o["lose_unsynced"] = false;
       }},
      {Fault::Kind::kRestart, "restart", {"node"}, {"node"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) { f.node = ReadNode(o, "node", b.num_servers); },
       [](Simulator& sim, const Fault& f, FaultLayer) { sim.Restart(f.node); },
       WriteNode},
      {Fault::Kind::kPartition, "partition", {"groups"}, {"groups"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) {
         f.groups = ReadGroups(o, b.max_id);
         if (o.ctx()->ok() && f.groups.size() < 2) o.Fail("a partition needs at least two groups");
       },
       [](Simulator& sim, const Fault& f, FaultLayer layer) {
         sim.network().Partition(f.groups, layer);
         std::vector<std::string> gs;
         for (const auto& g : f.groups) gs.push_back(Nodes(g));
         sim.LogFault(absl::StrCat("partition ", absl::StrJoin(gs, " | ")));
       },
       [](const Fault& f, nlohmann::json& o) { o["groups"] = f.groups; }},
      {Fault::Kind::kHeal, "heal", {}, {},
       [](JsonObject&, const FaultBounds&, Fault&) {},
       [](Simulator& sim, const Fault&, FaultLayer layer) {
         // The nemesis heals only what it broke; a scheduled heal, everything.
         if (layer == kNemesisLayer) {
           sim.network().HealNemesis();
           sim.LogFault("heal");
           return;
         }
         const size_t undone = sim.network().Heal();
         sim.LogFault(undone == 0 ? std::string("heal")
                                  : absl::StrFormat("heal (and %d link change%s undone)", undone,
                                                    undone == 1 ? "" : "s"));
       },
       [](const Fault&, nlohmann::json&) {}},
      {Fault::Kind::kIsolate, "isolate", {"node"}, {"node"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) { f.node = ReadNode(o, "node", b.max_id); },
       [](Simulator& sim, const Fault& f, FaultLayer layer) {
         sim.network().Isolate(f.node, layer);
         sim.LogFault(absl::StrFormat("isolate n%d", f.node));
       },
       WriteNode},
      {Fault::Kind::kCut, "cut", {"from", "to"}, {"from", "to"}, ReadFromTo,
       [](Simulator& sim, const Fault& f, FaultLayer layer) {
         sim.network().Cut(f.from, f.to, layer);
         sim.LogFault(absl::StrFormat("cut %s -> %s", Nodes(f.from), Nodes(f.to)));
       },
       WriteFromTo},
      {Fault::Kind::kBridge, "bridge", {"groups", "node"}, {"groups", "node"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) {
         f.groups = ReadGroups(o, b.max_id);
         f.node = ReadNode(o, "node", b.max_id);
         if (o.ctx()->ok() && f.groups.size() != 2) o.Fail("a bridge needs exactly two groups");
       },
       [](Simulator& sim, const Fault& f, FaultLayer layer) {
         DSIM_ASSERT(f.groups.size() == 2);
         sim.network().Bridge(f.groups[0], f.groups[1], f.node, layer);
         sim.LogFault(absl::StrFormat("bridge %s <n%d> %s", Nodes(f.groups[0]), f.node, Nodes(f.groups[1])));
       },
       [](const Fault& f, nlohmann::json& o) {
         o["groups"] = f.groups;
         o["node"] = f.node;
       }},
      {Fault::Kind::kClockStep, "clock_step", {"node", "by"}, {"node", "by"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) {
         f.node = ReadNode(o, "node", b.max_id);
         f.amount_ns = o.Duration("by", 0, -kForever + 1, kForever);
       },
       [](Simulator& sim, const Fault& f, FaultLayer) { sim.StepClock(f.node, f.amount_ns); },
       [](const Fault& f, nlohmann::json& o) {
         o["node"] = f.node;
         o["by"] = FormatDuration(f.amount_ns);
       }},
      {Fault::Kind::kClockDrift, "clock_drift", {"node", "drift_ppm"}, {"node", "drift_ppm"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) {
         f.node = ReadNode(o, "node", b.max_id);
         f.drift_ppb = o.Int("drift_ppm", 0, -kMaxDriftPpm, kMaxDriftPpm) * 1000;
       },
       [](Simulator& sim, const Fault& f, FaultLayer) { sim.SetClockDrift(f.node, f.drift_ppb); },
       [](const Fault& f, nlohmann::json& o) {
         o["node"] = f.node;
         // Files give whole ppm; round to the nearest.
         o["drift_ppm"] = (f.drift_ppb >= 0 ? f.drift_ppb + 500 : f.drift_ppb - 500) / 1000;
       }},
      {Fault::Kind::kPause, "pause", {"node", "for"}, {"node", "for"},
       [](JsonObject& o, const FaultBounds& b, Fault& f) {
         f.node = ReadNode(o, "node", b.max_id);
         f.amount_ns = o.Duration("for", 0);
       },
       [](Simulator& sim, const Fault& f, FaultLayer) { sim.Pause(f.node, f.amount_ns); },
       [](const Fault& f, nlohmann::json& o) {
         o["node"] = f.node;
         o["for"] = FormatDuration(f.amount_ns);
       }},
      {Fault::Kind::kLink, "link",
       {"from", "to", "latency", "loss", "duplicate", "reorder", "reorder_delay", "mode", "for"}, {},
       [](JsonObject& o, const FaultBounds& b, Fault& f) {
         ReadFromTo(o, b, f);
         f.link = ReadLinkChange(o).value_or(LinkChange{});
         f.amount_ns = o.Duration("for", 0, 1);  // 0: until a heal
       },
       [](Simulator& sim, const Fault& f, FaultLayer layer) {
         const uint64_t id = sim.network().ChangeLinks(f.from, f.to, f.link, layer);
         const std::string links = absl::StrFormat("link %s -> %s", Nodes(f.from), Nodes(f.to));
         if (f.amount_ns == 0) {
           sim.LogFault(absl::StrCat(links, ": ", DescribeLink(f.link)));
           return;
         }
         sim.LogFault(absl::StrCat(links, ": ", DescribeLink(f.link), " for ",
                                   FormatDuration(f.amount_ns)));
         // A heal before the end undoes the change already; then nothing is left to restore.
         sim.At(SaturatingAdd(sim.now(), f.amount_ns), [&sim, id, links] {
           if (sim.network().RevertLinks(id)) sim.LogFault(absl::StrCat(links, ": restored"));
         });
       },
       [](const Fault& f, nlohmann::json& o) {
         WriteFromTo(f, o);
         o.update(LinkChangeToJson(f.link));
         if (f.amount_ns != 0) o["for"] = FormatDuration(f.amount_ns);
       }},
  };
  return *table;
}

// Every key any kind takes, in first-seen order.
const std::vector<std::string>& AllKeys() {
  static const auto* keys = [] {
    auto* all = new std::vector<std::string>;
    for (const FaultKindSpec& k : Table()) {
      for (const std::string& key : k.keys) {
        if (std::find(all->begin(), all->end(), key) == all->end()) all->push_back(key);
      }
    }
    return all;
  }();
  return *keys;
}

}  // namespace

const std::vector<FaultKindSpec>& FaultKinds() { return Table(); }

const FaultKindSpec& FaultKindOf(Fault::Kind kind) {
  const FaultKindSpec& spec = Table()[static_cast<size_t>(kind)];
  DSIM_ASSERT(spec.kind == kind && "the table is in Fault::Kind order");
  return spec;
}

const char* FaultKindName(Fault::Kind kind) { return FaultKindOf(kind).name; }

void ApplyFault(Simulator& sim, const Fault& f, FaultLayer layer) {
  FaultKindOf(f.kind).apply(sim, f, layer);
  sim.RecordAppliedFault(f);
}

std::optional<Fault> ReadFault(const JsonValue& v, const FaultBounds& b) {
  std::optional<JsonObject> o = v.AsObject();
  if (!o) return std::nullopt;
  Fault f;
  o->Require("at");
  f.at_ns = o->Duration("at", 0, 0, b.duration_ns);
  o->Require("kind");
  std::optional<JsonValue> kind_value = o->Value("kind");
  if (!kind_value) return std::nullopt;
  std::vector<std::string_view> names;
  for (const FaultKindSpec& k : Table()) names.push_back(k.name);
  const std::optional<std::string> name = kind_value->AsEnum(names);
  if (!name || !o->ctx()->ok()) return std::nullopt;
  const FaultKindSpec* spec = nullptr;
  for (const FaultKindSpec& k : Table()) {
    if (k.name == *name) spec = &k;
  }
  DSIM_ASSERT(spec != nullptr);
  RejectInapplicable(*o, AllKeys(), spec->keys, absl::StrFormat("a \"%s\" fault", *name));
  if (!o->ctx()->ok()) return std::nullopt;
  for (const std::string& key : spec->required) o->Require(key);
  f.kind = spec->kind;
  spec->read(*o, b, f);
  o->Finish();
  return f;
}

nlohmann::json FaultToJson(const Fault& f) {
  nlohmann::json o = {{"at", FormatDuration(f.at_ns)}, {"kind", FaultKindName(f.kind)}};
  FaultKindOf(f.kind).write(f, o);
  return o;
}

}  // namespace dsim
