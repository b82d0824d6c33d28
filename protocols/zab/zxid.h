// ZooKeeper transaction ids: the epoch in the high 32 bits, a counter in the
// low 32 (shared/docs/protocols.md 2.1). Comparing zxids as integers
// compares (epoch, counter).
#ifndef DSIM_PROTOCOLS_ZAB_ZXID_H_
#define DSIM_PROTOCOLS_ZAB_ZXID_H_

#include <cstdint>
#include <string>

#include "sim/check/broadcast.h"

namespace dsim::zab {

using Zxid = int64_t;

inline uint32_t EpochOf(Zxid z) { return static_cast<uint32_t>(static_cast<uint64_t>(z) >> 32); }
inline uint32_t CounterOf(Zxid z) { return static_cast<uint32_t>(z & 0xFFFFFFFF); }
inline Zxid MakeZxid(uint32_t epoch, uint32_t counter) {
  return static_cast<Zxid>((static_cast<uint64_t>(epoch) << 32) | counter);
}
inline std::string ZxidText(Zxid z) { return FormatZxid(z); }

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_ZXID_H_
