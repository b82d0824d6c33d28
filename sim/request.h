// Three-state requests for client processes.
//
// A request to a remote server ends in one of three ways: a success, a
// definite failure, or a timeout - and a timeout means *unknown*: the request
// may or may not have taken effect. Clients record unknown outcomes as
// Jepsen's `info`, never as `fail`.
//
//   uint64_t id = tracker_.Begin(ctx, 500 * kMillisecond);
//   ctx.Send(server, Request{.id = id, ...});
//   // OnMessage: if (tracker_.End(ctx, reply.id)) { ok or fail, as the reply says }
//   // OnTimer:   if (auto id = tracker_.Expired(tag)) { unknown: record info }
#ifndef DSIM_SIM_REQUEST_H_
#define DSIM_SIM_REQUEST_H_

#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "sim/process.h"

namespace dsim {

enum class Outcome : uint8_t { kOk, kFailed, kUnknown };

class RequestTracker {
 public:
  // Timer tags with this bit set belong to the tracker; protocols keep it
  // clear in their own tags.
  static constexpr uint64_t kTagBit = 1ull << 62;
  static bool IsTrackerTag(uint64_t tag) { return (tag & kTagBit) != 0; }

  // Starts a request that times out after `timeout_ns` of local time.
  uint64_t Begin(Context& ctx, int64_t timeout_ns) {
    DSIM_ASSERT_MSG(timeout_ns > 0, "a request timeout of %d ns", timeout_ns);
    const uint64_t id = next_id_++;
    pending_[id] = ctx.SetTimer(timeout_ns, kTagBit | id);
    return id;
  }

  // A reply for `id` arrived. True if the request was still outstanding; a
  // late reply to a request that already timed out returns false (its
  // outcome stays unknown).
  bool End(Context& ctx, uint64_t id) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return false;
    ctx.CancelTimer(it->second);
    pending_.erase(it);
    return true;
  }

  // For OnTimer: the id of the request that just timed out, if `tag` is one
  // of the tracker's and the request was still outstanding.
  std::optional<uint64_t> Expired(uint64_t tag) {
    if (!IsTrackerTag(tag)) return std::nullopt;
    const uint64_t id = tag & ~kTagBit;
    auto it = pending_.find(id);
    if (it == pending_.end()) return std::nullopt;
    pending_.erase(it);
    return id;
  }

  bool Outstanding(uint64_t id) const { return pending_.contains(id); }
  size_t outstanding() const { return pending_.size(); }

 private:
  uint64_t next_id_ = 1;
  // Only looked up, never iterated: its hash order cannot reach a run.
  absl::flat_hash_map<uint64_t, TimerId> pending_;
};

}  // namespace dsim

#endif  // DSIM_SIM_REQUEST_H_
