#include "tools/cli/html_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "sim/clock.h"
#include "sim/fault_kinds.h"
#include "sim/time.h"
#include "tools/cli/report.h"
#include "tools/cli/trace_model.h"

namespace dsim {

extern const char kReportPage[];  // report_page.html, compiled in

namespace {

using Json = nlohmann::json;

// The moments a witness text names: every "at <duration>".
std::vector<int64_t> TimesNamed(const std::string& text) {
  std::vector<int64_t> times;
  const std::vector<std::string> words = absl::StrSplit(text, absl::ByAnyChar(" \n\t"), absl::SkipEmpty());
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] != "at") continue;
    std::string w = words[i + 1];
    while (!w.empty() && std::string(",;:)]").find(w.back()) != std::string::npos) w.pop_back();
    if (!w.empty() && w.back() == '.') w.pop_back();
    if (absl::StatusOr<int64_t> ns = ParseDuration(w); ns.ok() && *ns >= 0) times.push_back(*ns);
  }
  return times;
}

// The nodes a witness text names: n1, n2, ...
std::set<int> NodesNamed(const std::string& text) {
  std::set<int> nodes;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != 'n' || (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))) ||
        !std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      continue;
    }
    size_t j = i + 1;
    int id = 0;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) && id < 100000) {
      id = id * 10 + (text[j++] - '0');
    }
    if (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) continue;
    nodes.insert(id);
  }
  return nodes;
}

bool StartsNetworkFault(const Fault& f) {
  switch (f.kind) {
    case Fault::Kind::kPartition:
    case Fault::Kind::kIsolate:
    case Fault::Kind::kCut:
    case Fault::Kind::kBridge:
    case Fault::Kind::kLink:
      return true;
    default:
      return false;
  }
}

std::string Label(const Fault& f) {
  Json j = FaultToJson(f);
  j.erase("at");
  std::string kind = j["kind"].get<std::string>();
  j.erase("kind");
  return j.empty() ? kind : kind + " " + j.dump();
}

// Network faults as bands [from, to, label]: until the heal after them, the
// end of a timed link change, or the end of the run.
Json Bands(const std::vector<Fault>& faults, int64_t end) {
  Json bands = Json::array();
  std::vector<std::pair<int64_t, std::string>> open;
  for (const Fault& f : faults) {
    if (f.kind == Fault::Kind::kHeal) {
      for (const auto& [from, label] : open) bands.push_back({from, f.at_ns, label});
      open.clear();
    } else if (StartsNetworkFault(f)) {
      if (f.kind == Fault::Kind::kLink && f.amount_ns > 0) {
        bands.push_back({f.at_ns, std::min(end, SaturatingAdd(f.at_ns, f.amount_ns)), Label(f)});
      } else {
        open.emplace_back(f.at_ns, Label(f));
      }
    }
  }
  for (const auto& [from, label] : open) bands.push_back({from, end, label});
  return bands;
}

// Each node's local clock as segments [true time, wall reading, drift ppb],
// replayed with the engine's own clock from the configuration and the clock
// faults.
Json Clocks(const Scenario& s, const std::vector<Fault>& faults, int num_nodes) {
  Json clocks = Json::object();
  for (int id = 1; id <= num_nodes; ++id) {
    LocalClock c;
    if (static_cast<size_t>(id) <= s.sim.clocks.size()) {
      c.Configure(s.sim.clocks[id - 1].offset_ns, s.sim.clocks[id - 1].drift_ppb);
    }
    Json segments = Json::array({Json::array({0, c.Wall(0), c.drift_ppb()})});
    for (const Fault& f : faults) {
      if (static_cast<int>(f.node) != id) continue;
      if (f.kind == Fault::Kind::kClockStep) {
        c.Step(f.amount_ns);
      } else if (f.kind == Fault::Kind::kClockDrift) {
        c.SetDrift(f.at_ns, f.drift_ppb);
      } else {
        continue;
      }
      segments.push_back({f.at_ns, c.Wall(f.at_ns), c.drift_ppb()});
    }
    clocks[std::to_string(id)] = segments;
  }
  return clocks;
}

}  // namespace

absl::Status WriteHtmlReport(const Scenario& s, const RunReport& r, std::istream& trace, std::ostream& out) {
  absl::StatusOr<TraceModel> m = ReadTrace(trace, s.sim.step_ns);
  if (!m.ok()) return m.status();
  const int num_nodes = std::max(m->max_node, s.sim.num_servers + s.sim.num_clients);
  const int64_t end = std::max(r.sim_time_ns, s.duration_ns);

  Json d;
  d["meta"] = {{"name", s.name},
               {"file", s.file},
               {"seed", r.seed},
               {"protocol", s.protocol->name()},
               {"servers", s.sim.num_servers},
               {"clients", s.sim.num_clients},
               {"duration_ns", end},
               {"verdict", r.pass ? "pass" : "fail"},
               {"trace_hash", HashToHex(r.trace_hash)},
               {"replay", r.pass ? "" : ReplayCommand(r.file, r.seed, r.swarm_by_flag)}};
  Json nodes = Json::array();
  for (int id = 1; id <= num_nodes; ++id) {
    nodes.push_back({{"id", id}, {"name", id <= s.sim.num_servers ? absl::StrFormat("n%d", id)
                                                                  : absl::StrFormat("client n%d", id)}});
  }
  d["nodes"] = nodes;

  std::map<std::string, int> type_index, reason_index;
  Json types = Json::array(), reasons = Json::array();
  Json messages = Json::array();
  for (const TraceModel::Message& msg : m->messages) {
    auto [it, added] = type_index.emplace(msg.type, static_cast<int>(types.size()));
    if (added) types.push_back(msg.type);
    const int flags = (msg.dropped.empty() ? 0 : 1) | (msg.duplicate ? 2 : 0);
    int reason = -1;
    if (!msg.dropped.empty()) {
      auto [r, fresh] = reason_index.emplace(msg.dropped, static_cast<int>(reasons.size()));
      if (fresh) reasons.push_back(msg.dropped);
      reason = r->second;
    }
    messages.push_back({msg.sent_ns, msg.from, msg.to, msg.delivered_ns, it->second, flags, reason, msg.dropped_ns});
  }
  d["types"] = types;
  d["drop_reasons"] = reasons;
  d["messages"] = messages;
  Json handlers = Json::array();
  for (const TraceModel::Handler& h : m->handlers) handlers.push_back({h.t_ns, h.node, h.cpu_ns});
  d["handlers"] = handlers;

  // Down from a crash (or the start, for nodes initially down) to the next boot.
  std::map<int, int64_t> down_since;
  for (NodeId id : s.sim.initially_down) down_since[id] = 0;
  Json down = Json::array();
  std::vector<std::pair<int64_t, std::pair<int, bool>>> lifecycle;  // (t, (node, is_crash))
  for (const TraceModel::NodeEvent& e : m->node_events) {
    if (e.what == "crash") lifecycle.push_back({e.t_ns, {e.node, true}});
  }
  for (const TraceModel::Handler& h : m->handlers) {
    if (h.kind == TraceModel::Handler::Kind::kBoot) lifecycle.push_back({h.t_ns, {h.node, false}});
  }
  std::stable_sort(lifecycle.begin(), lifecycle.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [t, what] : lifecycle) {
    if (what.second) {
      down_since[what.first] = t;
    } else if (auto it = down_since.find(what.first); it != down_since.end()) {
      down.push_back({what.first, it->second, t});
      down_since.erase(it);
    }
  }
  for (const auto& [node, since] : down_since) down.push_back({node, since, end});
  d["down"] = down;
  Json pauses = Json::array();
  for (const Fault& f : r.applied_faults) {
    if (f.kind == Fault::Kind::kPause) pauses.push_back({f.node, f.at_ns, SaturatingAdd(f.at_ns, f.amount_ns)});
  }
  d["pauses"] = pauses;
  d["bands"] = Bands(r.applied_faults, end);
  d["clocks"] = Clocks(s, r.applied_faults, num_nodes);

  Json ops = Json::array();
  std::map<std::pair<int64_t, int64_t>, size_t> op_at;  // (process, invoked) -> index
  for (size_t i = 0; i < m->ops.size(); ++i) {
    const TraceModel::Op& o = m->ops[i];
    op_at.emplace(std::make_pair(o.process, o.invoke_ns), i);
    ops.push_back({{"client", o.client}, {"process", o.process}, {"invoke", o.invoke_ns}, {"complete", o.complete_ns}, {"type", o.type},
                   {"f", o.f}, {"key", o.key}, {"in", o.value_in}, {"out", o.complete_ns < 0 ? "" : o.value_out}});
  }
  d["ops"] = ops;

  // The witness: its text as dsim run prints it, and where it is in the run.
  Json violations = Json::array();
  std::set<size_t> witness_ops;
  std::set<int64_t> witness_times;
  std::set<size_t> witness_messages;
  for (const CheckResult* c : r.violations()) {
    violations.push_back({{"check", c->name}, {"detail", c->detail}});
    for (const auto& [process, invoked] : c->witness_ops) {
      if (auto it = op_at.find({process, invoked}); it != op_at.end()) witness_ops.insert(it->second);
    }
    const std::vector<int64_t> times = TimesNamed(c->detail);
    witness_times.insert(times.begin(), times.end());
    // The messages that led there: the last few each named node received
    // before each moment named.
    for (int node : NodesNamed(c->detail)) {
      for (int64_t t : times) {
        int taken = 0;
        for (size_t i = m->messages.size(); i-- > 0 && taken < 3;) {
          const TraceModel::Message& msg = m->messages[i];
          if (msg.to == node && msg.delivered_ns >= 0 && msg.delivered_ns <= t) {
            witness_messages.insert(i);
            ++taken;
          }
        }
      }
    }
  }
  for (const std::string& line : r.summary) {
    if (line.find("witness") != std::string::npos) violations.push_back({{"check", "witness"}, {"detail", line}});
  }
  d["violations"] = violations;
  d["witness_ops"] = witness_ops;
  d["witness_times"] = witness_times;
  d["witness_messages"] = witness_messages;
  Json checks = Json::object();
  for (const CheckResult& c : r.checks) checks[c.name] = c.ok ? "pass" : (c.undecided ? "undecided" : "fail");
  d["checks"] = checks;
  Json facts = Json::object();
  for (const auto& [name, value] : r.facts) facts[name] = value;
  d["facts"] = facts;

  std::string data = d.dump(-1, ' ', false, Json::error_handler_t::replace);
  // Inside a <script> element nothing may read as its end tag.
  std::string safe;
  safe.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] == '<' && i + 1 < data.size() && data[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += data[i];
    }
  }
  const std::string page = kReportPage;
  const std::string marker = "/*DSIM_DATA*/";
  const size_t at = page.find(marker);
  if (at == std::string::npos) return absl::InternalError("the report page has no data marker");
  out << page.substr(0, at) << safe << page.substr(at + marker.size());
  return absl::OkStatus();
}

}  // namespace dsim
