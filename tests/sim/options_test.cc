// OptionSet and ProtocolOf: one declaration reads a key, bounds it,
// documents it and generates its schema.
#include "sim/options.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/protocol.h"
#include "sim/scenario.h"
#include "sim/time.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;

struct Inner {
  int64_t wait_ns = 5 * kMillisecond;
};

struct Toy : ProtocolConfig {
  Toy() { num_clients = 2; }
  Inner inner;
  int64_t stop_ns = -1;
  int keys = 3;
  int readers = 0;
  bool lease = false;
  std::vector<NodeId> servers;
  int read_weight = 1, write_weight = 1;
  bool bug_x = false;
};

OptionSet<Toy> ToyWorkload() {
  OptionSet<Toy> w;
  w.Duration("wait", "how long", Field(&Toy::inner, &Inner::wait_ns)).AtLeast(1);
  w.Int("clients", "clients", Field(&Toy::num_clients), 1, 32);
  w.Int("readers", "readers", Field(&Toy::readers), 0, 32)
      .AtMost([](const ScenarioInfo&, const Toy& c) { return c.num_clients; });
  w.Enum("reads", "read path", Field(&Toy::lease),
         std::vector<std::pair<std::string, bool>>{{"log", false}, {"lease", true}});
  w.Nodes("servers", "servers", Field(&Toy::servers)).DefaultText("all servers");
  StopKey(w, Field(&Toy::stop_ns), "the run's end");
  MixKey<Toy>(w, "weights", {{"read", "reads", Field(&Toy::read_weight)},
                             {"write", "writes", Field(&Toy::write_weight)}});
  w.WhenPresent([](const ScenarioInfo& info, Toy& c) { c.stop_ns = info.duration_ns; });
  return w;
}

// Reads `text` as the workload object of a scenario with 3 servers and a
// one-second run; returns the error ("" when none).
std::string Read(const std::string& text, Toy& c) {
  JsonContext ctx("toy.json");
  std::optional<nlohmann::json> doc = ctx.Parse(R"({"workload": )" + text + "}");
  EXPECT_TRUE(doc.has_value());
  JsonObject root = ctx.Root(*doc);
  std::optional<JsonObject> w = root.Object("workload");
  ScenarioInfo info;
  info.num_servers = 3;
  info.duration_ns = kSecond;
  ToyWorkload().Read(*w, info, c);
  w->Finish();
  return ctx.ok() ? "" : std::string(ctx.status().message());
}

TEST(OptionSet, AbsentKeysKeepTheStructDefaults) {
  Toy c;
  EXPECT_EQ(Read("{}", c), "");
  EXPECT_EQ(c.inner.wait_ns, 5 * kMillisecond);
  EXPECT_EQ(c.num_clients, 2);
  EXPECT_FALSE(c.lease);
  EXPECT_EQ(c.read_weight, 1);
  EXPECT_EQ(c.stop_ns, kSecond) << "WhenPresent applies once the object is there";
}

TEST(OptionSet, KeysSetTheirFields) {
  Toy c;
  EXPECT_EQ(Read(R"({"wait": "2s", "clients": 5, "readers": 5, "reads": "lease", "servers": [3, 1],
                     "stop": "500ms", "mix": {"read": 0, "write": 7}})",
                 c),
            "");
  EXPECT_EQ(c.inner.wait_ns, 2 * kSecond);
  EXPECT_EQ(c.num_clients, 5);
  EXPECT_EQ(c.readers, 5);
  EXPECT_TRUE(c.lease);
  EXPECT_THAT(c.servers, ::testing::ElementsAre(3, 1));
  EXPECT_EQ(c.stop_ns, 500 * kMillisecond);
  EXPECT_EQ(c.read_weight, 0);
  EXPECT_EQ(c.write_weight, 7);
}

TEST(OptionSet, EveryBoundIsEnforcedWithThePointer) {
  const auto error = [](const std::string& text) {
    Toy c;
    return Read(text, c);
  };
  EXPECT_THAT(error(R"({"wait": "0"})"), HasSubstr("/workload/wait"));
  EXPECT_THAT(error(R"({"clients": 33})"), HasSubstr("/workload/clients"));
  EXPECT_THAT(error(R"({"clients": 2, "readers": 3})"), HasSubstr("/workload/readers"))
      << "readers is bounded by clients, read before it";
  EXPECT_EQ(error(R"({"clients": 3, "readers": 3})"), "");
  EXPECT_THAT(error(R"({"reads": "quorum"})"), HasSubstr(R"("quorum" is not one of "log", "lease")"));
  EXPECT_THAT(error(R"({"servers": [4]})"), HasSubstr("/workload/servers"));
  EXPECT_THAT(error(R"({"stop": "2s"})"), HasSubstr("/workload/stop")) << "after the run's end";
  EXPECT_EQ(error(R"({"stop": "1s"})"), "");
  EXPECT_THAT(error(R"({"mix": {"read": 0, "write": 0}})"),
              HasSubstr("/workload/mix: the mix needs some operation"));
  EXPECT_THAT(error(R"({"mix": {"reed": 1}})"), HasSubstr("reed"));
  EXPECT_THAT(error(R"({"keys": 1})"), HasSubstr("keys")) << "undeclared keys are left for Finish";
}

TEST(OptionSet, SchemaAndDocsComeFromTheSameDeclarations) {
  const OptionSet<Toy> w = ToyWorkload();
  const nlohmann::ordered_json s = w.Schema();
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["properties"]["wait"]["$ref"], "#/$defs/positive_duration");
  EXPECT_EQ(s["properties"]["wait"]["description"], "how long (default \"5ms\").");
  EXPECT_EQ(s["properties"]["clients"]["maximum"], 32);
  EXPECT_EQ(s["properties"]["reads"]["enum"], nlohmann::ordered_json({"log", "lease"}));
  EXPECT_EQ(s["properties"]["reads"]["description"], "read path (default log).");
  EXPECT_EQ(s["properties"]["stop"]["$ref"], "#/$defs/duration");
  EXPECT_EQ(s["properties"]["stop"]["description"],
            "No new operations from this local time on (default: the run's end).");
  EXPECT_EQ(s["properties"]["mix"]["properties"]["read"]["maximum"], 1000);
  EXPECT_EQ(s["properties"]["mix"]["description"], "weights (default read 1, write 1).");
  const std::vector<OptionDoc> docs = w.Docs();
  ASSERT_EQ(docs.size(), 7u);
  EXPECT_EQ(docs[0].name, "wait");
  EXPECT_EQ(docs[0].default_text, "\"5ms\"");
  EXPECT_EQ(docs[4].default_text, "all servers");
}

// A protocol written with ProtocolOf: keys, bug switches, and the typed run.
class ToyProtocol : public ProtocolOf<Toy> {
 public:
  ToyProtocol() {
    workload_ = ToyWorkload();
    Bug("x", "the planted bug", Field(&Toy::bug_x));
  }
  std::string name() const override { return "toy"; }
  std::string description() const override { return "test-only"; }
  std::vector<NamedItem> checks() const override { return {{"fine", "always"}}; }

  mutable const Toy* last_run_config = nullptr;

 protected:
  void Derive(const ScenarioInfo&, Toy& c) const override { c.keys = c.num_clients * 10; }
  std::unique_ptr<ProtocolRun> Run(const Toy& c, const ScenarioInfo&, uint64_t) const override {
    last_run_config = &c;
    return nullptr;
  }
};

absl::StatusOr<Scenario> Parse(const ProtocolRegistry& registry, const std::string& tail) {
  return ParseScenario(R"({"name": "t", "protocol": "toy", "nodes": 3, "duration": "1s")" + tail + "}", "t.json",
                       registry);
}

TEST(ProtocolOf, ReadsKeysSetsBugsAndDerives) {
  ProtocolRegistry registry;
  registry.Add(std::make_unique<ToyProtocol>());
  const auto* toy = static_cast<const ToyProtocol*>(registry.Find("toy"));
  absl::StatusOr<Scenario> s = Parse(registry, R"(, "bugs": ["x"], "workload": {"clients": 4})");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->config->num_clients, 4);
  ScenarioInfo info;
  toy->NewRun(*s->config, info, 1);
  ASSERT_NE(toy->last_run_config, nullptr);
  EXPECT_TRUE(toy->last_run_config->bug_x);
  EXPECT_EQ(toy->last_run_config->keys, 40);
  EXPECT_THAT(toy->bugs(), ::testing::SizeIs(1));
  EXPECT_EQ(toy->option_keys().empty(), true);
  EXPECT_EQ(toy->workload_keys().docs.size(), 7u);

  absl::StatusOr<Scenario> off = Parse(registry, "");
  ASSERT_TRUE(off.ok()) << off.status();
  toy->NewRun(*off->config, info, 1);
  EXPECT_FALSE(toy->last_run_config->bug_x);
  EXPECT_EQ(toy->last_run_config->stop_ns, -1) << "no workload object: WhenPresent does not apply";
}

TEST(ProtocolOf, AnObjectItDoesNotTakeIsAnError) {
  ProtocolRegistry registry;
  registry.Add(std::make_unique<ToyProtocol>());
  absl::StatusOr<Scenario> s = Parse(registry, R"(, "options": {})");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("/options: the toy protocol has no options"));
}

TEST(ProtocolOfDeathTest, AConfigOfAnotherTypeIsABug) {
  ProtocolRegistry registry;
  registry.Add(std::make_unique<ToyProtocol>());
  ProtocolConfig other;
  EXPECT_DEATH(registry.Find("toy")->NewRun(other, ScenarioInfo{}, 1), "another protocol");
}

}  // namespace
}  // namespace dsim
