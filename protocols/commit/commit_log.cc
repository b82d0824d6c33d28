#include <algorithm>

#include "protocols/commit/commit.h"

namespace dsim::commit {

std::map<std::string, std::set<int32_t>> CommitLog::participants() const {
  std::map<std::string, std::set<int32_t>> out;
  for (const auto& [tx, nodes] : participants_) out[FormatTx(tx)].insert(nodes.begin(), nodes.end());
  return out;
}

std::vector<::dsim::Vote> CommitLog::votes() const {
  std::vector<::dsim::Vote> out;
  for (const Stamped& v : votes_) {
    if (observer_->Survived(v.stamp)) out.push_back({Simulator::StampTime(v.stamp), v.node, FormatTx(v.tx), v.flag});
  }
  return out;
}

std::vector<CommitDecision> CommitLog::decisions() const {
  std::vector<CommitDecision> out;
  for (const Stamped& d : decisions_) {
    if (observer_->Survived(d.stamp)) out.push_back({Simulator::StampTime(d.stamp), d.node, FormatTx(d.tx), d.flag});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const CommitDecision& a, const CommitDecision& b) { return a.time_ns < b.time_ns; });
  return out;
}

std::vector<std::pair<NodeId, TxId>> CommitLog::acked_commits() const {
  std::vector<std::pair<NodeId, TxId>> out;
  for (const Stamped& a : acks_) {
    if (observer_->Survived(a.stamp)) out.push_back({a.node, a.tx});
  }
  return out;
}

std::vector<int64_t> CommitLog::UncertainTimes(int64_t end) const {
  std::map<std::pair<NodeId, TxId>, int64_t> since;
  for (const Stamped& v : votes_) {
    if (v.flag && observer_->Survived(v.stamp)) since.emplace(std::make_pair(v.node, v.tx), Simulator::StampTime(v.stamp));
  }
  std::vector<int64_t> out;
  for (const Stamped& d : decisions_) {
    auto it = since.find({d.node, d.tx});
    if (it == since.end() || !observer_->Survived(d.stamp)) continue;
    out.push_back(Simulator::StampTime(d.stamp) - it->second);
    since.erase(it);
  }
  for (const auto& [k, t] : since) out.push_back(end - t);
  return out;
}

}  // namespace dsim::commit
