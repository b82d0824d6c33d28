// dsim protocols, dsim schema: what the protocols declare, for people and
// for scenarios/schema.json.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "sim/protocol_schema.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"

namespace dsim {
namespace {

void PrintItems(const char* title, const std::vector<NamedItem>& items, std::ostream& out) {
  if (items.empty()) return;
  out << "  " << title << ":\n";
  for (const NamedItem& i : items) out << "    " << i.name << " - " << i.doc << "\n";
}

void PrintKeys(const char* title, const KeyTable& keys, std::ostream& out) {
  if (keys.empty()) return;
  out << "  " << title << ":\n";
  for (const OptionDoc& d : keys.docs) {
    out << "    " << d.name << " - " << d.doc;
    if (!d.default_text.empty()) out << " (default" << DefaultSeparator(d.default_text) << d.default_text << ")";
    out << "\n";
  }
}

}  // namespace

int ProtocolsCommand(const ProtocolRegistry& registry, CliIo io) {
  for (const std::string& name : registry.Names()) {
    const Protocol* p = registry.Find(name);
    io.out << name << ": " << p->description() << "\n";
    PrintItems("checks", p->checks(), io.out);
    PrintItems("planted bugs (\"bugs\": [...])", p->bugs(), io.out);
    PrintItems("facts", p->facts(), io.out);
    PrintKeys("\"options\"", p->option_keys(), io.out);
    PrintKeys("\"workload\"", p->workload_keys(), io.out);
  }
  return kExitOk;
}

int SchemaCommand(const std::vector<std::string>& positional, const ProtocolRegistry& registry,
                  CliIo io) {
  if (positional.size() != 1) {
    io.err << "usage: dsim schema FILE [--check]\n";
    return kExitBadInput;
  }
  const std::string& path = positional[0];
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    io.err << "dsim schema: cannot read " << path << "\n";
    return kExitBadInput;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::ordered_json root = nlohmann::ordered_json::parse(text.str(), nullptr, false);
  if (root.is_discarded() || !root.is_object() || !root.contains("$defs") || !root["$defs"].is_object()) {
    io.err << path << ": not a scenario schema (a JSON object with \"$defs\")\n";
    return kExitBadInput;
  }
  const std::string updated = WithGeneratedSchemas(root, registry).dump(2) + "\n";
  if (updated == text.str()) {
    io.out << path << " is up to date\n";
    return kExitOk;
  }
  if (absl::GetFlag(FLAGS_check)) {
    io.out << path << " is out of date: run dsim schema " << path << "\n";
    return kExitFailed;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << updated;
  out.close();
  if (!out) {
    io.err << "dsim schema: cannot write " << path << "\n";
    return kExitBadInput;
  }
  io.out << "rewrote " << path << "\n";
  return kExitOk;
}

}  // namespace dsim
