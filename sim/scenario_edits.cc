#include "sim/scenario_edits.h"

#include <algorithm>
#include <set>
#include <utility>

#include "sim/time.h"

namespace dsim {
namespace {

using Json = nlohmann::json;

// Crashes and restarts must alternate per node (the loader rejects anything
// else): after faults were dropped, a restart of a node that is up or a
// crash of one that is down goes too.
std::vector<Json> Repair(std::vector<Json> faults, const Json& doc) {
  std::stable_sort(faults.begin(), faults.end(),
                   [](const Json& a, const Json& b) { return FaultTime(a) < FaultTime(b); });
  std::set<int64_t> down;
  if (doc.contains("initially_down") && doc["initially_down"].is_array()) {
    for (const Json& id : doc["initially_down"]) {
      if (id.is_number_integer()) down.insert(id.get<int64_t>());
    }
  }
  std::vector<Json> kept;
  for (Json& f : faults) {
    const std::string kind = Kind(f);
    if (kind == "crash" || kind == "restart") {
      const int64_t node = f.value("node", int64_t{0});
      const bool is_down = down.count(node) > 0;
      if (is_down != (kind == "restart")) continue;
      if (kind == "crash") down.insert(node); else down.erase(node);
    }
    kept.push_back(std::move(f));
  }
  return kept;
}

bool StartsNetworkFault(const Json& f) {
  const std::string kind = Kind(f);
  return kind == "partition" || kind == "isolate" || kind == "cut" || kind == "bridge" ||
         (kind == "link" && !f.contains("for"));
}

// Node ids after servers old_n+1..: servers above new_n are gone (nullopt),
// clients move down.
std::optional<int64_t> Renumber(int64_t id, int old_n, int new_n) {
  if (id <= new_n) return id;
  if (id <= old_n) return std::nullopt;
  return id - (old_n - new_n);
}

// A node list with the removed servers left out; nullopt when a list that
// named nodes names none any more (an empty list means every node).
std::optional<Json> RenumberList(const Json& list, int old_n, int new_n) {
  if (!list.is_array()) return list;
  Json out = Json::array();
  for (const Json& id : list) {
    if (!id.is_number_integer()) return std::nullopt;
    if (auto n = Renumber(id.get<int64_t>(), old_n, new_n)) out.push_back(*n);
  }
  if (out.empty() && !list.empty()) return std::nullopt;
  return out;
}

// The fault (or link override, or clock) with the removed servers gone, or
// nullopt when it no longer means anything.
std::optional<Json> RenumberNodes(Json f, int old_n, int new_n) {
  if (f.contains("node")) {
    if (!f["node"].is_number_integer()) return std::nullopt;
    std::optional<int64_t> n = Renumber(f["node"].get<int64_t>(), old_n, new_n);
    if (!n) return std::nullopt;
    f["node"] = *n;
  }
  for (const char* key : {"from", "to"}) {
    if (!f.contains(key)) continue;
    std::optional<Json> list = RenumberList(f[key], old_n, new_n);
    if (!list) return std::nullopt;
    f[key] = *list;
  }
  if (f.contains("groups")) {
    Json groups = Json::array();
    for (const Json& g : f["groups"]) {
      std::optional<Json> list = RenumberList(g, old_n, new_n);
      if (list && !list->empty()) groups.push_back(*list);
    }
    const size_t needed = Kind(f) == "bridge" ? 2 : 0;
    if (groups.size() < 2 || (needed != 0 && groups.size() != needed)) return std::nullopt;
    f["groups"] = groups;
  }
  return f;
}

}  // namespace

int64_t DurationAt(const Json& doc, const char* key, int64_t fallback) {
  if (!doc.contains(key) || !doc[key].is_string()) return fallback;
  return ParseDuration(doc[key].get<std::string>()).value_or(fallback);
}

int64_t FaultTime(const Json& f) { return DurationAt(f, "at", 0); }

std::string Kind(const Json& f) { return f.value("kind", std::string()); }

std::vector<Json> FaultsOf(const Json& doc) {
  if (!doc.contains("faults") || !doc["faults"].is_array()) return {};
  return doc["faults"].get<std::vector<Json>>();
}

void SetFaults(Json& doc, std::vector<Json> faults) {
  faults = Repair(std::move(faults), doc);
  if (faults.empty()) {
    doc.erase("faults");
  } else {
    doc["faults"] = std::move(faults);
  }
}

std::vector<std::vector<size_t>> Episodes(const std::vector<Json>& faults) {
  std::vector<std::vector<size_t>> episodes;
  std::vector<bool> taken(faults.size(), false);
  for (size_t i = 0; i < faults.size(); ++i) {
    if (taken[i]) continue;
    taken[i] = true;
    std::vector<size_t> episode = {i};
    const std::string kind = Kind(faults[i]);
    const Json node = faults[i].value("node", Json());
    for (size_t j = i + 1; j < faults.size(); ++j) {
      if (taken[j]) continue;
      const std::string other = Kind(faults[j]);
      const bool ends = (kind == "crash" && other == "restart" && faults[j].value("node", Json()) == node) ||
                        (kind == "clock_drift" && faults[i].value("drift_ppm", 0) != 0 &&
                         other == "clock_drift" && faults[j].value("node", Json()) == node) ||
                        (StartsNetworkFault(faults[i]) && other == "heal");
      if (ends) {
        taken[j] = true;
        episode.push_back(j);
        break;
      }
    }
    episodes.push_back(std::move(episode));
  }
  return episodes;
}

std::vector<Json> Flatten(const std::vector<Json>& faults, const std::vector<std::vector<size_t>>& episodes) {
  std::vector<size_t> indices;
  for (const auto& e : episodes) indices.insert(indices.end(), e.begin(), e.end());
  std::sort(indices.begin(), indices.end());
  std::vector<Json> out;
  for (size_t i : indices) out.push_back(faults[i]);
  return out;
}

Json WithoutServers(const Json& doc, int new_n) {
  const int n = static_cast<int>(doc.value("nodes", int64_t{0}));
  Json c = doc;
  c["nodes"] = new_n;
  std::vector<Json> faults;
  for (const Json& f : FaultsOf(doc)) {
    if (std::optional<Json> g = RenumberNodes(f, n, new_n)) faults.push_back(*g);
  }
  SetFaults(c, std::move(faults));
  auto renumber_all = [&](Json& list) {
    if (!list.is_array()) return;
    Json kept = Json::array();
    for (const Json& x : list) {
      if (std::optional<Json> g = RenumberNodes(x, n, new_n)) kept.push_back(*g);
    }
    list = kept;
  };
  if (c.contains("clocks")) renumber_all(c["clocks"]);
  if (c.contains("network") && c["network"].contains("links")) renumber_all(c["network"]["links"]);
  if (c.contains("initially_down")) {
    std::optional<Json> down = RenumberList(c["initially_down"], n, new_n);
    if (down && !down->empty()) c["initially_down"] = *down; else c.erase("initially_down");
  }
  return c;
}

}  // namespace dsim
