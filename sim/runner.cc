#include "sim/runner.h"

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/str_format.h"
#include "sim/assert.h"
#include "sim/faults.h"

namespace dsim {
namespace {

// An expected value {"min": a, "max": b} (either bound optional) is a range.
bool IsRange(const nlohmann::json& expected) {
  if (!expected.is_object() || expected.empty()) return false;
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    if ((it.key() != "min" && it.key() != "max") || !it.value().is_number()) return false;
  }
  return true;
}

// {"one_of": [a, b, ...]}: any of the listed values (or ranges) will do.
bool IsOneOf(const nlohmann::json& expected) {
  return expected.is_object() && expected.size() == 1 && expected.contains("one_of") &&
         expected["one_of"].is_array();
}

bool FactMatches(const nlohmann::json& expected, const nlohmann::json& actual) {
  if (IsOneOf(expected)) {
    for (const nlohmann::json& choice : expected["one_of"]) {
      if (FactMatches(choice, actual)) return true;
    }
    return false;
  }
  if (!IsRange(expected)) return expected == actual;
  if (!actual.is_number()) return false;
  const double a = actual.get<double>();
  if (expected.contains("min") && a < expected["min"].get<double>()) return false;
  if (expected.contains("max") && a > expected["max"].get<double>()) return false;
  return true;
}

}  // namespace

std::vector<const CheckResult*> RunReport::violations() const {
  std::vector<const CheckResult*> v;
  for (const CheckResult& c : checks) {
    if (!c.ok) v.push_back(&c);
  }
  return v;
}

void EvaluateExpectations(const Expectations& e, const std::vector<CheckResult>& checks,
                          const std::map<std::string, nlohmann::json>& facts,
                          std::vector<std::string>& unmet) {
  std::set<std::string> failed;
  for (const CheckResult& c : checks) {
    if (!c.ok) failed.insert(c.name);
  }
  if (e.expect_pass) {
    for (const CheckResult& c : checks) {
      if (!c.ok) unmet.push_back(absl::StrFormat("check %s failed: %s", c.name, c.detail));
    }
  } else if (e.violations.empty()) {
    if (failed.empty()) unmet.push_back("expected some check to fail, but every check passed");
  } else {
    const std::set<std::string> expected(e.violations.begin(), e.violations.end());
    for (const std::string& v : expected) {
      if (!failed.count(v)) {
        unmet.push_back(absl::StrFormat("expected check %s to fail, but it passed", v));
      }
    }
    for (const CheckResult& c : checks) {
      if (!c.ok && !expected.count(c.name)) {
        unmet.push_back(
            absl::StrFormat("check %s failed unexpectedly: %s", c.name, c.detail));
      }
    }
  }
  for (const auto& [name, expected] : e.facts) {
    auto it = facts.find(name);
    if (it == facts.end()) {
      unmet.push_back(absl::StrFormat("fact %s was not reported", name));
    } else if (!FactMatches(expected, it->second)) {
      unmet.push_back(absl::StrFormat("fact %s is %s, expected %s", name, it->second.dump(),
                                      expected.dump()));
    }
  }
}

RunReport RunScenario(const Scenario& s, const RunOptions& options) {
  RunReport report;
  report.scenario = s.name;
  report.file = s.file;
  report.seed = options.seed.value_or(s.seed);
  report.swarm = s.swarm_draw;
  report.swarm_by_flag = s.swarm_by_flag;

  SimOptions sim_options = s.sim;
  sim_options.seed = report.seed;
  std::unique_ptr<ProtocolRun> run = s.protocol->NewRun(*s.config, s.info, report.seed);
  ProtocolRun* run_ptr = run.get();
  Simulator sim(sim_options, [run_ptr](NodeId id) { return run_ptr->NewProcess(id); });
  run->Attach(&sim);
  sim.AttachObservations(&run->observations());
  sim.SetTraceOutput(options.trace);
  ScheduleFaults(sim, s.faults);
  Nemesis nemesis(s.nemesis, sim, s.duration_ns);
  sim.Start();
  sim.RunUntil(s.duration_ns);

  RunOutcome outcome;
  run->Finish(s.checks, outcome);
  report.checks = outcome.checks();
  report.facts = outcome.facts();
  report.summary = outcome.summary();
  // What a run reports, it must have declared: the declarations drive the
  // loader, `dsim protocols` and the schema.
  auto declared = [](const std::vector<NamedItem>& items, const std::string& name) {
    return std::any_of(items.begin(), items.end(), [&](const NamedItem& i) { return i.name == name; });
  };
  const std::vector<NamedItem> declared_checks = s.protocol->checks();
  const std::vector<NamedItem> declared_facts = s.protocol->facts();
  for (const CheckResult& c : report.checks) {
    DSIM_ASSERT_MSG(declared(declared_checks, c.name), "%s reported check %s, which it does not declare",
                    s.protocol->name(), c.name);
  }
  for (const auto& [name, value] : report.facts) {
    DSIM_ASSERT_MSG(declared(declared_facts, name), "%s reported fact %s, which it does not declare",
                    s.protocol->name(), name);
  }
  std::set<std::string> reported;
  for (const CheckResult& c : report.checks) reported.insert(c.name);
  for (const std::string& c : s.checks) {
    if (!reported.count(c)) report.unmet.push_back(absl::StrFormat("check %s did not run", c));
  }
  EvaluateExpectations(s.expect, report.checks, report.facts, report.unmet);
  report.pass = report.unmet.empty();
  report.trace_hash = sim.trace_hash();
  report.stats = sim.stats();
  report.sim_time_ns = sim.now();
  report.faults = sim.fault_log();
  report.applied_faults = sim.applied_faults();
  report.history = sim.history();
  return report;
}

}  // namespace dsim
