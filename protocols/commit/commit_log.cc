#include <algorithm>

#include "protocols/commit/commit.h"

namespace dsim::commit {

std::map<std::string, std::set<int32_t>> CommitLog::participants() const {
  // A later report of a transaction replaces an earlier one.
  std::map<TxId, const std::vector<NodeId>*> last;
  for (const auto& p : o_.Of<TxParticipants>().entries()) last[p.value.tx] = &p.value.nodes;
  std::map<std::string, std::set<int32_t>> out;
  for (const auto& [tx, nodes] : last) out[FormatTx(tx)].insert(nodes->begin(), nodes->end());
  return out;
}

std::vector<::dsim::Vote> CommitLog::votes() const {
  std::vector<::dsim::Vote> out;
  o_.Of<VoteCast>().ForEachSurvivor(observer_, [&out](const Observation<VoteCast>& v) {
    out.push_back({v.stamp_ns, v.node, FormatTx(v.value.tx), v.value.yes});
  });
  return out;
}

std::vector<CommitDecision> CommitLog::decisions() const {
  std::vector<CommitDecision> out;
  o_.Of<DecisionMade>().ForEachSurvivor(observer_, [&out](const Observation<DecisionMade>& d) {
    out.push_back({d.stamp_ns, d.node, FormatTx(d.value.tx), d.value.commit});
  });
  std::stable_sort(out.begin(), out.end(),
                   [](const CommitDecision& a, const CommitDecision& b) { return a.time_ns < b.time_ns; });
  return out;
}

std::vector<std::pair<NodeId, TxId>> CommitLog::acked_commits() const {
  std::vector<std::pair<NodeId, TxId>> out;
  o_.Of<CommitAcked>().ForEachSurvivor(
      observer_, [&out](const Observation<CommitAcked>& a) { out.push_back({a.node, a.value.tx}); });
  return out;
}

std::vector<int64_t> CommitLog::UncertainTimes(int64_t end) const {
  std::map<std::pair<NodeId, TxId>, int64_t> since;
  o_.Of<VoteCast>().ForEachSurvivor(observer_, [&since](const Observation<VoteCast>& v) {
    if (v.value.yes) since.emplace(std::make_pair(v.node, v.value.tx), v.stamp_ns);
  });
  std::vector<int64_t> out;
  o_.Of<DecisionMade>().ForEachSurvivor(observer_, [&since, &out](const Observation<DecisionMade>& d) {
    auto it = since.find({d.node, d.value.tx});
    if (it == since.end()) return;
    out.push_back(d.stamp_ns - it->second);
    since.erase(it);
  });
  for (const auto& [k, t] : since) out.push_back(end - t);
  return out;
}

}  // namespace dsim::commit
