#include "sim/network.h"

#include <algorithm>

#include "sim/assert.h"

namespace dsim {

const char* DropReasonName(DropReason r) {
  switch (r) {
    case DropReason::kNone:
      return "none";
    case DropReason::kPartition:
      return "partition";
    case DropReason::kLoss:
      return "loss";
    case DropReason::kBrokenLink:
      return "broken-link";
    case DropReason::kNodeDown:
      return "node-down";
    case DropReason::kSenderCrashed:
      return "sender-crashed";
  }
  return "?";
}

void LinkChange::ApplyTo(LinkParams& p) const {
  if (latency) p.latency = *latency;
  if (loss) p.loss = *loss;
  if (duplicate) p.duplicate = *duplicate;
  if (reorder) p.reorder = *reorder;
  if (reorder_delay_ns) p.reorder_delay_ns = *reorder_delay_ns;
  if (fifo) p.fifo = *fifo;
}

Network::Network(int num_nodes, const NetworkOptions& options)
    : n_(num_nodes), options_(options) {
  DSIM_ASSERT(num_nodes > 0);
  const size_t links = static_cast<size_t>(n_) * n_;
  param_index_.assign(links, 0);
  cut_.assign(links, 0);
  epoch_.assign(links, 0);
  last_deliver_ns_.assign(links, 0);
  ResetParams();
}

std::vector<NodeId> Network::AllOr(const std::vector<NodeId>& ids) const {
  if (!ids.empty()) return ids;
  std::vector<NodeId> all(n_);
  for (int i = 0; i < n_; ++i) all[i] = i + 1;
  return all;
}

void Network::ResetParams() {
  params_.assign(1, options_.defaults);
  std::fill(param_index_.begin(), param_index_.end(), 0);
  for (const LinkOverride& o : options_.links) ApplyChange(o.from, o.to, o.change);
}

uint64_t Network::ChangeLinks(const std::vector<NodeId>& from, const std::vector<NodeId>& to,
                              const LinkChange& change, FaultLayer layer) {
  const uint64_t id = next_change_id_++;
  changes_.push_back({{from, to, change}, layer, id});
  ApplyChange(from, to, change);
  return id;
}

bool Network::RevertLinks(uint64_t id) {
  const auto it = std::find_if(changes_.begin(), changes_.end(),
                               [id](const ActiveChange& c) { return c.id == id; });
  if (it == changes_.end()) return false;
  changes_.erase(it);
  Reapply();
  return true;
}

void Network::Reapply() {
  ResetParams();
  for (const ActiveChange& c : changes_) ApplyChange(c.change.from, c.change.to, c.change.change);
}

void Network::ApplyChange(const std::vector<NodeId>& from, const std::vector<NodeId>& to,
                          const LinkChange& change) {
  // Links that shared a parameter set keep sharing the changed one, so the
  // table stays small however many links change.
  std::vector<int> remap(params_.size(), -1);
  for (NodeId f : AllOr(from)) {
    for (NodeId t : AllOr(to)) {
      if (f == t) continue;
      uint16_t& idx = param_index_[Index(f, t)];
      DSIM_ASSERT_MSG(idx < remap.size(), "link %d -> %d changed twice in one change", f, t);
      if (remap[idx] < 0) {
        LinkParams p = params_[idx];
        change.ApplyTo(p);
        DSIM_ASSERT(params_.size() < 65535);
        params_.push_back(p);
        remap[idx] = static_cast<int>(params_.size() - 1);
      }
      idx = static_cast<uint16_t>(remap[idx]);
    }
  }
}

Network::Route Network::Plan(NodeId from, NodeId to, int64_t depart_ns, Rng& rng) {
  Route r;
  if (from == to) {  // loopback: immediate, never cut
    r.deliver_ns = depart_ns;
    return r;
  }
  const size_t i = Index(from, to);
  r.epoch = epoch_[i];
  if (cut_[i]) {
    r.drop = DropReason::kPartition;
    return r;
  }
  const LinkParams& p = params_[param_index_[i]];
  if (p.loss > 0 && rng.Chance(p.loss)) {
    r.drop = DropReason::kLoss;
    return r;
  }
  int64_t at = depart_ns + p.latency.Sample(rng);
  if (p.fifo) {
    at = std::max(at, last_deliver_ns_[i]);
    last_deliver_ns_[i] = at;
  } else if (p.reorder > 0 && rng.Chance(p.reorder)) {
    at += rng.UniformInt(0, p.reorder_delay_ns);
  }
  r.deliver_ns = at;
  if (p.duplicate > 0 && rng.Chance(p.duplicate)) {
    r.duplicate = true;
    int64_t dup = depart_ns + p.latency.Sample(rng);
    if (p.fifo) {  // a retransmitted segment: right behind the original
      dup = std::max(dup, at);
      last_deliver_ns_[i] = dup;
    }
    r.duplicate_ns = dup;
  }
  return r;
}

bool Network::Deliverable(NodeId from, NodeId to, uint32_t epoch) const {
  if (from == to) return true;
  const size_t i = Index(from, to);
  if (cut_[i]) return false;
  return !params_[param_index_[i]].fifo || epoch_[i] == epoch;
}

void Network::SetCut(NodeId from, NodeId to, FaultLayer layer) {
  if (from == to) return;
  const size_t i = Index(from, to);
  if (!cut_[i]) ++epoch_[i];  // the connection breaks
  cut_[i] |= layer;
}

void Network::Partition(const std::vector<std::vector<NodeId>>& groups, FaultLayer layer) {
  for (size_t a = 0; a < groups.size(); ++a) {
    for (size_t b = 0; b < groups.size(); ++b) {
      if (a == b) continue;
      for (NodeId f : groups[a]) {
        for (NodeId t : groups[b]) SetCut(f, t, layer);
      }
    }
  }
}

void Network::Cut(const std::vector<NodeId>& from, const std::vector<NodeId>& to, FaultLayer layer) {
  for (NodeId f : AllOr(from)) {
    for (NodeId t : AllOr(to)) SetCut(f, t, layer);
  }
}

void Network::Isolate(NodeId node, FaultLayer layer) {
  for (NodeId other = 1; other <= n_; ++other) {
    SetCut(node, other, layer);
    SetCut(other, node, layer);
  }
}

void Network::Bridge(const std::vector<NodeId>& a, const std::vector<NodeId>& b,
                     NodeId bridge, FaultLayer layer) {
  for (NodeId x : a) {
    for (NodeId y : b) {
      if (x == bridge || y == bridge) continue;
      SetCut(x, y, layer);
      SetCut(y, x, layer);
    }
  }
}

size_t Network::Heal() {
  std::fill(cut_.begin(), cut_.end(), 0);
  const size_t undone = changes_.size();
  changes_.clear();
  ResetParams();
  return undone;
}

void Network::HealNemesis() {
  for (uint8_t& c : cut_) c &= static_cast<uint8_t>(~kNemesisLayer);
  const size_t before = changes_.size();
  std::erase_if(changes_, [](const ActiveChange& c) { return c.layer == kNemesisLayer; });
  if (changes_.size() != before) Reapply();
}

void Network::BreakConnections(NodeId node) {
  // What the crashed node had already sent is on the wire and still arrives;
  // what was on its way to it is lost with its sockets.
  for (NodeId other = 1; other <= n_; ++other) {
    if (other != node) ++epoch_[Index(other, node)];
  }
}

int Network::cut_links() const {
  int c = 0;
  for (uint8_t x : cut_) c += x;
  return c;
}

}  // namespace dsim
