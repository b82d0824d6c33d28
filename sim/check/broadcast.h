// Ordered (atomic) broadcast, as ZAB promises it, over the sequences of
// transactions each server delivered (a restarted server, which replays its
// log, starts a new sequence).
//
//   prefix order  any two delivery sequences: one is a prefix of the other
//                 (same position, same zxid and value) - total order and
//                 agreement together
//   integrity     each delivered transaction was broadcast, with that value
//   uniqueness    no zxid was broadcast with two values
//   no duplicates a sequence delivers a zxid once
//   primary order zxids increase along every sequence, so a server never
//                 applies an epoch's transaction after a later epoch's
//
//   std::vector<Finding> f = CheckOrderedBroadcast(sequences, broadcasts);
#ifndef DSIM_SIM_CHECK_BROADCAST_H_
#define DSIM_SIM_CHECK_BROADCAST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sim/check/consensus.h"

namespace dsim {

struct Delivered {
  int64_t zxid = 0;
  std::string value;
};

struct DeliverySequence {
  std::string label;  // "n3 (incarnation 1)"
  std::vector<Delivered> items;
};

struct BroadcastReport {
  Finding prefix_order;
  Finding integrity;
  Finding no_duplicates;
  Finding primary_order;
  size_t longest = 0;  // transactions in the longest sequence
};

// `broadcasts`: every (zxid, value) a leader proposed.
BroadcastReport CheckOrderedBroadcast(const std::vector<DeliverySequence>& sequences,
                                      const std::vector<Delivered>& broadcasts);

// Printed as 0x<epoch><counter>, ZooKeeper's way.
std::string FormatZxid(int64_t zxid);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_BROADCAST_H_
