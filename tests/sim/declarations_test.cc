// A run may report only the checks and facts its protocol declares: the
// declarations are what the loader, `dsim protocols` and the schema know.
#include <memory>

#include "gtest/gtest.h"
#include "sim/protocol.h"
#include "sim/runner.h"
#include "sim/scenario.h"

namespace dsim {
namespace {

class Idle : public Process {
  void OnStart(Context&) override {}
  void OnMessage(Context&, const Envelope&) override {}
  void OnTimer(Context&, TimerId, uint64_t) override {}
};

// Reports `check` and `fact`, declaring only "declared_check" and
// "declared_fact".
class Reporter : public Protocol {
 public:
  Reporter(std::string check, std::string fact) : check_(std::move(check)), fact_(std::move(fact)) {}
  std::string name() const override { return "reporter"; }
  std::string description() const override { return "test-only: reports what it is told"; }
  std::vector<NamedItem> checks() const override { return {{"declared_check", ""}}; }
  std::vector<NamedItem> facts() const override { return {{"declared_fact", ""}}; }
  std::shared_ptr<const ProtocolConfig> Configure(const ScenarioInfo&, JsonObject*, JsonObject*) const override {
    return std::make_shared<ProtocolConfig>();
  }
  std::unique_ptr<ProtocolRun> NewRun(const ProtocolConfig&, const ScenarioInfo&, uint64_t) const override {
    class Run : public ProtocolRun {
     public:
      Run(std::string c, std::string f) : c_(std::move(c)), f_(std::move(f)) {}
      std::unique_ptr<Process> NewProcess(NodeId) override { return std::make_unique<Idle>(); }
      void Finish(const std::set<std::string>&, RunOutcome& out) override {
        out.Check(c_, true);
        out.Fact(f_, 1);
      }
      std::string c_, f_;
    };
    return std::make_unique<Run>(check_, fact_);
  }

 private:
  std::string check_, fact_;
};

RunReport RunWith(std::string check, std::string fact) {
  ProtocolRegistry registry;
  registry.Add(std::make_unique<Reporter>(std::move(check), std::move(fact)));
  absl::StatusOr<Scenario> s = ParseScenario(
      R"({"name": "r", "protocol": "reporter", "nodes": 1, "duration": "1ms", "checks": []})", "r.json",
      registry);
  EXPECT_TRUE(s.ok()) << s.status();
  return RunScenario(*s, RunOptions{});
}

TEST(Declarations, ARunReportingWhatItDeclaredPasses) {
  EXPECT_TRUE(RunWith("declared_check", "declared_fact").pass);
}

TEST(DeclarationsDeathTest, AnUndeclaredCheckOrFactIsAnAssertion) {
  EXPECT_DEATH(RunWith("surprise_check", "declared_fact"), "reported check surprise_check, which it does not declare");
  EXPECT_DEATH(RunWith("declared_check", "surprise_fact"), "reported fact surprise_fact, which it does not declare");
}

}  // namespace
// A check out of budget fails as undecided: failed, but not evidence (dsim
// hunt --find does not count it); an ordinary failure is evidence.
TEST(RunOutcomeTest, UndecidedIsAFailureWithoutEvidence) {
  RunOutcome out;
  out.Check("agreement", false, "two values chosen");
  out.Undecided("linearizable", "undecided within the search budget: step budget of 1 exhausted");
  ASSERT_EQ(out.checks().size(), 2u);
  EXPECT_FALSE(out.checks()[0].ok);
  EXPECT_FALSE(out.checks()[0].undecided);
  EXPECT_FALSE(out.checks()[1].ok);
  EXPECT_TRUE(out.checks()[1].undecided);
}

}  // namespace dsim
