#include "sim/scenario.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/fault_kinds.h"
#include "sim/nemesis_keys.h"
#include "sim/scenario_readers.h"
#include "sim/status_macros.h"
#include "sim/time.h"

namespace dsim {
namespace {

std::string Quoted(const std::vector<std::string>& names) {
  std::vector<std::string> q;
  for (const std::string& n : names) q.push_back(absl::StrCat("\"", n, "\""));
  return q.empty() ? "(none)" : absl::StrJoin(q, ", ");
}

std::vector<std::string> ItemNames(const std::vector<NamedItem>& items) {
  std::vector<std::string> names;
  for (const NamedItem& i : items) names.push_back(i.name);
  return names;
}

// Reads an array of strings, each one of `allowed`.
std::vector<std::string> ReadNames(JsonObject& obj, std::string_view key,
                                   const std::vector<std::string>& allowed,
                                   std::string_view what) {
  std::vector<std::string> out;
  std::optional<JsonArray> arr = obj.Array(key);
  if (!arr) return out;
  for (size_t i = 0; i < arr->size(); ++i) {
    JsonValue v = arr->At(i);
    std::optional<std::string> s = v.AsString();
    if (!s) return out;
    if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
      v.Fail(absl::StrFormat("unknown %s \"%s\" (known: %s)", what, *s, Quoted(allowed)));
      return out;
    }
    out.push_back(*s);
  }
  return out;
}

void ReadNetwork(JsonObject& net, int max_id, NetworkOptions& out) {
  LinkChange base = ReadLinkChange(net).value_or(LinkChange{});
  base.ApplyTo(out.defaults);
  if (std::optional<JsonArray> links = net.Array("links")) {
    for (size_t i = 0; i < links->size(); ++i) {
      std::optional<JsonObject> l = links->At(i).AsObject();
      if (!l) return;
      LinkOverride o;
      if (std::optional<JsonValue> v = l->Value("from")) {
        o.from = ReadNodeList(*v, max_id).value_or(std::vector<NodeId>{});
      }
      if (std::optional<JsonValue> v = l->Value("to")) {
        o.to = ReadNodeList(*v, max_id).value_or(std::vector<NodeId>{});
      }
      o.change = ReadLinkChange(*l).value_or(LinkChange{});
      l->Finish();
      out.links.push_back(std::move(o));
    }
  }
  net.Finish();
}

void ReadExpect(JsonObject& o, const Protocol& p, Expectations& e) {
  const std::string verdict = o.Enum("verdict", "", {"pass", "fail"});
  e.violations = ReadNames(o, "violations", ItemNames(p.checks()), "check");
  e.expect_pass = verdict.empty() ? e.violations.empty() : verdict == "pass";
  if (o.ctx()->ok() && e.expect_pass && !e.violations.empty()) {
    o.Fail("\"verdict\": \"pass\" contradicts the expected \"violations\"");
  }
  if (std::optional<JsonObject> facts = o.Object("facts")) {
    facts->AllowAnyKey();
    const std::vector<std::string> known = ItemNames(p.facts());
    for (const std::string& name : facts->Keys()) {
      const nlohmann::json& value = facts->raw().at(name);
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        JsonValue(o.ctx(), &value, facts->path().Key(name))
            .Fail(absl::StrFormat("protocol %s reports no fact \"%s\" (its facts: %s)",
                                  p.name(), name, Quoted(known)));
        break;
      }
      if (value.is_object() && value.contains("one_of") &&
          (value.size() != 1 || !value["one_of"].is_array() || value["one_of"].empty())) {
        JsonValue(o.ctx(), &value, facts->path().Key(name))
            .Fail("\"one_of\" takes a non-empty array of values and nothing beside it");
        break;
      }
      if (value.is_object() && value.contains("min") && value.contains("max") && value["min"].is_number() &&
          value["max"].is_number() && value["min"].get<double>() > value["max"].get<double>()) {
        JsonValue(o.ctx(), &value, facts->path().Key(name))
            .Fail(absl::StrFormat("\"min\" %s is above \"max\" %s: no value meets it", value["min"].dump(),
                                  value["max"].dump()));
        break;
      }
      e.facts.emplace_back(name, value);
    }
  }
  o.Finish();
}

// Explicit crashes and restarts must alternate per node, in time order (the
// file's order at one instant): a restart of a running node or a crash of a
// crashed one would be skipped at run time, and a restart at 0 of a node
// that boots at 0 is a contradiction.
void CheckCrashesAndRestarts(const JsonArray& array, const std::vector<Fault>& faults,
                             const std::vector<NodeId>& initially_down) {
  std::vector<size_t> order(faults.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return faults[a].at_ns < faults[b].at_ns; });
  std::map<NodeId, size_t> last;  // node -> index of its latest crash or restart
  for (size_t i : order) {
    const Fault& f = faults[i];
    if (f.kind != Fault::Kind::kCrash && f.kind != Fault::Kind::kRestart) continue;
    auto it = last.find(f.node);
    const bool down = it != last.end()
                          ? faults[it->second].kind == Fault::Kind::kCrash
                          : std::find(initially_down.begin(), initially_down.end(), f.node) != initially_down.end();
    if (down == (f.kind == Fault::Kind::kRestart)) {  // the node is in the state the fault expects
      last[f.node] = i;
      continue;
    }
    const std::string since =
        it != last.end() ? absl::StrFormat(" (since /faults/%d at %s)", it->second, FormatDuration(faults[it->second].at_ns))
                         : (down ? " (initially down)" : " (from the start)");
    array.At(i).Fail(f.kind == Fault::Kind::kCrash
                         ? absl::StrFormat("crashes n%d at %s, which is already down%s", f.node, FormatDuration(f.at_ns), since)
                         : absl::StrFormat("restarts n%d at %s, which is up%s: crash it first", f.node,
                                           FormatDuration(f.at_ns), since));
    return;
  }
}

}  // namespace

void RejectInapplicable(JsonObject& o, const std::vector<std::string>& all,
                        const std::vector<std::string>& applicable, const std::string& what) {
  for (const std::string& k : all) {
    if (o.Has(k) && std::find(applicable.begin(), applicable.end(), k) == applicable.end() &&
        o.ctx()->ok()) {
      o.ctx()->Fail(o.path().Key(k), absl::StrFormat("\"%s\" does not apply to %s", k, what));
    }
  }
}

std::optional<LinkChange> ReadLinkChange(JsonObject& o) {
  LinkChange c;
  if (std::optional<JsonValue> v = o.Value("latency")) {
    c.latency = ReadLatency(*v);
  }
  if (o.Has("loss")) c.loss = o.Double("loss", 0, 0, 1);
  if (o.Has("duplicate")) c.duplicate = o.Double("duplicate", 0, 0, 1);
  if (o.Has("reorder")) c.reorder = o.Double("reorder", 0, 0, 1);
  if (o.Has("reorder_delay")) c.reorder_delay_ns = o.Duration("reorder_delay", 0);
  if (o.Has("mode")) c.fifo = o.Enum("mode", "fifo", {"fifo", "datagram"}) == "fifo";
  return c;
}

nlohmann::json LatencyToJson(const LatencyDist& d) {
  switch (d.kind) {
    case LatencyDist::Kind::kConstant:
      return FormatDuration(d.min_ns);
    case LatencyDist::Kind::kUniform:
      return {{"dist", "uniform"}, {"min", FormatDuration(d.min_ns)}, {"max", FormatDuration(d.max_ns)}};
    case LatencyDist::Kind::kLongTail:
      return {{"dist", "longtail"},
              {"min", FormatDuration(d.min_ns)},
              {"median", FormatDuration(d.median_ns)},
              {"max", FormatDuration(d.max_ns)}};
  }
  return nullptr;
}

nlohmann::json LinkChangeToJson(const LinkChange& c) {
  nlohmann::json o = nlohmann::json::object();
  if (c.latency) o["latency"] = LatencyToJson(*c.latency);
  if (c.loss) o["loss"] = *c.loss;
  if (c.duplicate) o["duplicate"] = *c.duplicate;
  if (c.reorder) o["reorder"] = *c.reorder;
  if (c.reorder_delay_ns) o["reorder_delay"] = FormatDuration(*c.reorder_delay_ns);
  if (c.fifo) o["mode"] = *c.fifo ? "fifo" : "datagram";
  return o;
}

NodeId ReadNode(JsonObject& o, std::string_view key, int max_id) {
  o.Require(key);
  return static_cast<NodeId>(o.Int(key, 1, 1, max_id));
}

std::vector<std::vector<NodeId>> ReadGroups(JsonObject& o, int max_id) {
  std::vector<std::vector<NodeId>> groups;
  o.Require("groups");
  std::optional<JsonArray> arr = o.Array("groups");
  if (!arr) return groups;
  std::set<NodeId> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    JsonValue g = arr->At(i);
    std::optional<std::vector<NodeId>> ids = ReadNodeList(g, max_id);
    if (!ids) return groups;
    // An empty group cuts nothing off; 100,000 of them once cost a pass over
    // every pair of groups.
    if (ids->empty()) {
      g.Fail("a group names no node");
      return groups;
    }
    for (NodeId id : *ids) {
      if (!seen.insert(id).second) {
        g.Fail(absl::StrFormat("node %d is in more than one group", id));
        return groups;
      }
    }
    groups.push_back(*ids);
  }
  return groups;
}

std::optional<LatencyDist> ReadLatency(const JsonValue& v) {
  if (v.raw().is_string()) {
    std::optional<int64_t> ns = v.AsDuration(0, kForever);
    if (!ns) return std::nullopt;
    return LatencyDist::Constant(*ns);
  }
  std::optional<JsonObject> o = v.AsObject();
  if (!o) return std::nullopt;
  o->Require("dist");
  const std::string dist = o->Enum("dist", "uniform", {"constant", "uniform", "longtail"});
  if (!o->ctx()->ok()) return std::nullopt;
  const std::vector<std::string> keys =
      dist == "constant"  ? std::vector<std::string>{"value"}
      : dist == "uniform" ? std::vector<std::string>{"min", "max"}
                          : std::vector<std::string>{"min", "median", "max"};
  RejectInapplicable(*o, {"value", "min", "max", "median"}, keys,
                     absl::StrFormat("a \"%s\" distribution", dist));
  for (const std::string& k : keys) o->Require(k);
  LatencyDist d;
  if (dist == "constant") {
    d = LatencyDist::Constant(o->Duration("value", 0));
  } else if (dist == "uniform") {
    d = LatencyDist::Uniform(o->Duration("min", 0), o->Duration("max", 0));
    if (o->ctx()->ok() && d.min_ns > d.max_ns) o->Fail("\"min\" is above \"max\"");
  } else {
    d = LatencyDist::LongTail(o->Duration("min", 0), o->Duration("median", 0),
                              o->Duration("max", 0));
    if (o->ctx()->ok() && !(d.min_ns < d.median_ns && d.median_ns <= d.max_ns)) {
      o->Fail("a longtail needs min < median <= max");
    }
  }
  o->Finish();
  if (!o->ctx()->ok()) return std::nullopt;
  return d;
}

std::optional<std::vector<NodeId>> ReadNodeList(const JsonValue& v, int max_id) {
  std::optional<JsonArray> arr = v.AsArray();
  if (!arr) return std::nullopt;
  std::vector<NodeId> ids;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::optional<int64_t> id = arr->At(i).AsInt(1, max_id);
    if (!id) return std::nullopt;
    // A node named twice is a slip (and a link fault from [2, 2] once
    // overran the network's table).
    if (std::find(ids.begin(), ids.end(), static_cast<NodeId>(*id)) != ids.end()) {
      arr->At(i).Fail(absl::StrFormat("node %d is listed twice", *id));
      return std::nullopt;
    }
    ids.push_back(static_cast<NodeId>(*id));
  }
  return ids;
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path,
                                          const ProtocolRegistry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("%s: cannot open the file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseScenario(ss.str(), path, registry);
}

absl::StatusOr<Scenario> ParseScenario(std::string_view text, const std::string& file,
                                       const ProtocolRegistry& registry,
                                       std::set<std::string>* recorded_keys) {
  JsonContext ctx(file);
  ctx.RecordKeysInto(recorded_keys);
  std::optional<nlohmann::json> doc = ctx.Parse(text);
  if (!doc) return ctx.status();
  JsonObject root = ctx.Root(*doc);
  DSIM_RETURN_IF_ERROR(ctx.status());

  Scenario s;
  s.file = file;
  root.Require("name");
  s.name = root.String("name", "");
  s.description = root.String("description", "");
  root.Require("protocol");
  const std::string protocol = root.String("protocol", "");
  DSIM_RETURN_IF_ERROR(ctx.status());
  s.protocol = registry.Find(protocol);
  if (s.protocol == nullptr) {
    ctx.Fail(root.path().Key("protocol"),
             absl::StrFormat("unknown protocol \"%s\" (known: %s)", protocol,
                             Quoted(registry.Names())));
    return ctx.status();
  }
  root.Require("nodes");
  s.sim.num_servers = static_cast<int>(root.Int("nodes", 3, s.protocol->min_servers(), kMaxNodes));
  root.Require("duration");
  s.duration_ns = root.Duration("duration", kSecond, 1);
  s.seed = static_cast<uint64_t>(root.Int("seed", 1, 0, INT64_MAX));
  s.sim.step_ns = root.Duration("step_cost", 10, 0, kSecond);
  s.info.num_servers = s.sim.num_servers;
  s.info.duration_ns = s.duration_ns;
  for (const std::string& b :
       ReadNames(root, "bugs", ItemNames(s.protocol->bugs()), "bug")) {
    s.info.bugs.insert(b);
  }
  DSIM_RETURN_IF_ERROR(ctx.status());

  // The protocol's own keys come first: they say how many clients there are.
  std::optional<JsonObject> options = root.Object("options");
  std::optional<JsonObject> workload = root.Object("workload");
  DSIM_RETURN_IF_ERROR(ctx.status());
  s.config = s.protocol->Configure(s.info, options ? &*options : nullptr,
                                   workload ? &*workload : nullptr);
  if (options) options->Finish();
  if (workload) workload->Finish();
  DSIM_RETURN_IF_ERROR(ctx.status());
  DSIM_ASSERT(s.config != nullptr);
  s.sim.num_clients = s.config->num_clients;
  const int max_id = s.sim.num_servers + s.sim.num_clients;

  if (std::optional<JsonObject> net = root.Object("network")) {
    ReadNetwork(*net, max_id, s.sim.network);
  }
  if (std::optional<JsonArray> clocks = root.Array("clocks")) {
    s.sim.clocks.assign(max_id, ClockSpec{});
    for (size_t i = 0; i < clocks->size(); ++i) {
      std::optional<JsonObject> c = clocks->At(i).AsObject();
      if (!c) break;
      const NodeId id = ReadNode(*c, "node", max_id);
      ClockSpec& spec = s.sim.clocks[id - 1];
      spec.offset_ns = c->Duration("offset", 0, -kForever + 1, kForever);
      spec.drift_ppb = c->Int("drift_ppm", 0, -kMaxDriftPpm, kMaxDriftPpm) * 1000;
      c->Finish();
    }
  }
  if (std::optional<JsonObject> disk = root.Object("disk")) {
    s.sim.disk.write_ns = disk->Duration("write_cost", s.sim.disk.write_ns);
    s.sim.disk.sync_ns = disk->Duration("sync_cost", s.sim.disk.sync_ns);
    disk->Finish();
  }
  if (std::optional<JsonValue> down = root.Value("initially_down")) {
    s.sim.initially_down =
        ReadNodeList(*down, s.sim.num_servers).value_or(std::vector<NodeId>{});
  }
  if (std::optional<JsonArray> faults = root.Array("faults")) {
    for (size_t i = 0; i < faults->size() && ctx.ok(); ++i) {
      std::optional<Fault> f = ReadFault(
          faults->At(i), {.num_servers = s.sim.num_servers, .max_id = max_id, .duration_ns = s.duration_ns});
      if (f) s.faults.push_back(std::move(*f));
    }
    if (ctx.ok()) CheckCrashesAndRestarts(*faults, s.faults, s.sim.initially_down);
  }
  s.info.faults = s.faults;
  if (std::optional<JsonObject> nemesis = root.Object("nemesis")) {
    NemesisKeys().Read(*nemesis, s.info, s.nemesis);
    nemesis->Finish();
  }
  std::vector<std::string> checks;
  if (root.Has("checks")) {
    checks = ReadNames(root, "checks", ItemNames(s.protocol->checks()), "check");
  } else {
    checks = s.protocol->default_checks_for(*s.config);
  }
  s.checks.insert(checks.begin(), checks.end());
  if (std::optional<JsonObject> expect = root.Object("expect")) {
    ReadExpect(*expect, *s.protocol, s.expect);
    for (const std::string& v : s.expect.violations) {
      if (ctx.ok() && !s.checks.count(v)) {
        ctx.Fail(expect->path().Key("violations"),
                 absl::StrFormat("check \"%s\" is expected to fail but does not run "
                                 "(add it to \"checks\")",
                                 v));
      }
    }
  }
  if (std::optional<JsonObject> swarm = root.Object("swarm")) s.swarm = ReadSwarm(*swarm);
  root.Finish();
  DSIM_RETURN_IF_ERROR(ctx.status());
  s.source = std::move(*doc);
  s.source.erase("swarm");
  if (!s.swarm.empty()) DSIM_RETURN_IF_ERROR(CheckSwarm(s, registry));
  return s;
}

}  // namespace dsim
