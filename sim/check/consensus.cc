#include "sim/check/consensus.h"

#include <map>
#include <tuple>

#include "absl/strings/str_format.h"
#include "sim/time.h"

namespace dsim {
namespace {

void Fail(Finding& f, const std::string& what) {
  if (f.violations++ == 0) f.detail = what;
  f.ok = false;
}

}  // namespace

ConsensusReport CheckConsensus(const std::vector<Decision>& decisions,
                               const std::set<std::string>& proposed, const std::string& noop) {
  ConsensusReport r;
  std::map<int64_t, const Decision*> first_by_slot;
  std::map<std::pair<int32_t, int64_t>, const Decision*> by_node_slot;
  std::map<std::tuple<int32_t, uint32_t, int64_t>, int> per_incarnation;
  for (const Decision& d : decisions) {
    auto [it, fresh] = first_by_slot.emplace(d.slot, &d);
    if (!fresh && it->second->value != d.value) {
      Fail(r.agreement, absl::StrFormat(
                            "slot %d: n%d decided \"%s\" at %s but n%d decided \"%s\" at %s", d.slot,
                            it->second->node, it->second->value, FormatDuration(it->second->time_ns),
                            d.node, d.value, FormatDuration(d.time_ns)));
    }
    if (!proposed.count(d.value) && !(d.value == noop && !noop.empty())) {
      Fail(r.validity, absl::StrFormat("slot %d: n%d decided \"%s\", which nobody proposed", d.slot,
                                       d.node, d.value));
    }
    if (++per_incarnation[{d.node, d.incarnation, d.slot}] == 2) {
      Fail(r.integrity, absl::StrFormat("slot %d: n%d decided twice in one incarnation", d.slot, d.node));
    }
    auto [nit, nfresh] = by_node_slot.emplace(std::make_pair(d.node, d.slot), &d);
    if (!nfresh && nit->second->value != d.value) {
      Fail(r.integrity, absl::StrFormat("slot %d: n%d decided \"%s\" and later \"%s\"", d.slot, d.node,
                                        nit->second->value, d.value));
    }
  }
  r.slots_decided = static_cast<int64_t>(first_by_slot.size());
  if (r.agreement.ok) {
    r.agreement.detail = absl::StrFormat("%d slots, one value each", r.slots_decided);
  }
  if (r.validity.ok) r.validity.detail = "every decided value was proposed";
  if (r.integrity.ok) r.integrity.detail = "no node decided a slot twice";
  return r;
}

}  // namespace dsim
