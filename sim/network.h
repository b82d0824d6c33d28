// The simulated network: which node can reach which, and how long a message
// takes. Every decision about one message is made here, at send time, from
// the network's own RNG stream; delivery-time checks (a FIFO connection that
// broke, a link cut while a datagram was in flight) are answered by
// Deliverable().
//
// Links are ordered pairs (from, to). Each has parameters (latency
// distribution, loss, duplication, reordering, FIFO or datagram) and is cut
// or not. FIFO links behave like a TCP connection: messages arrive in send
// order, and a cut breaks the connection, dropping what is in flight.
//
//   Network net(num_nodes, options);
//   net.Partition({{1, 2}, {3, 4, 5}});
//   Network::Route r = net.Plan(1, 3, now, rng);   // r.drop == DropReason::kPartition
//   net.Heal();
#ifndef DSIM_SIM_NETWORK_H_
#define DSIM_SIM_NETWORK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/latency.h"
#include "sim/rng.h"

namespace dsim {

using NodeId = int32_t;  // 1-based; 0 means "none"

struct LinkParams {
  LatencyDist latency;              // default uniform 100us..1ms
  double loss = 0;                  // probability a message is lost
  double duplicate = 0;             // probability it is delivered twice
  double reorder = 0;               // datagram only: probability of extra delay
  int64_t reorder_delay_ns = 2'000'000;  // the extra delay is uniform in [0, this]
  bool fifo = true;                 // TCP-like (ordered) vs datagram
};

// A change to some links' parameters; unset fields keep their value.
struct LinkChange {
  std::optional<LatencyDist> latency;
  std::optional<double> loss;
  std::optional<double> duplicate;
  std::optional<double> reorder;
  std::optional<int64_t> reorder_delay_ns;
  std::optional<bool> fifo;
  void ApplyTo(LinkParams& p) const;
};

struct LinkOverride {
  std::vector<NodeId> from;  // empty: every node
  std::vector<NodeId> to;    // empty: every node
  LinkChange change;
};

struct NetworkOptions {
  LinkParams defaults;
  std::vector<LinkOverride> links;  // applied in order over the defaults
};

enum class DropReason : uint8_t {
  kNone,
  kPartition,   // the link was cut
  kLoss,        // random loss
  kBrokenLink,  // a FIFO connection broke while the message was in flight
  kNodeDown,    // the destination was down at delivery
  kSenderCrashed,  // the sender crashed before the message left
};
const char* DropReasonName(DropReason r);

// Who put a network fault in place. A link is cut while any layer cuts it;
// the nemesis heals only what it did itself, so a partition the scenario
// scheduled outlasts a nemesis episode that overlaps it.
enum FaultLayer : uint8_t { kScheduledLayer = 1, kNemesisLayer = 2 };

class Network {
 public:
  Network(int num_nodes, const NetworkOptions& options);

  struct Route {
    DropReason drop = DropReason::kNone;
    int64_t deliver_ns = 0;
    bool duplicate = false;
    int64_t duplicate_ns = 0;
    uint32_t epoch = 0;  // the connection the message travels on
  };
  // Decides the fate of a message from -> to leaving at depart_ns.
  Route Plan(NodeId from, NodeId to, int64_t depart_ns, Rng& rng);
  // Whether a message planned on `epoch` may still be delivered now.
  bool Deliverable(NodeId from, NodeId to, uint32_t epoch) const;

  // Partitions. Every call replaces nothing: cuts accumulate until Heal().
  // Nodes in different groups cannot talk; nodes in no group keep their links.
  void Partition(const std::vector<std::vector<NodeId>>& groups, FaultLayer layer = kScheduledLayer);
  // One-way: messages from `from` to `to` are dropped.
  void Cut(const std::vector<NodeId>& from, const std::vector<NodeId>& to,
           FaultLayer layer = kScheduledLayer);
  void Isolate(NodeId node, FaultLayer layer = kScheduledLayer);
  // Two halves that cannot talk, except through `bridge`, which reaches both.
  void Bridge(const std::vector<NodeId>& a, const std::vector<NodeId>& b, NodeId bridge,
              FaultLayer layer = kScheduledLayer);
  // Restores every link: no cuts, and the configured link parameters (every
  // link change undone, the scenario's and the nemesis's). Returns how many
  // link changes it undid.
  size_t Heal();
  // Undoes the nemesis's cuts and link changes; the scenario's stay.
  void HealNemesis();
  // Breaks the FIFO connections into `node` (it crashed): messages in flight
  // to it are lost even if it restarts before they arrive.
  void BreakConnections(NodeId node);

  // Changes the links from -> to until a heal or RevertLinks(the id returned).
  uint64_t ChangeLinks(const std::vector<NodeId>& from, const std::vector<NodeId>& to,
                       const LinkChange& change, FaultLayer layer = kScheduledLayer);
  // Undoes one change, keeping the others in the order they were made; false
  // if a heal already undid it.
  bool RevertLinks(uint64_t id);

  bool IsCut(NodeId from, NodeId to) const { return cut_[Index(from, to)] != 0; }
  const LinkParams& Params(NodeId from, NodeId to) const {
    return params_[param_index_[Index(from, to)]];
  }
  int num_nodes() const { return n_; }
  int cut_links() const;

 private:
  size_t Index(NodeId from, NodeId to) const {
    return static_cast<size_t>(from - 1) * n_ + static_cast<size_t>(to - 1);
  }
  void SetCut(NodeId from, NodeId to, FaultLayer layer);
  std::vector<NodeId> AllOr(const std::vector<NodeId>& ids) const;
  void ApplyChange(const std::vector<NodeId>& from, const std::vector<NodeId>& to,
                   const LinkChange& change);
  void ResetParams();
  void Reapply();

  struct ActiveChange {
    LinkOverride change;
    FaultLayer layer;
    uint64_t id;
  };

  int n_;
  NetworkOptions options_;
  std::vector<LinkParams> params_;        // distinct parameter sets
  std::vector<uint16_t> param_index_;     // per link: index into params_
  std::vector<uint8_t> cut_;              // per link: the FaultLayers cutting it
  std::vector<ActiveChange> changes_;     // link changes in force, oldest first
  uint64_t next_change_id_ = 1;
  std::vector<uint32_t> epoch_;           // per link: FIFO connection number
  std::vector<int64_t> last_deliver_ns_;  // per link: FIFO order
};

}  // namespace dsim

#endif  // DSIM_SIM_NETWORK_H_
