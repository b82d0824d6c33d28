// scenarios/schema.json is documentation users read and tools validate with;
// these tests keep it in sync with the loader, in both directions.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/fault_kinds.h"
#include "sim/protocol_schema.h"
#include "sim/scenario.h"
#include "tools/cli/builtin.h"

namespace dsim {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A validator for the part of JSON Schema (2020-12) that schema.json uses.
class MiniSchema {
 public:
  explicit MiniSchema(json root) : root_(std::move(root)) {}

  // Returns "" when `doc` validates, else the first problem.
  std::string Validate(const json& doc) const { return Check(root_, doc, ""); }

  // Every property name reachable from the root, as loader key paths
  // ("/faults/*/node"), through $ref, allOf/anyOf/oneOf, then/else, items.
  std::set<std::string> Keys() const {
    std::set<std::string> keys;
    CollectKeys(root_, "", keys, 0);
    return keys;
  }

 private:
  const json& Resolve(const json& s) const {
    if (s.is_object() && s.contains("$ref")) {
      const std::string ref = s["$ref"];
      return Resolve(root_.at(json::json_pointer(ref.substr(1))));
    }
    return s;
  }

  static bool TypeMatches(const std::string& t, const json& v) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "integer") return v.is_number_integer() || v.is_number_unsigned();
    if (t == "number") return v.is_number();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    return false;
  }

  std::string Check(const json& schema_in, const json& v, const std::string& at) const {
    if (schema_in.is_boolean()) return schema_in.get<bool>() ? "" : at + ": not allowed";
    const json& s = Resolve(schema_in);
    if (s.contains("type") && !TypeMatches(s["type"], v)) return at + ": wrong type";
    if (s.contains("enum")) {
      bool found = false;
      for (const json& e : s["enum"]) found |= e == v;
      if (!found) return at + ": not in enum";
    }
    if (s.contains("const") && s["const"] != v) return at + ": not the const";
    if (v.is_number()) {
      if (s.contains("minimum") && v.get<double>() < s["minimum"].get<double>()) return at + ": below minimum";
      if (s.contains("maximum") && v.get<double>() > s["maximum"].get<double>()) return at + ": above maximum";
    }
    if (v.is_string() && s.contains("pattern") &&
        !std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>()))) {
      return at + ": does not match pattern";
    }
    if (v.is_object()) {
      if (s.contains("required")) {
        for (const json& r : s["required"]) {
          if (!v.contains(r.get<std::string>())) return at + ": missing " + r.get<std::string>();
        }
      }
      for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string child = at + "/" + it.key();
        if (s.contains("propertyNames")) {
          if (std::string e = Check(s["propertyNames"], it.key(), child); !e.empty()) return e + " (a name)";
        }
        if (s.contains("properties") && s["properties"].contains(it.key())) {
          if (std::string e = Check(s["properties"][it.key()], it.value(), child); !e.empty()) return e;
        } else if (s.contains("additionalProperties")) {
          if (std::string e = Check(s["additionalProperties"], it.value(), child); !e.empty()) return e;
        }
      }
    }
    if (v.is_array() && s.contains("items")) {
      for (size_t i = 0; i < v.size(); ++i) {
        if (std::string e = Check(s["items"], v[i], at + "/" + std::to_string(i)); !e.empty()) return e;
      }
    }
    if (s.contains("allOf")) {
      for (const json& sub : s["allOf"]) {
        if (std::string e = Check(sub, v, at); !e.empty()) return e;
      }
    }
    if (s.contains("oneOf")) {
      int matches = 0;
      for (const json& sub : s["oneOf"]) matches += Check(sub, v, at).empty();
      if (matches != 1) return at + ": matches " + std::to_string(matches) + " of oneOf";
    }
    if (s.contains("if")) {
      const bool cond = Check(s["if"], v, at).empty();
      if (cond && s.contains("then")) {
        if (std::string e = Check(s["then"], v, at); !e.empty()) return e;
      }
      if (!cond && s.contains("else")) {
        if (std::string e = Check(s["else"], v, at); !e.empty()) return e;
      }
    }
    return "";
  }

  void CollectKeys(const json& schema_in, const std::string& at, std::set<std::string>& keys,
                   int depth) const {
    if (!schema_in.is_object() || depth > 32) return;
    const json& s = Resolve(schema_in);
    if (s.contains("properties")) {
      for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it) {
        keys.insert(at + "/" + it.key());
        CollectKeys(it.value(), at + "/" + it.key(), keys, depth + 1);
      }
    }
    if (s.contains("items")) CollectKeys(s["items"], at + "/*", keys, depth + 1);
    for (const char* k : {"allOf", "anyOf", "oneOf"}) {
      if (s.contains(k)) {
        for (const json& sub : s[k]) CollectKeys(sub, at, keys, depth + 1);
      }
    }
    for (const char* k : {"then", "else"}) {
      if (s.contains(k)) CollectKeys(s[k], at, keys, depth + 1);
    }
  }

  json root_;
};

class SchemaTest : public ::testing::Test {
 protected:
  SchemaTest() : schema_(json::parse(ReadFile(fs::path(DSIM_SOURCE_DIR) / "scenarios/schema.json"))) {
    RegisterBuiltinProtocols(registry_);
  }

  // Every shipped scenario plus the kitchen-sink files that touch every
  // branch of the loader.
  std::vector<fs::path> Files() const {
    std::vector<fs::path> files;
    for (const char* dir : {"scenarios", "tests/data/schema"}) {
      for (const auto& e : fs::recursive_directory_iterator(fs::path(DSIM_SOURCE_DIR) / dir)) {
        if (e.path().extension() == ".json" && e.path().filename() != "schema.json") {
          files.push_back(e.path());
        }
      }
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  json ReadRoot() const { return json::parse(ReadFile(fs::path(DSIM_SOURCE_DIR) / "scenarios/schema.json")); }

  MiniSchema schema_;
  ProtocolRegistry registry_;
};

TEST_F(SchemaTest, EveryScenarioValidatesAndLoads) {
  const std::vector<fs::path> files = Files();
  ASSERT_GT(files.size(), 2u);
  for (const fs::path& f : files) {
    const std::string text = ReadFile(f);
    EXPECT_EQ(schema_.Validate(json::parse(text)), "") << f;
    absl::StatusOr<Scenario> s = ParseScenario(text, f.string(), registry_);
    EXPECT_TRUE(s.ok()) << s.status();
  }
}

TEST_F(SchemaTest, LoaderKeysEqualSchemaKeys) {
  std::set<std::string> loader_keys;
  for (const fs::path& f : Files()) {
    ASSERT_TRUE(ParseScenario(ReadFile(f), f.string(), registry_, &loader_keys).ok()) << f;
  }
  // A swarm's keys are JSON pointers into the scenario (a free-form map, as
  // facts are): they are not keys of the schema.
  std::erase_if(loader_keys, [](const std::string& k) { return k.rfind("/swarm/", 0) == 0; });
  const std::set<std::string> schema_keys = schema_.Keys();
  std::vector<std::string> only_loader, only_schema;
  std::set_difference(loader_keys.begin(), loader_keys.end(), schema_keys.begin(),
                      schema_keys.end(), std::back_inserter(only_loader));
  std::set_difference(schema_keys.begin(), schema_keys.end(), loader_keys.begin(),
                      loader_keys.end(), std::back_inserter(only_schema));
  EXPECT_THAT(only_loader, ::testing::IsEmpty()) << "keys the loader reads but schema.json lacks";
  EXPECT_THAT(only_schema, ::testing::IsEmpty())
      << "keys schema.json documents but the loader does not read (or no kitchen sink reaches)";
}

TEST_F(SchemaTest, BothRejectAnUnknownKeyAnywhere) {
  const fs::path sink = fs::path(DSIM_SOURCE_DIR) / "tests/data/schema/heartbeat.json";
  const json doc = json::parse(ReadFile(sink));
  // Add an unknown key to every object in the document, one at a time.
  std::vector<json::json_pointer> objects;
  std::function<void(const json&, const json::json_pointer&)> walk =
      [&](const json& v, const json::json_pointer& p) {
        if (v.is_object()) {
          if (p.to_string().rfind("/expect/facts", 0) != 0) objects.push_back(p);
          for (auto it = v.begin(); it != v.end(); ++it) walk(it.value(), p / it.key());
        } else if (v.is_array()) {
          for (size_t i = 0; i < v.size(); ++i) walk(v[i], p / i);
        }
      };
  walk(doc, json::json_pointer());
  ASSERT_GT(objects.size(), 10u);
  for (const json::json_pointer& p : objects) {
    json bad = doc;
    bad[p]["bogus_key"] = 1;
    EXPECT_NE(schema_.Validate(bad), "") << p.to_string();
    absl::StatusOr<Scenario> s = ParseScenario(bad.dump(), "x.json", registry_);
    ASSERT_FALSE(s.ok()) << p.to_string();
    EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("bogus_key"));
  }
}

// Each protocol's checks, planted bugs, facts and keys are declared once, in
// its Protocol; the protocol's parts of schema.json are generated from them
// (dsim schema scenarios/schema.json), so that an editor validating a
// scenario knows them too. The checked-in file must be what the generator
// writes.
TEST_F(SchemaTest, ProtocolPartsAreGeneratedFromTheDeclarations) {
  const std::string text = ReadFile(fs::path(DSIM_SOURCE_DIR) / "scenarios/schema.json");
  const nlohmann::ordered_json root = nlohmann::ordered_json::parse(text);
  const std::string generated = WithGeneratedSchemas(root, registry_).dump(2) + "\n";
  EXPECT_EQ(text, generated) << "scenarios/schema.json is out of date: run "
                                "build/bin/dsim schema scenarios/schema.json";
  int blocks = 0;
  for (const auto& block : root["allOf"]) blocks += block.contains("if");
  EXPECT_EQ(blocks, static_cast<int>(registry_.Names().size()));
}

// The comparison above can fail: a schema that lost a declared key, or
// documents one no protocol declares, is rewritten.
TEST_F(SchemaTest, TheGeneratorRestoresWhatTheDeclarationsSay) {
  const nlohmann::ordered_json root =
      nlohmann::ordered_json::parse(ReadFile(fs::path(DSIM_SOURCE_DIR) / "scenarios/schema.json"));
  nlohmann::ordered_json lost = root;
  lost["$defs"]["zab_options"]["properties"].erase("tick");
  EXPECT_NE(lost, root);
  EXPECT_EQ(WithGeneratedSchemas(lost, registry_), root);
  nlohmann::ordered_json extra = root;
  extra["$defs"]["heartbeat_options"]["properties"]["bogus"] = {{"type", "integer"}};
  extra["$defs"]["nobody_workload"] = {{"type", "object"}};
  EXPECT_EQ(WithGeneratedSchemas(extra, registry_), root);
  nlohmann::ordered_json renamed = root;
  for (auto& block : renamed["allOf"]) {
    if (block["if"]["properties"]["protocol"]["const"] == "zab") {
      block["then"]["properties"]["bugs"]["items"]["enum"][0] = "no_such_bug";
    }
  }
  EXPECT_EQ(WithGeneratedSchemas(renamed, registry_), root);
}

// The fault table (sim/fault_kinds.cc) and $defs/fault agree: the same
// kinds, the same keys, and each kind needs the same keys in both.
TEST_F(SchemaTest, FaultKindsAreTheFaultTable) {
  const json fault = ReadRoot()["$defs"]["fault"];
  json names = json::array();
  std::set<std::string> table_keys = {"at", "kind"};
  for (const FaultKindSpec& k : FaultKinds()) {
    names.push_back(k.name);
    table_keys.insert(k.keys.begin(), k.keys.end());
  }
  EXPECT_EQ(fault["properties"]["kind"]["enum"], names);
  std::set<std::string> schema_keys;
  for (auto it = fault["properties"].begin(); it != fault["properties"].end(); ++it) schema_keys.insert(it.key());
  EXPECT_EQ(schema_keys, table_keys);
  for (const FaultKindSpec& k : FaultKinds()) {
    std::set<std::string> schema_required;
    for (const json& rule : fault["allOf"]) {
      const json& cond = rule["if"]["properties"]["kind"];
      const bool applies = cond.contains("const") ? cond["const"] == k.name
                                                  : std::find(cond["enum"].begin(), cond["enum"].end(),
                                                              json(k.name)) != cond["enum"].end();
      if (!applies) continue;
      for (const json& r : rule["then"]["required"]) schema_required.insert(r.get<std::string>());
    }
    EXPECT_EQ(schema_required, std::set<std::string>(k.required.begin(), k.required.end())) << k.name;
  }
}

TEST_F(SchemaTest, AnUndeclaredCheckBugOrFactFailsSchemaAndLoaderAlike) {
  const std::string base = R"({"name": "x", "protocol": "heartbeat", "nodes": 3, "duration": "1s", )";
  for (const std::string tail : {R"("checks": ["no_such_check"]})", R"("bugs": ["no_such_bug"]})",
                                 R"("expect": {"violations": ["no_such_check"]}})",
                                 R"("expect": {"facts": {"no_such_fact": 1}}})"}) {
    const std::string text = base + tail;
    EXPECT_NE(schema_.Validate(json::parse(text)), "") << tail;
    EXPECT_FALSE(ParseScenario(text, "x.json", registry_).ok()) << tail;
  }
  EXPECT_EQ(schema_.Validate(json::parse(base + R"("checks": ["crash_detected"], "bugs": ["wall_clock_timeout"]})")),
            "");
}

}  // namespace
}  // namespace dsim
