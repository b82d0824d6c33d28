// The seam between protocol code and the engine.
//
// A protocol implements Process: three handlers, called one event at a time.
// A handler never blocks and never does real I/O; it acts only through its
// Context - send, set or cancel a timer (in local time), read the local clock,
// draw from its RNG stream, read and write its durable disk, charge CPU time,
// note an event in the trace. The engine carries the actions out.
//
// A crash destroys the Process object, so volatile state is lost by
// construction; a restart builds a new one, whose OnStart recovers from disk.
//
//   class Pinger : public Process {
//     void OnStart(Context& ctx) override { ctx.SetTimer(kMillisecond, 0); }
//     void OnTimer(Context& ctx, TimerId, uint64_t) override {
//       ctx.Send(2, Ping{.seq = ++seq_});
//       ctx.SetTimer(kMillisecond, 0);
//     }
//     void OnMessage(Context& ctx, const Envelope& m) override {
//       if (m.type == Pong::kType) ++pongs_;
//     }
//   };
#ifndef DSIM_SIM_PROCESS_H_
#define DSIM_SIM_PROCESS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/assert.h"
#include "sim/codec.h"
#include "sim/disk.h"
#include "sim/history.h"
#include "sim/network.h"
#include "sim/rng.h"

namespace dsim {

class Simulator;
struct NodeState;

// A handle for cancelling a timer; stale handles are harmless.
struct TimerId {
  uint32_t slot = UINT32_MAX;
  uint32_t gen = 0;
  bool valid() const { return slot != UINT32_MAX; }
  bool operator==(const TimerId&) const = default;
};

// A delivered message as the receiving process sees it.
struct Envelope {
  NodeId from = 0;
  uint16_t type = 0;
  std::string_view bytes;
  uint64_t lamport = 0;

  // Decodes the payload; a message that does not decode is an engine or
  // protocol bug (both ends are our code), so it stops the run.
  template <class M>
  M As() const {
    DSIM_ASSERT_MSG(type == M::kType, "message type %d is not %s", type, M::kName);
    M m;
    DSIM_ASSERT_MSG(DecodeFrom(bytes, m), "malformed %s from node %d", M::kName, from);
    return m;
  }
};

class Context;

// Opaque to processes: only the simulator reads it (see Context::Stamp).
class ObservationStamp {
 public:
  ObservationStamp() = default;

 private:
  friend class Simulator;
  ObservationStamp(int64_t time_ns, NodeId node, uint32_t incarnation)
      : time_ns_(time_ns), node_(node), incarnation_(incarnation) {}
  int64_t time_ns_ = 0;
  NodeId node_ = 0;
  uint32_t incarnation_ = 0;
};

// The disk as a process sees it: writes and syncs cost CPU time.
class DiskView {
 public:
  explicit DiskView(Context* ctx) : ctx_(ctx) {}
  const std::string* Get(std::string_view key) const;
  const Disk::Map& contents() const;
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Makes every write so far durable; the node is busy for the sync time,
  // and anything it sends afterwards in this handler leaves after the sync.
  void Sync();

 private:
  Context* ctx_;
};

class Process {
 public:
  virtual ~Process() = default;
  // At boot and at every restart (a fresh object: recover from disk here).
  virtual void OnStart(Context& ctx) = 0;
  virtual void OnMessage(Context& ctx, const Envelope& msg) = 0;
  virtual void OnTimer(Context& ctx, TimerId id, uint64_t tag) = 0;
};

class Context {
 public:
  NodeId id() const { return id_; }
  int num_servers() const;
  int num_nodes() const;  // servers, then clients
  uint32_t incarnation() const;

  // The local clock (offset, drift and steps applied), at this point of the
  // handler: it advances as the handler charges CPU time.
  int64_t Now() const;
  // The local monotonic clock: drift applies, steps do not.
  int64_t Monotonic() const;

  template <class M>
  void Send(NodeId to, const M& msg) {
    std::string& buf = BeginSend();
    EncodeTo(msg, buf);
    EndSend(to, M::kType, M::kName);
  }
  void SendBytes(NodeId to, uint16_t type, const char* name, std::string_view bytes);
  // Sends one message to each of servers 1..num_servers(), encoded once.
  template <class M>
  void SendToServers(const M& msg) {
    std::string& bytes = BeginBroadcast();  // not the send buffer: each send consumes that
    EncodeTo(msg, bytes);
    for (NodeId s = 1; s <= num_servers(); ++s) SendBytes(s, M::kType, M::kName, bytes);
  }

  // Fires after `delay_ns` of this node's monotonic clock. `tag` is the
  // protocol's own (which timer this is).
  TimerId SetTimer(int64_t delay_ns, uint64_t tag);
  // Cancels a pending timer and resets the handle.
  void CancelTimer(TimerId& id);

  Rng& rng();
  DiskView disk() { return DiskView(this); }
  // Charges CPU time to this event on top of the per-event step cost.
  void Charge(int64_t ns);
  // A protocol event for the trace (and its hash).
  void Note(std::string_view kind, int64_t a = 0, int64_t b = 0, int64_t c = 0);
  // A stamp for an observation the run's checks will read: it marks this
  // point of the handler's simulated time, and Simulator::Survived(stamp)
  // tells later whether the node was still up then. An observation stamped
  // after a disk sync counts only if the sync completed, exactly like a
  // message sent there.
  ObservationStamp Stamp() const;
  // Appends a client operation to the run's history, at the current true
  // time. Only client processes should call it.
  void Record(HistoryEvent e);

  // Engine side.
  Context(Simulator* sim, NodeState* node, NodeId id) : sim_(sim), node_(node), id_(id) {}

 private:
  friend class Simulator;
  friend class DiskView;
  std::string& BeginSend();
  std::string& BeginBroadcast();
  void EndSend(NodeId to, uint16_t type, const char* name);

  Simulator* sim_;
  NodeState* node_;
  NodeId id_;
};

}  // namespace dsim

#endif  // DSIM_SIM_PROCESS_H_
