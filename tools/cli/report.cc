#include "tools/cli/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/time.h"

namespace dsim {

// Long facts (a list of a thousand ballots) are cut in the text summary,
// between elements or words, never inside one; --json has them whole.
namespace {
constexpr size_t kFactWidth = 100;
}  // namespace

std::string FactText(const nlohmann::json& j) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s.size() <= kFactWidth + 20) return s;
    size_t cut = s.rfind(' ', kFactWidth);
    if (cut == std::string::npos || cut == 0) cut = kFactWidth;
    return absl::StrFormat("%s ... (%d chars)", s.substr(0, cut), s.size());
  }
  const std::string whole = j.dump();
  if (whole.size() <= kFactWidth + 20 || !(j.is_array() || j.is_object())) return whole;
  std::string out = j.is_array() ? "[" : "{";
  size_t shown = 0;
  for (auto it = j.begin(); it != j.end(); ++it, ++shown) {
    const std::string value = it->is_structured() ? FactText(*it) : it->dump();
    const std::string item = j.is_array() ? value : absl::StrCat(nlohmann::json(it.key()).dump(), ":", value);
    if (shown > 0 && out.size() + item.size() > kFactWidth) break;
    if (shown > 0) out += ",";
    out += item;
  }
  return absl::StrFormat("%s, ... %d more of %d%s", out, j.size() - shown, j.size(), j.is_array() ? "]" : "}");
}

std::string ReplayCommand(const std::string& file, uint64_t seed, bool swarm_flag) {
  return absl::StrFormat("dsim run %s --seed=%d%s", file, seed, swarm_flag ? " --swarm" : "");
}

nlohmann::ordered_json ReportJson(const RunReport& r, double wall_ms) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["verdict"] = r.pass ? "pass" : "fail";
  nlohmann::ordered_json violations = nlohmann::ordered_json::array();
  for (const CheckResult* c : r.violations()) {
    violations.push_back({{"check", c->name}, {"detail", c->detail}});
  }
  j["violations"] = violations;
  j["unmet"] = r.unmet;
  nlohmann::ordered_json checks = nlohmann::ordered_json::object();
  for (const CheckResult& c : r.checks) checks[c.name] = c.ok ? "pass" : "fail";
  j["checks"] = checks;
  nlohmann::ordered_json facts = nlohmann::ordered_json::object();
  for (const auto& [name, value] : r.facts) facts[name] = nlohmann::ordered_json::parse(value.dump());
  j["facts"] = facts;
  j["trace_hash"] = HashToHex(r.trace_hash);
  if (!r.swarm.empty()) j["swarm"] = r.swarm;
  j["stats"] = {{"events", r.stats.events},
                {"messages_sent", r.stats.messages_sent},
                {"messages_delivered", r.stats.messages_delivered},
                {"messages_dropped", r.stats.messages_dropped},
                {"sim_time_ns", r.sim_time_ns},
                {"wall_time_ms", wall_ms}};
  if (!r.pass) j["replay"] = ReplayCommand(r.file, r.seed, r.swarm_by_flag);
  return j;
}

void PrintReport(const Scenario& s, const RunReport& r, double wall_ms, std::ostream& out) {
  out << absl::StrFormat("scenario  %s (%s)\n", s.name, s.file);
  out << absl::StrFormat("protocol  %s: %d servers, %d clients, seed %d, %s simulated\n",
                         s.protocol->name(), s.sim.num_servers, s.sim.num_clients, r.seed,
                         FormatDuration(s.duration_ns));
  out << absl::StrFormat("network   %s, %s, loss %g%s\n",
                         s.sim.network.defaults.latency.ToString(),
                         s.sim.network.defaults.fifo ? "fifo" : "datagram",
                         s.sim.network.defaults.loss,
                         s.sim.network.links.empty()
                             ? ""
                             : absl::StrFormat(", %d link overrides", s.sim.network.links.size()));
  if (!s.info.bugs.empty()) {
    out << "bugs      " << absl::StrJoin(s.info.bugs, ", ") << " (planted)\n";
  }
  if (!r.swarm.empty()) {
    std::vector<std::string> drawn;
    for (const auto& [pointer, value] : r.swarm.items()) drawn.push_back(absl::StrCat(pointer, "=", value.dump()));
    out << "swarm     " << absl::StrJoin(drawn, " ") << "\n";
  }
  if (!r.faults.empty()) {
    out << absl::StrFormat("faults    %d applied%s\n", r.faults.size(),
                           s.nemesis.enabled ? " (nemesis on)" : "");
    const size_t show = std::min<size_t>(r.faults.size(), 12);
    for (size_t i = 0; i < show; ++i) {
      out << absl::StrFormat("  %10s  %s\n", FormatDuration(r.faults[i].time_ns),
                             r.faults[i].what);
    }
    if (show < r.faults.size()) {
      out << absl::StrFormat("  ... and %d more (see --trace)\n", r.faults.size() - show);
    }
  }
  for (const std::string& line : r.summary) out << "  " << line << "\n";
  out << "checks\n";
  for (const CheckResult& c : r.checks) {
    const bool expected_fail =
        std::find(s.expect.violations.begin(), s.expect.violations.end(), c.name) !=
        s.expect.violations.end();
    out << absl::StrFormat("  %-4s %s: %s%s\n", c.ok ? "ok" : "FAIL", c.name, c.detail,
                           !c.ok && expected_fail ? "  (expected)" : "");
  }
  if (!r.facts.empty()) {
    std::vector<std::string> facts;
    for (const auto& [name, value] : r.facts) facts.push_back(absl::StrCat(name, "=", FactText(value)));
    out << "facts     " << absl::StrJoin(facts, " ") << "\n";
  }
  out << absl::StrFormat(
      "stats     %d events, %d messages sent, %d delivered, %d dropped; %s simulated in "
      "%.1f ms\n",
      r.stats.events, r.stats.messages_sent, r.stats.messages_delivered,
      r.stats.messages_dropped, FormatDuration(r.sim_time_ns), wall_ms);
  for (const std::string& u : r.unmet) out << "unmet     " << u << "\n";
  if (!r.pass) out << "replay    " << ReplayCommand(r.file, r.seed) << "\n";
  out << absl::StrFormat("verdict   %s  trace %s\n", r.pass ? "pass" : "FAIL",
                         HashToHex(r.trace_hash));
}

}  // namespace dsim
