#include "protocols/zab/observations.h"

#include <utility>

namespace dsim::zab {

ZabLog CollectZabLog(const Observations& obs, const Observer& observer) {
  ZabLog log;
  for (const auto& o : obs.Of<ProposedTxn>().entries()) {
    log.broadcasts.push_back({o.event_ns, o.node, o.value.zxid, log.values.Intern(o.value.txn)});
  }
  const auto& deliveries = obs.Of<DeliveredTxn>().entries();
  log.deliveries.reserve(deliveries.size());
  for (const auto& o : deliveries) {
    log.deliveries.push_back(
        {o.event_ns, o.node, o.incarnation, o.value.sequence, o.value.zxid, log.values.Intern(o.value.txn)});
  }
  obs.Of<EpochSaved>().ForEachSurvivor(observer, [&](const auto& o) {
    log.epoch_writes.push_back({o.stamp_ns, o.node, o.value.accepted, o.value.epoch});
  });
  for (const auto& o : obs.Of<ElectionDecided>().entries()) {
    log.elections.push_back({o.event_ns, o.node, o.value.leader, o.value.round});
  }
  for (const auto& o : obs.Of<Established>().entries()) {
    log.establishments.push_back({o.event_ns, o.node, o.value.epoch, o.value.history_end});
  }
  for (const auto& o : obs.Of<StateChanged>().entries()) log.states[o.node] = o.value.state;
  return log;
}

RecipeLog CollectRecipeLog(const Observations& obs) {
  RecipeLog log;
  for (const auto& o : obs.Of<HoldChanged>().entries()) {
    if (o.value.held) {
      log.holds.push_back({o.node, o.value.token, o.event_ns});
      continue;
    }
    // The end of the client's latest hold that is still open.
    for (auto it = log.holds.rbegin(); it != log.holds.rend(); ++it) {
      if (it->client == o.node && it->end_ns < 0) {
        it->end_ns = o.event_ns;
        break;
      }
    }
  }
  for (const auto& o : obs.Of<ResourceUsed>().entries()) {
    log.uses.push_back({o.event_ns, o.value.client, o.value.token, o.value.accepted});
  }
  for (const auto& o : obs.Of<ConfigSeen>().entries()) log.seen.push_back({o.event_ns, o.node, o.value.version});
  for (const auto& o : obs.Of<ConfigPublished>().entries()) log.published = o.value.version;
  for (const auto& o : obs.Of<MembersListed>().entries()) log.views.push_back({o.event_ns, o.value.members});
  return log;
}

}  // namespace dsim::zab
