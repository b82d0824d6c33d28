#include "sim/scenario.h"

#include <string>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/time.h"
#include "tests/testing/test_protocols.h"
#include "tools/cli/builtin.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class ScenarioTest : public ::testing::Test {
 protected:
  ScenarioTest() {
    RegisterBuiltinProtocols(registry_);
    testing::RegisterTestProtocols(registry_);
  }
  // A minimal valid scenario with `extra` spliced into the top-level object.
  absl::StatusOr<Scenario> Parse(const std::string& extra) {
    std::string text = R"({"name": "t", "protocol": "heartbeat", "nodes": 3, "duration": "1s")";
    if (!extra.empty()) text += ", " + extra;
    text += "}";
    return ParseScenario(text, "s.json", registry_);
  }
  std::string Error(const std::string& extra) {
    absl::StatusOr<Scenario> s = Parse(extra);
    return s.ok() ? "(no error)" : std::string(s.status().message());
  }
  ProtocolRegistry registry_;
};

TEST_F(ScenarioTest, MinimalScenarioLoadsWithDefaults) {
  absl::StatusOr<Scenario> s = Parse("");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->sim.num_servers, 3);
  EXPECT_EQ(s->duration_ns, kSecond);
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->sim.step_ns, 10);
  EXPECT_EQ(s->sim.network.defaults.latency.min_ns, 100 * kMicrosecond);
  EXPECT_EQ(s->sim.network.defaults.latency.max_ns, kMillisecond);
  EXPECT_EQ(s->checks.size(), 2u);  // the protocol's defaults
  EXPECT_TRUE(s->expect.expect_pass);
}

TEST_F(ScenarioTest, FullScenarioLoads) {
  absl::StatusOr<Scenario> s = Parse(R"(
    "seed": 7, "step_cost": "20ns",
    "options": {"interval": "50ms", "timeout": "200ms"},
    "network": {"latency": {"dist": "longtail", "min": "100us", "median": "300us", "max": "20ms"},
                "loss": 0.01, "mode": "datagram",
                "links": [{"from": [1], "to": [2, 3], "latency": "5ms"}]},
    "clocks": [{"node": 2, "offset": "-3ms", "drift_ppm": 200}],
    "disk": {"sync_cost": "1ms"},
    "faults": [{"at": "100ms", "kind": "crash", "node": 2, "lose_unsynced": false},
               {"at": "200ms", "kind": "restart", "node": 2},
               {"at": "300ms", "kind": "bridge", "groups": [[1], [3]], "node": 2},
               {"at": "400ms", "kind": "clock_step", "node": 1, "by": "-20ms"},
               {"at": "500ms", "kind": "heal"}],
    "nemesis": {"interval": {"dist": "uniform", "min": "10ms", "max": "50ms"},
                "weights": {"crash": 2, "link": 0}},
    "checks": ["crash_detected"],
    "expect": {"facts": {"missed_crashes": 0}}
  )");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->sim.network.defaults.latency.kind, LatencyDist::Kind::kLongTail);
  EXPECT_FALSE(s->sim.network.defaults.fifo);
  EXPECT_EQ(s->sim.network.links.size(), 1u);
  EXPECT_EQ(s->sim.clocks[1].offset_ns, -3 * kMillisecond);
  EXPECT_EQ(s->sim.clocks[1].drift_ppb, 200'000);
  EXPECT_EQ(s->faults.size(), 5u);
  EXPECT_FALSE(s->faults[0].lose_unsynced);
  EXPECT_TRUE(s->nemesis.enabled);
  EXPECT_EQ(s->nemesis.crash_weight, 2);
  EXPECT_EQ(s->nemesis.link_weight, 0);
  EXPECT_EQ(s->checks, std::set<std::string>{"crash_detected"});
}

TEST_F(ScenarioTest, BadInputIsOneLineWithFileAndPointer) {
  struct Case {
    std::string extra;
    std::string error;
  };
  const Case cases[] = {
      {R"("sed": 4)", R"(s.json: /sed: unknown key "sed" (did you mean "seed"?))"},
      {R"("seed": "4")", "s.json: /seed: expected an integer, got a string"},
      {R"("seed": -1)", "s.json: /seed: -1 is out of range [0, 9223372036854775807]"},
      {R"("step_cost": "-10ns")", R"(s.json: /step_cost: duration "-10ns" must not be negative)"},
      {R"("step_cost": "10 ns")", R"(s.json: /step_cost: malformed duration "10 ns")"},
      {R"("network": {"latency": {"dist": "uniform", "min": "2ms", "max": "1ms"}})",
       R"(s.json: /network/latency: "min" is above "max")"},
      {R"("network": {"loss": 1.5})", "s.json: /network/loss: 1.5 is out of range [0, 1]"},
      {R"("network": {"mode": "tcp"})", R"(s.json: /network/mode: "tcp" is not one of "fifo", "datagram")"},
      // A value quoted into the message keeps it on one line.
      {R"("network": {"mode": "tc\np\u0001"})",
       R"(s.json: /network/mode: "tc\np\u0001" is not one of "fifo", "datagram")"},
      {R"("network": {"links": [{"from": [9]}]})", "s.json: /network/links/0/from/0: 9 is out of range [1, 3]"},
      {R"("clocks": [{"node": 0}])", "s.json: /clocks/0/node: 0 is out of range [1, 3]"},
      {R"("clocks": [{"node": 1, "drift_ppm": 2000000}])",
       "s.json: /clocks/0/drift_ppm: 2000000 is out of range [-900000, 900000]"},
      {R"("faults": [{"at": "2s", "kind": "heal"}])",
       R"(s.json: /faults/0/at: duration "2s" is above the maximum 1s)"},
      {R"("faults": [{"at": "1ms", "kind": "crash", "node": 4}])",
       "s.json: /faults/0/node: 4 is out of range [1, 3]"},
      {R"("faults": [{"at": "1ms", "kind": "crash"}])",
       R"(s.json: /faults/0: missing required key "node")"},
      {R"("faults": [{"at": "1ms", "kind": "link", "from": [2, 2], "loss": 0.5}])",
       "s.json: /faults/0/from/1: node 2 is listed twice"},
      {R"("initially_down": [3, 1, 3])", "s.json: /initially_down/2: node 3 is listed twice"},
      {R"("faults": [{"at": "1ms", "kind": "partition", "groups": [[1], [], [2, 3]]}])",
       "s.json: /faults/0/groups/1: a group names no node"},
      // Crashes and restarts alternate per node, in time order.
      {R"("faults": [{"at": "0ms", "kind": "restart", "node": 2}])",
       "s.json: /faults/0: restarts n2 at 0s, which is up (from the start): crash it first"},
      {R"("faults": [{"at": "5ms", "kind": "crash", "node": 1}, {"at": "1ms", "kind": "crash", "node": 1}])",
       "s.json: /faults/0: crashes n1 at 5ms, which is already down (since /faults/1 at 1ms)"},
      {R"("faults": [{"at": "1ms", "kind": "crash", "node": 1}, {"at": "2ms", "kind": "restart", "node": 1},
                     {"at": "3ms", "kind": "restart", "node": 1}])",
       "s.json: /faults/2: restarts n1 at 3ms, which is up (since /faults/1 at 2ms): crash it first"},
      {R"("initially_down": [3], "faults": [{"at": "1ms", "kind": "crash", "node": 3}])",
       "s.json: /faults/0: crashes n3 at 1ms, which is already down (initially down)"},
      {R"("expect": {"facts": {"suspicions": {"min": 20, "max": 10}}})",
       R"(s.json: /expect/facts/suspicions: "min" 20 is above "max" 10: no value meets it)"},
      {R"("faults": [{"at": "1ms", "kind": "explode"}])",
       R"(s.json: /faults/0/kind: "explode" is not one of)"},
      {R"("faults": [{"at": "1ms", "kind": "heal", "node": 1}])",
       R"(s.json: /faults/0/node: "node" does not apply to a "heal" fault)"},
      {R"("network": {"latency": {"dist": "constant", "value": "1ms", "max": "2ms"}})",
       R"(s.json: /network/latency/max: "max" does not apply to a "constant" distribution)"},
      {R"("faults": [{"at": "1ms", "kind": "partition", "groups": [[1, 2], [2, 3]]}])",
       "s.json: /faults/0/groups/1: node 2 is in more than one group"},
      {R"("faults": [{"at": "1ms", "kind": "pause", "node": 1, "for": "-1s"}])",
       R"(s.json: /faults/0/for: duration "-1s" must not be negative)"},
      {R"("nemesis": {"start": "900ms", "stop": "100ms"})",
       R"(s.json: /nemesis: nemesis "start" is after its "stop")"},
      // An interval of 0 once rescheduled the next fault at the same instant forever.
      {R"("nemesis": {"interval": "0"})",
       R"(s.json: /nemesis: nemesis "interval" can be as short as 0s: faults must be at least 1ms apart)"},
      {R"("nemesis": {"interval": {"dist": "uniform", "min": "1ns", "max": "10ms"}})",
       R"(s.json: /nemesis: nemesis "interval" can be as short as 1ns: faults must be at least 1ms apart)"},
      {R"("checks": ["linearizable"])", R"(s.json: /checks/0: unknown check "linearizable")"},
      {R"("bugs": ["nope"])", R"(s.json: /bugs/0: unknown bug "nope" (known: "wall_clock_timeout"))"},
      {R"("expect": {"facts": {"leader": 3}})",
       R"(s.json: /expect/facts/leader: protocol heartbeat reports no fact "leader")"},
      {R"("expect": {"facts": {"missed_crashes": {"one_of": 3}}})",
       R"(s.json: /expect/facts/missed_crashes: "one_of" takes a non-empty array)"},
      {R"("expect": {"facts": {"missed_crashes": {"one_of": [0], "min": 1}}})",
       R"(s.json: /expect/facts/missed_crashes: "one_of" takes a non-empty array of values and nothing beside it)"},
      {R"("expect": {"violations": ["crash_detected"], "verdict": "pass"})",
       R"(s.json: /expect: "verdict": "pass" contradicts)"},
      {R"("options": {"timeout": 5})",
       R"(s.json: /options/timeout: expected a duration string such as "250us", got an integer)"},
      {R"("options": {"timeuot": "5ms"})", R"(s.json: /options/timeuot: unknown key "timeuot")"},
      {R"("workload": {})", "s.json: /workload: the heartbeat protocol has no workload"},
  };
  for (const Case& c : cases) {
    const std::string e = Error(c.extra);
    EXPECT_THAT(e, StartsWith(c.error)) << c.extra;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
}

TEST_F(ScenarioTest, MissingAndWrongTopLevel) {
  EXPECT_EQ(std::string(ParseScenario("{}", "s.json", registry_).status().message()),
            R"(s.json: /: missing required key "name")");
  EXPECT_THAT(std::string(ParseScenario(R"({"name": "x", "protocol": "raft", "nodes": 3, "duration": "1s"})",
                                        "s.json", registry_).status().message()),
              StartsWith(R"(s.json: /protocol: unknown protocol "raft" (known: )"));
  EXPECT_THAT(std::string(ParseScenario("{\"name\": ", "s.json", registry_).status().message()),
              StartsWith("s.json:1:"));
  EXPECT_EQ(std::string(ParseScenario(R"({"name": "x", "protocol": "heartbeat", "nodes": 0, "duration": "1s"})",
                                      "s.json", registry_).status().message()),
            "s.json: /nodes: 0 is out of range [1, 64]");
  // Atomic commit needs a coordinator and a participant (one node divided
  // accounts among zero participants).
  for (const char* protocol : {"2pc", "3pc"}) {
    EXPECT_EQ(std::string(ParseScenario(absl::StrFormat(R"({"name": "x", "protocol": "%s", "nodes": 1, "duration": "1s"})",
                                                        protocol),
                                        "s.json", registry_).status().message()),
              "s.json: /nodes: 1 is out of range [2, 64]");
  }
  EXPECT_EQ(std::string(ParseScenario(R"({"name": "x", "protocol": "heartbeat", "nodes": 3, "duration": "0s"})",
                                      "s.json", registry_).status().message()),
            R"(s.json: /duration: duration "0s" is below the minimum 1ns)");
}

TEST_F(ScenarioTest, ClientIdsAreValidNodesForNetworkFaults) {
  const std::string text = R"({"name": "c", "protocol": "counter", "nodes": 2, "duration": "1s",
    "workload": {"clients": 2},
    "faults": [{"at": "1ms", "kind": "isolate", "node": 4}]})";
  ASSERT_TRUE(ParseScenario(text, "s.json", registry_).ok());
  const std::string crash_client = R"({"name": "c", "protocol": "counter", "nodes": 2,
    "duration": "1s", "workload": {"clients": 2},
    "faults": [{"at": "1ms", "kind": "crash", "node": 4}]})";
  EXPECT_EQ(std::string(ParseScenario(crash_client, "s.json", registry_).status().message()),
            "s.json: /faults/0/node: 4 is out of range [1, 2]");
}

TEST_F(ScenarioTest, CrashesAndRestartsThatAlternateLoad) {
  EXPECT_TRUE(Parse(R"("faults": [{"at": "1ms", "kind": "crash", "node": 1}, {"at": "2ms", "kind": "restart", "node": 1},
                                  {"at": "2ms", "kind": "crash", "node": 1}, {"at": "3ms", "kind": "restart", "node": 1}])")
                  .ok());
  EXPECT_TRUE(Parse(R"("initially_down": [2], "faults": [{"at": "0ms", "kind": "restart", "node": 2}])").ok());
}

TEST_F(ScenarioTest, MissingFileIsAnError) {
  absl::StatusOr<Scenario> s = LoadScenarioFile("/nonexistent/x.json", registry_);
  EXPECT_EQ(std::string(s.status().message()), "/nonexistent/x.json: cannot open the file");
}

std::vector<std::string> Unmet(const nlohmann::json& expected, const nlohmann::json& actual) {
  Expectations e;
  e.facts.emplace_back("leader", expected);
  std::vector<std::string> unmet;
  EvaluateExpectations(e, {}, {{"leader", actual}}, unmet);
  return unmet;
}

TEST(FactExpectationTest, ExactRangeAndOneOf) {
  using nlohmann::json;
  EXPECT_TRUE(Unmet(3, 3).empty());
  EXPECT_THAT(Unmet(3, 4), ::testing::ElementsAre("fact leader is 4, expected 3"));
  EXPECT_TRUE(Unmet(json::parse(R"({"min": 2, "max": 4})"), 4).empty());
  EXPECT_EQ(Unmet(json::parse(R"({"min": 2, "max": 4})"), 5).size(), 1u);
  const json one_of = json::parse(R"({"one_of": [1, [5, 2], {"min": 10}]})");
  EXPECT_TRUE(Unmet(one_of, 1).empty());
  EXPECT_TRUE(Unmet(one_of, json::parse("[5, 2]")).empty());
  EXPECT_TRUE(Unmet(one_of, 12).empty());
  EXPECT_THAT(Unmet(one_of, 2), ::testing::ElementsAre(HasSubstr("fact leader is 2, expected {\"one_of\"")));
  EXPECT_EQ(Unmet(one_of, json::parse("[5, 3]")).size(), 1u);
  EXPECT_EQ(Unmet(one_of, json()).size(), 1u);  // a missing fact matches nothing
}

}  // namespace
}  // namespace dsim
