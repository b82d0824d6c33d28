#include "sim/protocol_schema.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "sim/nemesis_keys.h"

namespace dsim {
namespace {

using ojson = nlohmann::ordered_json;

ojson Names(const std::vector<NamedItem>& items) {
  ojson a = ojson::array();
  for (const NamedItem& i : items) a.push_back(i.name);
  return a;
}

ojson RefOrFalse(const KeyTable& t, const std::string& def) {
  if (t.empty()) return false;
  return {{"$ref", "#/$defs/" + def}};
}

// Whether an allOf block is the one a protocol owns.
bool IsProtocolBlock(const ojson& block) {
  return block.is_object() && block.contains("if") && block["if"].contains("properties") &&
         block["if"]["properties"].contains("protocol");
}

}  // namespace

ojson ProtocolSchemaBlock(const Protocol& p) {
  const std::string name = p.name();
  const ojson checks = {{"items", {{"enum", Names(p.checks())}}}};
  return {{"if", {{"properties", {{"protocol", {{"const", name}}}}}}},
          {"then",
           {{"properties",
             {{"options", RefOrFalse(p.option_keys(), name + "_options")},
              {"workload", RefOrFalse(p.workload_keys(), name + "_workload")},
              {"checks", checks},
              {"bugs", {{"items", {{"enum", Names(p.bugs())}}}}},
              {"expect",
               {{"properties",
                 {{"violations", checks},
                  {"facts", {{"propertyNames", {{"enum", Names(p.facts())}}}}}}}}}}}}}};
}

ojson WithGeneratedSchemas(ojson root, const ProtocolRegistry& registry) {
  // Drop every protocol-owned definition, then add the generated ones.
  ojson defs = ojson::object();
  for (auto it = root["$defs"].begin(); it != root["$defs"].end(); ++it) {
    if (absl::EndsWith(it.key(), "_options") || absl::EndsWith(it.key(), "_workload")) continue;
    if (it.key() == "nemesis") {
      ojson nemesis = NemesisKeys().Schema();
      defs["nemesis"] = {{"type", nemesis["type"]},
                         {"additionalProperties", nemesis["additionalProperties"]},
                         {"description", kNemesisDoc},
                         {"properties", nemesis["properties"]}};
      continue;
    }
    defs[it.key()] = it.value();
  }
  ojson all_of = ojson::array();
  for (const ojson& block : root.value("allOf", ojson::array())) {
    if (!IsProtocolBlock(block)) all_of.push_back(block);
  }
  for (const std::string& name : registry.Names()) {
    const Protocol* p = registry.Find(name);
    for (const auto& [key, table] : {std::pair{"_options", p->option_keys()},
                                     std::pair{"_workload", p->workload_keys()}}) {
      if (!table.empty()) defs[name + key] = table.schema;
    }
    all_of.push_back(ProtocolSchemaBlock(*p));
  }
  root["$defs"] = std::move(defs);
  root["allOf"] = std::move(all_of);
  return root;
}

}  // namespace dsim
