// Scenario files: what to run, how the world misbehaves, what must hold.
//
// A scenario is a JSON file (schema: scenarios/schema.json). Loading is
// strict: an unknown key, a wrong type, a negative duration, a node id out of
// range or a malformed duration string is a one-line error
// `FILE: /json/pointer: what is wrong`, never a silent default.
//
//   ProtocolRegistry registry;  RegisterBuiltinProtocols(registry);
//   absl::StatusOr<Scenario> s = LoadScenarioFile("scenarios/heartbeat/partition.json", registry);
//   if (!s.ok()) { std::cerr << s.status().message(); return 2; }
#ifndef DSIM_SIM_SCENARIO_H_
#define DSIM_SIM_SCENARIO_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sim/faults.h"
#include "sim/json_reader.h"
#include "sim/protocol.h"
#include "sim/scenario_readers.h"
#include "sim/simulator.h"
#include "sim/swarm.h"

namespace dsim {

struct Expectations {
  // "pass": every check passes. "fail": some check fails - exactly the ones
  // in `violations` when that list is not empty.
  bool expect_pass = true;
  std::vector<std::string> violations;
  // Facts the protocol must report, with their values. An expected value of
  // the form {"min": a, "max": b} (either bound optional) is a range;
  // {"one_of": [...]} accepts any of the values or ranges listed.
  std::vector<std::pair<std::string, nlohmann::json>> facts;
};

struct Scenario {
  std::string file;
  std::string name;
  std::string description;
  const Protocol* protocol = nullptr;
  std::shared_ptr<const ProtocolConfig> config;
  ScenarioInfo info;
  uint64_t seed = 1;
  int64_t duration_ns = 0;
  SimOptions sim;  // num_servers, num_clients, network, clocks, disk, ...
  std::vector<Fault> faults;
  NemesisOptions nemesis;
  std::set<std::string> checks;
  Expectations expect;
  // Swarm testing (sim/swarm.h): the ranges, the document they apply to (the
  // file without "swarm"), and in a scenario derived for one seed, the
  // values drawn.
  std::vector<SwarmRange> swarm;
  nlohmann::json source;
  nlohmann::ordered_json swarm_draw;
  bool swarm_by_flag = false;  // the ranges came from `--swarm`, not the file
};

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path,
                                          const ProtocolRegistry& registry);
// `file` names the source in error messages. With `recorded_keys`, every key
// the loader declares is added to it (for the schema sync test).
absl::StatusOr<Scenario> ParseScenario(std::string_view text, const std::string& file,
                                       const ProtocolRegistry& registry,
                                       std::set<std::string>* recorded_keys = nullptr);

}  // namespace dsim

#endif  // DSIM_SIM_SCENARIO_H_
