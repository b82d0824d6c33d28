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
#include <vector>

#include "nlohmann/json.hpp"
#include "sim/faults.h"
#include "sim/json_reader.h"
#include "sim/process.h"

namespace dsim {

class Simulator;

// What the generic part of a scenario tells a protocol.
struct ScenarioInfo {
  int num_servers = 0;
  int64_t duration_ns = 0;
  std::set<std::string> bugs;
  // The scheduled faults (complete only when a run is made, not yet when
  // the protocol's own keys are read).
  std::vector<Fault> faults;
};

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
};

// What a run reports at its end.
class RunOutcome {
 public:
  void Check(std::string name, bool ok, std::string detail = "") {
    checks_.push_back({std::move(name), ok, std::move(detail)});
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

 protected:
  const Simulator* sim_ = nullptr;
};

struct NamedItem {
  std::string name;
  std::string doc;
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
  // Reads "options" and "workload" (either may be null: absent). Errors go
  // to the readers' context; the result is ignored when it is not ok.
  virtual std::shared_ptr<const ProtocolConfig> Configure(const ScenarioInfo& info,
                                                          JsonObject* options,
                                                          JsonObject* workload) const = 0;
  virtual std::unique_ptr<ProtocolRun> NewRun(const ProtocolConfig& config,
                                              const ScenarioInfo& info,
                                              uint64_t seed) const = 0;
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
