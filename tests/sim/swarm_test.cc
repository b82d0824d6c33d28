#include "sim/swarm.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/time.h"
#include "tests/testing/scenario_test_base.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;

class SwarmTest : public ScenarioTestBase {
 protected:
  SwarmTest() : ScenarioTestBase("scenarios") {}
  static constexpr const char* kBase = R"({"name": "s", "protocol": "heartbeat", "nodes": 3, "duration": "2s",
      "nemesis": {"start": "100ms"}, "swarm": %s})";
  absl::StatusOr<Scenario> WithSwarm(const std::string& swarm) {
    return ParseScenario(absl::StrFormat(kBase, swarm), "t.json", registry_);
  }
};

// Each seed draws its own values inside the ranges; the same seed draws the
// same values and runs the same run.
TEST_F(SwarmTest, EachSeedDrawsItsOwnConfigurationReproducibly) {
  absl::StatusOr<Scenario> s = WithSwarm(R"({"/nemesis/weights/crash": {"one_of": [0, 2]},
      "/network/loss": {"min": 0, "max": 0.05}, "/nemesis/max_pause": {"min": "1ms", "max": "40ms"},
      "/nemesis/weights/pause": {"min": 0, "max": 3}})");
  ASSERT_TRUE(s.ok()) << s.status();
  std::set<std::string> draws;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    absl::StatusOr<Scenario> a = ScenarioForSeed(*s, seed, registry_);
    absl::StatusOr<Scenario> b = ScenarioForSeed(*s, seed, registry_);
    ASSERT_TRUE(a.ok() && b.ok()) << a.status();
    EXPECT_EQ(a->swarm_draw, b->swarm_draw);
    const RunReport ra = RunScenario(*a, {.seed = seed});
    EXPECT_EQ(ra.trace_hash, RunScenario(*b, {.seed = seed}).trace_hash);
    EXPECT_EQ(ra.swarm, a->swarm_draw);
    const nlohmann::ordered_json& d = a->swarm_draw;
    EXPECT_TRUE(d["/nemesis/weights/crash"] == 0 || d["/nemesis/weights/crash"] == 2);
    EXPECT_EQ(a->nemesis.crash_weight, d["/nemesis/weights/crash"].get<int64_t>());
    const double loss = d["/network/loss"].get<double>();
    EXPECT_GE(loss, 0);
    EXPECT_LE(loss, 0.05);
    EXPECT_DOUBLE_EQ(a->sim.network.defaults.loss, loss);
    const int64_t pause = ParseDuration(d["/nemesis/max_pause"].get<std::string>()).value();
    EXPECT_GE(pause, kMillisecond);
    EXPECT_LE(pause, 40 * kMillisecond);
    const int64_t w = d["/nemesis/weights/pause"].get<int64_t>();
    EXPECT_TRUE(w >= 0 && w <= 3);
    draws.insert(d.dump());
  }
  EXPECT_GT(draws.size(), 30u);  // the seeds do not share one configuration
  // Without a swarm the scenario is its own configuration.
  const Scenario plain = Load("heartbeat/partition.json");
  EXPECT_TRUE(plain.swarm.empty());
  EXPECT_TRUE(RunScenario(plain, {.seed = 3}).swarm.empty());
}

TEST_F(SwarmTest, BadRangesAreOneLineErrors) {
  const auto error = [&](const std::string& swarm) {
    absl::StatusOr<Scenario> s = WithSwarm(swarm);
    EXPECT_FALSE(s.ok()) << swarm;
    return s.ok() ? std::string() : std::string(s.status().message());
  };
  EXPECT_THAT(error(R"({"network/loss": {"min": 0, "max": 1}})"), HasSubstr("is a JSON pointer"));
  EXPECT_THAT(error(R"({"/seed": {"min": 0, "max": 1}})"), HasSubstr("cannot vary the scenario's name"));
  EXPECT_THAT(error(R"({"/network/loss": {"min": 0.5, "max": 0.1}})"), HasSubstr("min is above max"));
  EXPECT_THAT(error(R"({"/network/loss": {"min": 0, "max": "1ms"}})"), HasSubstr("two integers, two numbers"));
  EXPECT_THAT(error(R"({"/network/loss": {"max": 1}})"), HasSubstr("{\"one_of\": [...]}"));
  EXPECT_THAT(error(R"({"/network/loss": {"one_of": []}})"), HasSubstr("one_of needs 1 to"));
  // Every extreme must load: a loss of 2 is not a probability.
  const std::string loss = error(R"({"/network/loss": {"min": 0, "max": 2}})");
  EXPECT_THAT(loss, HasSubstr("t.json: /network/loss"));
  EXPECT_THAT(loss, HasSubstr("(swarm: {\"/network/loss\":2})"));
  EXPECT_THAT(error(R"({"/duration/x": {"min": 1, "max": 2}})"), HasSubstr("no place for a value there"));
  EXPECT_THAT(error(R"({"/nemesis/bogus": {"one_of": [1]}})"), HasSubstr("/nemesis/bogus"));
  EXPECT_EQ(error(R"({"/network/loss": 0.1})").find('\n'), std::string::npos);
}

// --swarm on a scenario with a nemesis: every family's weight from {0, 1, 3};
// without a nemesis, an error; a scenario's own ranges win.
TEST_F(SwarmTest, TheDefaultSwarmVariesTheNemesisFamilies) {
  Scenario s = Load("paxos/kv_nemesis.json");
  ASSERT_TRUE(AddDefaultSwarm(s, registry_).ok());
  EXPECT_TRUE(s.swarm_by_flag);
  EXPECT_EQ(s.swarm.size(), NemesisFamilies().size());
  absl::StatusOr<Scenario> d = ScenarioForSeed(s, 7, registry_);
  ASSERT_TRUE(d.ok());
  for (const NemesisFamilySpec& f : NemesisFamilies()) {
    const int64_t w = d->swarm_draw[absl::StrCat("/nemesis/weights/", f.name)].get<int64_t>();
    EXPECT_TRUE(w == 0 || w == 1 || w == 3) << f.name;
    EXPECT_EQ(d->nemesis.*(f.weight), w) << f.name;
  }
  Scenario quiet = Load("heartbeat/partition.json");
  EXPECT_THAT(std::string(AddDefaultSwarm(quiet, registry_).message()), HasSubstr("has no \"nemesis\""));
  absl::StatusOr<Scenario> own = WithSwarm(R"({"/nemesis/weights/crash": {"one_of": [5]}})");
  ASSERT_TRUE(own.ok());
  ASSERT_TRUE(AddDefaultSwarm(*own, registry_).ok());
  EXPECT_EQ(own->swarm.size(), 1u);
  EXPECT_FALSE(own->swarm_by_flag);
}

}  // namespace
}  // namespace dsim
