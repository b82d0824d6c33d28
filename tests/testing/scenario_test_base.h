// The fixture the protocol tests share: dsim's built-in protocols, scenario
// files loaded from one directory of the source tree, and report lookups.
//
//   class PaxosTest : public ScenarioTestBase {
//    protected:
//     PaxosTest() : ScenarioTestBase("scenarios/paxos") {}
//   };
#ifndef DSIM_TESTS_TESTING_SCENARIO_TEST_BASE_H_
#define DSIM_TESTS_TESTING_SCENARIO_TEST_BASE_H_

#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "tools/cli/builtin.h"

namespace dsim {

class ScenarioTestBase : public ::testing::Test {
 protected:
  explicit ScenarioTestBase(std::string dir) : dir_(std::move(dir)) { RegisterBuiltinProtocols(registry_); }

  // `rel` is relative to the fixture's directory.
  Scenario Load(const std::string& rel) {
    absl::StatusOr<Scenario> s =
        LoadScenarioFile(std::string(DSIM_SOURCE_DIR) + "/" + dir_ + "/" + rel, registry_);
    EXPECT_TRUE(s.ok()) << s.status();
    return *s;
  }
  Scenario Parse(const std::string& text) {
    absl::StatusOr<Scenario> s = ParseScenario(text, "t.json", registry_);
    EXPECT_TRUE(s.ok()) << s.status();
    return *s;
  }
  static const CheckResult* Find(const RunReport& r, const std::string& name) {
    for (const CheckResult& c : r.checks) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
  // The first unmet expectation, for failure messages.
  static std::string Why(const RunReport& r) { return r.unmet.empty() ? "" : r.unmet[0]; }

  ProtocolRegistry registry_;

 private:
  std::string dir_;
};

}  // namespace dsim

#endif  // DSIM_TESTS_TESTING_SCENARIO_TEST_BASE_H_
