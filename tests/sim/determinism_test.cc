// Determinism is the product: the same seed gives the same trace hash twice
// in one process, in a fuzz batch with any number of jobs, and (see
// tests/determinism/) across processes, compilers and optimisation levels.
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tests/testing/test_protocols.h"
#include "tools/cli/builtin.h"
#include "tools/cli/cli.h"

namespace dsim {
namespace {

class DeterminismTest : public ::testing::Test {
 protected:
  DeterminismTest() {
    RegisterBuiltinProtocols(registry_);
    testing::RegisterTestProtocols(registry_);
  }
  Scenario Load(const std::string& rel) {
    absl::StatusOr<Scenario> s = LoadScenarioFile(std::string(DSIM_SOURCE_DIR) + "/" + rel, registry_);
    EXPECT_TRUE(s.ok()) << s.status();
    return *s;
  }
  ProtocolRegistry registry_;
};

TEST_F(DeterminismTest, ChaosScenarioReplaysToTheSameHash) {
  // 10 s simulated with crashes, partitions, clock skew and steps, pauses,
  // lossy links and the nemesis.
  const Scenario s = Load("tests/data/chaos_pingpong.json");
  const RunReport a = RunScenario(s, {});
  const RunReport b = RunScenario(s, {});
  EXPECT_TRUE(a.pass) << (a.unmet.empty() ? "" : a.unmet[0]);
  EXPECT_EQ(a.sim_time_ns, 10 * kSecond);
  EXPECT_GT(a.faults.size(), 15u);  // scheduled and nemesis faults happened
  EXPECT_GT(a.stats.messages_dropped, 100u);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.stats.events, b.stats.events);
  EXPECT_EQ(a.faults.size(), b.faults.size());
}

TEST_F(DeterminismTest, WritingATraceDoesNotChangeTheRun) {
  const Scenario s = Load("tests/data/chaos_pingpong.json");
  std::ostringstream trace;
  const RunReport traced = RunScenario(s, {.trace = &trace});
  EXPECT_EQ(traced.trace_hash, RunScenario(s, {}).trace_hash);
  EXPECT_GT(trace.str().size(), 1000u);
}

TEST_F(DeterminismTest, DifferentSeedsGiveDifferentRuns) {
  const Scenario s = Load("tests/data/chaos_pingpong.json");
  std::set<uint64_t> hashes;
  for (uint64_t seed = 1; seed <= 20; ++seed) hashes.insert(RunScenario(s, {.seed = seed}).trace_hash);
  EXPECT_EQ(hashes.size(), 20u);
}

TEST_F(DeterminismTest, FuzzBatchGivesEachSeedItsLoneResult) {
  const std::string file = std::string(DSIM_SOURCE_DIR) + "/tests/data/counter_crashes.json";
  const Scenario s = Load("tests/data/counter_crashes.json");
  for (const char* jobs : {"--jobs=1", "--jobs=3"}) {
    const std::string out = ::testing::TempDir() + "/fuzz.jsonl";
    std::ostringstream sout, serr;
    const int rc = RunCli({"dsim", "fuzz", file, "--seeds=10..17", jobs, "--out=" + out,
                           "--noprogress"},
                          registry_, {sout, serr});
    EXPECT_EQ(rc, 0) << sout.str() << serr.str();
    std::ifstream in(out);
    std::string line;
    uint64_t expected_seed = 10;
    while (std::getline(in, line)) {
      const nlohmann::json j = nlohmann::json::parse(line);
      ASSERT_EQ(j["seed"].get<uint64_t>(), expected_seed);  // written in seed order
      const RunReport alone = RunScenario(s, {.seed = expected_seed});
      EXPECT_EQ(j["trace_hash"].get<std::string>(), HashToHex(alone.trace_hash)) << jobs;
      ++expected_seed;
    }
    EXPECT_EQ(expected_seed, 18u);
  }
}

}  // namespace
}  // namespace dsim
