// What a protocol family registers with dsim, and what one run of it is.
//
// A Protocol parses its own scenario keys ("options", "workload"), names its
// checks, planted bugs and facts, and makes a ProtocolRun per simulation. The
// run builds the Process for every node (servers 1..n, then clients), watches
// what they do (protocol code records observations into its run), and at the
// end reports checks, facts and summary lines into a RunOutcome.
//
// A Protocol object is immutable after registration and shared by every
// simulation of a fuzz batch; a ProtocolRun belongs to exactly one.
//
//   class HeartbeatProtocol : public Protocol { ... };
//   ProtocolRegistry registry;
//   registry.Add(std::make_unique<HeartbeatProtocol>());
#ifndef DSIM_SIM_PROTOCOL_H_
#define DSIM_SIM_PROTOCOL_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "sim/assert.h"
#include "sim/json_reader.h"
#include "sim/observations.h"
#include "sim/options.h"
#include "sim/process.h"
#include "sim/scenario_info.h"

namespace dsim {

class Simulator;

// The parsed protocol-specific part of a scenario.
class ProtocolConfig {
 public:
  virtual ~ProtocolConfig() = default;
  int num_clients = 0;
};

struct CheckResult {
  std::string name;
  bool ok = true;
  std::string detail;  // why it failed, or what it verified
  // Failed because the checker ran out of budget, not on evidence: no bug
  // was shown (dsim hunt does not count it as a find).
  bool undecided = false;
  // The client operations the witness names, by process and invocation
  // time: what a viewer (dsim report) draws the witness on.
  std::vector<std::pair<int32_t, int64_t>> witness_ops;
};

// What a run reports at its end.
class RunOutcome {
 public:
  void Check(std::string name, bool ok, std::string detail = "") {
    checks_.push_back({std::move(name), ok, std::move(detail)});
  }
  // A check that could not decide within its budget: it fails, as undecided.
  void Undecided(std::string name, std::string detail) {
    checks_.push_back({std::move(name), false, std::move(detail), true});
  }
  // Names the operations of the witness of the check reported last.
  void WitnessOps(std::vector<std::pair<int32_t, int64_t>> ops) {
    if (!checks_.empty()) checks_.back().witness_ops = std::move(ops);
  }
  void Fact(std::string name, nlohmann::json value) { facts_[std::move(name)] = std::move(value); }
  void Summary(std::string line) { summary_.push_back(std::move(line)); }

  const std::vector<CheckResult>& checks() const { return checks_; }
  const std::map<std::string, nlohmann::json>& facts() const { return facts_; }
  const std::vector<std::string>& summary() const { return summary_; }

 private:
  std::vector<CheckResult> checks_;
  std::map<std::string, nlohmann::json> facts_;
  std::vector<std::string> summary_;
};

class ProtocolRun {
 public:
  virtual ~ProtocolRun() = default;
  // The process for node `id`: a server if id <= num_servers, else a client.
  // Called at boot and at every restart.
  virtual std::unique_ptr<Process> NewProcess(NodeId id) = 0;
  // After the last event: run the checks in `checks` and report facts.
  virtual void Finish(const std::set<std::string>& checks, RunOutcome& out) = 0;

  // The engine, for true time and ground truth (who crashed when). Protocol
  // processes never see it; only the run's observers and checks do.
  void Attach(const Simulator* sim) { sim_ = sim; }
  // What the run's processes reported with Context::Observe.
  Observations& observations() { return observations_; }

 protected:
  const Simulator* sim_ = nullptr;
  Observations observations_;
};

struct NamedItem {
  std::string name;
  std::string doc;
};

// The declared keys of a protocol's "options" or "workload" object.
struct KeyTable {
  nlohmann::ordered_json schema;  // the object's JSON schema
  std::vector<OptionDoc> docs;
  bool empty() const { return docs.empty(); }
};

class Protocol {
 public:
  virtual ~Protocol() = default;
  virtual std::string name() const = 0;
  virtual std::string description() const = 0;
  // Every check it can run, and whether a scenario without "checks" runs it.
  virtual std::vector<NamedItem> checks() const = 0;
  virtual std::vector<std::string> default_checks() const;
  // The defaults for one configuration (a protocol whose checks depend on
  // its workload narrows them here).
  virtual std::vector<std::string> default_checks_for(const ProtocolConfig&) const { return default_checks(); }
  virtual std::vector<NamedItem> bugs() const { return {}; }
  // The fewest servers ("nodes") a scenario of this protocol may have.
  virtual int min_servers() const { return 1; }
  virtual std::vector<NamedItem> facts() const { return {}; }
  // The keys "options" and "workload" may hold (empty: the protocol takes
  // none), for `dsim protocols` and scenarios/schema.json.
  virtual KeyTable option_keys() const { return {}; }
  virtual KeyTable workload_keys() const { return {}; }
  // Reads "options" and "workload" (either may be null: absent). Errors go
  // to the readers' context; the result is ignored when it is not ok.
  virtual std::shared_ptr<const ProtocolConfig> Configure(const ScenarioInfo& info,
                                                          JsonObject* options,
                                                          JsonObject* workload) const = 0;
  virtual std::unique_ptr<ProtocolRun> NewRun(const ProtocolConfig& config,
                                              const ScenarioInfo& info,
                                              uint64_t seed) const = 0;
};

// The way to write a Protocol: its config type C (a ProtocolConfig), its
// keys declared once in options_ and workload_, its planted bugs as switches
// on C's fields. Configure and NewRun are done here; a family writes
// Defaults (what depends on the scenario), Derive (what follows from the
// keys read) and Run.
//
//   class HeartbeatProtocol : public ProtocolOf<Config> {
//    public:
//     HeartbeatProtocol() {
//       options_.Duration("interval", "time between heartbeats",
//                         Field(&Config::options, &Options::interval_ns)).Range(1, kForever);
//       Bug("wall_clock_timeout", "measures silence on the wall clock",
//           Field(&Config::options, &Options::bug_wall_clock_timeout));
//     }
//     ...
//   };
template <typename C>
class ProtocolOf : public Protocol {
  static_assert(std::is_base_of_v<ProtocolConfig, C>);

 public:
  std::vector<NamedItem> bugs() const final {
    std::vector<NamedItem> items;
    for (const BugSwitch& b : bugs_) items.push_back({b.name, b.doc});
    return items;
  }
  KeyTable option_keys() const final { return Table(options_); }
  KeyTable workload_keys() const final { return Table(workload_); }

  std::shared_ptr<const ProtocolConfig> Configure(const ScenarioInfo& info, JsonObject* options,
                                                  JsonObject* workload) const final {
    auto c = std::make_shared<C>();
    Defaults(info, *c);
    ReadKeys(options_, "options", options, info, *c);
    ReadKeys(workload_, "workload", workload, info, *c);
    for (const BugSwitch& b : bugs_) b.set(*c, info.bugs.count(b.name) > 0);
    Derive(info, *c);
    return c;
  }

  std::unique_ptr<ProtocolRun> NewRun(const ProtocolConfig& config, const ScenarioInfo& info,
                                      uint64_t seed) const final {
    return Run(Typed(config), info, seed);
  }
  std::vector<std::string> default_checks_for(const ProtocolConfig& config) const final {
    return DefaultChecksFor(Typed(config));
  }

 protected:
  // A planted bug: a named switch, off unless the scenario's "bugs" has it.
  template <typename F>
  void Bug(std::string name, std::string doc, F field) {
    for (const BugSwitch& b : bugs_) DSIM_ASSERT(b.name != name && "a bug is declared twice");
    bugs_.push_back({std::move(name), std::move(doc), [field](C& c, bool on) { field(c) = on; }});
  }

  // Defaults that depend on the scenario, set before any key is read.
  virtual void Defaults(const ScenarioInfo&, C&) const {}
  // Values computed from the keys read (and the bugs), after reading.
  virtual void Derive(const ScenarioInfo&, C&) const {}
  virtual std::unique_ptr<ProtocolRun> Run(const C& config, const ScenarioInfo& info,
                                           uint64_t seed) const = 0;
  // The checks a scenario without "checks" runs, for this configuration.
  virtual std::vector<std::string> DefaultChecksFor(const C&) const { return default_checks(); }

  OptionSet<C> options_;
  OptionSet<C> workload_;

 private:
  struct BugSwitch {
    std::string name;
    std::string doc;
    std::function<void(C&, bool)> set;
  };

  // The only downcast: every config this protocol sees, it made.
  static const C& Typed(const ProtocolConfig& config) {
    const C* c = dynamic_cast<const C*>(&config);
    DSIM_ASSERT(c != nullptr && "a config from another protocol");
    return *c;
  }

  void ReadKeys(const OptionSet<C>& set, const char* key, JsonObject* o, const ScenarioInfo& info,
                C& c) const {
    if (o == nullptr) return;
    if (set.empty()) {
      o->Fail("the " + name() + " protocol has no " + key);
      return;
    }
    set.Read(*o, info, c);
  }

  static KeyTable Table(const OptionSet<C>& set) {
    if (set.empty()) return {};
    return {set.Schema(), set.Docs()};
  }

  std::vector<BugSwitch> bugs_;
};

class ProtocolRegistry {
 public:
  void Add(std::unique_ptr<Protocol> p);
  const Protocol* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::unique_ptr<Protocol>, std::less<>> protocols_;
};

}  // namespace dsim

#endif  // DSIM_SIM_PROTOCOL_H_
