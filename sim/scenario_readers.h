// Readers for the values scenario files share (node lists, latency
// distributions, link changes), used by the loader and the fault table.
#ifndef DSIM_SIM_SCENARIO_READERS_H_
#define DSIM_SIM_SCENARIO_READERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"
#include "sim/json_reader.h"
#include "sim/latency.h"
#include "sim/network.h"

namespace dsim {

// A clock may not stop or run twice as fast.
inline constexpr int64_t kMaxDriftPpm = 900'000;

// A duration string ("250us") for a constant, or an object
// {"dist": "constant"|"uniform"|"longtail", ...}.
std::optional<LatencyDist> ReadLatency(const JsonValue& v);
// A list of node ids, each in [1, max_id].
std::optional<std::vector<NodeId>> ReadNodeList(const JsonValue& v, int max_id);
// The required node id `key`, in [1, max_id].
NodeId ReadNode(JsonObject& o, std::string_view key, int max_id);
// The required "groups": disjoint node lists.
std::vector<std::vector<NodeId>> ReadGroups(JsonObject& o, int max_id);
// latency, loss, duplicate, reorder, reorder_delay, mode: what is present.
std::optional<LinkChange> ReadLinkChange(JsonObject& o);
// The inverses, for writing scenarios (dsim shrink): what they write reads
// back to the same value.
nlohmann::json LatencyToJson(const LatencyDist& d);
nlohmann::json LinkChangeToJson(const LinkChange& c);  // an object of the keys present
// Declares every key in `all` and reports the first present one that is not
// in `applicable` ("node" on a heal fault): a clearer error than "unknown".
void RejectInapplicable(JsonObject& o, const std::vector<std::string>& all,
                        const std::vector<std::string>& applicable, const std::string& what);

}  // namespace dsim

#endif  // DSIM_SIM_SCENARIO_READERS_H_
