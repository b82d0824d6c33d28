// docs/adding-a-protocol.md's example protocol, built and run as the guide
// says: its handlers on the fake context, its scenarios on the engine.
#include <memory>
#include <string>

#include "docs/example/register.h"
#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tests/testing/fake_context.h"

namespace dsim::example {
namespace {

using testing::FakeContext;

TEST(ExampleServer, SyncsAWriteBeforeItsReplyAndRecoversIt) {
  Options o;
  FakeContext ctx(/*id=*/1, /*num_servers=*/1, /*num_nodes=*/2);
  auto s = std::make_unique<RegisterServer>(o);
  ctx.Start(*s);
  ctx.Deliver(*s, 2, Write{1, 42});
  ASSERT_EQ(ctx.sent().size(), 1u);
  EXPECT_TRUE(ctx.PersistedBefore(ctx.sent()[0]));
  ctx.Crash();
  s = std::make_unique<RegisterServer>(o);
  ctx.Start(*s);
  ctx.Deliver(*s, 2, Read{2});
  const Reply r = ctx.sent().back().As<Reply>();
  EXPECT_TRUE(r.has_value);
  EXPECT_EQ(r.value, 42);
}

TEST(ExampleServer, PlantedGroupCommitRepliesBeforeTheSync) {
  Options o;
  o.bug_group_commit_after_reply = true;
  FakeContext ctx(1, 1, 2);
  auto s = std::make_unique<RegisterServer>(o);
  ctx.Start(*s);
  ctx.Deliver(*s, 2, Write{1, 42});
  EXPECT_FALSE(ctx.PersistedBefore(ctx.sent()[0]));
  ctx.Crash();
  s = std::make_unique<RegisterServer>(o);
  ctx.Start(*s);
  ctx.Deliver(*s, 2, Read{2});
  EXPECT_FALSE(ctx.sent().back().As<Reply>().has_value);  // the acknowledged write is gone
}

class ExampleScenario : public ::testing::Test {
 protected:
  ExampleScenario() { registry_.Add(MakeProtocol()); }
  Scenario Load(const std::string& name) {
    absl::StatusOr<Scenario> s = LoadScenarioFile(std::string(DSIM_SOURCE_DIR) + "/docs/example/" + name, registry_);
    EXPECT_TRUE(s.ok()) << s.status();
    return *s;
  }
  ProtocolRegistry registry_;
};

TEST_F(ExampleScenario, CrashesKeepTheHistoryLinearizable) {
  const Scenario s = Load("register_crash.json");
  for (uint64_t seed = 1; seed <= 30; ++seed) {
    const RunReport r = RunScenario(s, {.seed = seed});
    EXPECT_TRUE(r.pass) << "seed " << seed;
    EXPECT_EQ(r.facts.at("linearizability"), "linearizable") << "seed " << seed;
  }
  // The same seed, the same run.
  EXPECT_EQ(RunScenario(s, {.seed = 7}).trace_hash, RunScenario(s, {.seed = 7}).trace_hash);
}

TEST_F(ExampleScenario, ThePlantedBugIsCaught) {
  const Scenario s = Load("register_group_commit.json");
  int caught = 0;
  for (uint64_t seed = 1; seed <= 30; ++seed) caught += RunScenario(s, {.seed = seed}).pass;
  EXPECT_GE(caught, 20);  // "pass" here means the expected violation happened
}

}  // namespace
}  // namespace dsim::example
