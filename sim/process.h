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

#include "absl/functional/function_ref.h"
#include "sim/assert.h"
#include "sim/codec.h"
#include "sim/disk.h"
#include "sim/history.h"
#include "sim/network.h"
#include "sim/rng.h"

namespace dsim {

class Context;

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

class Observations;

// Opaque to processes: only the engine reads it (see Context::Stamp).
class ObservationStamp {
 public:
  ObservationStamp() = default;

 private:
  friend class Simulator;
  friend class Context;
  friend class Observer;
  template <typename T>
  friend class ObservationLog;
  template <typename T>
  friend struct Observation;
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
  inline const std::string* Get(std::string_view key) const;
  inline const Disk::Map& contents() const;
  // Every record whose key starts with `prefix`, in key order: fn(key, value).
  inline void Scan(std::string_view prefix,
                   absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) const;
  inline void Put(std::string_view key, std::string_view value);
  inline void Delete(std::string_view key);
  // Makes every write so far durable; the node is busy for the sync time,
  // and anything it sends afterwards in this handler leaves after the sync.
  inline void Sync();

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

// Everything a process can do. The engine implements it (sim/simulator.cc);
// tests implement it too (tests/testing/fake_context.h) to drive one
// handler at a time and look at what it did.
class Context {
 public:
  virtual ~Context() = default;

  virtual NodeId id() const = 0;
  virtual int num_servers() const = 0;
  virtual int num_nodes() const = 0;  // servers, then clients
  virtual uint32_t incarnation() const = 0;

  // The local clock (offset, drift and steps applied), at this point of the
  // handler: it advances as the handler charges CPU time.
  virtual int64_t Now() const = 0;
  // The local monotonic clock: drift applies, steps do not.
  virtual int64_t Monotonic() const = 0;

  template <class M>
  void Send(NodeId to, const M& msg) {
    std::string& buf = BeginSend();
    EncodeTo(msg, buf);
    EndSend(to, M::kType, M::kName);
  }
  void SendBytes(NodeId to, uint16_t type, const char* name, std::string_view bytes) {
    BeginSend().assign(bytes);
    EndSend(to, type, name);
  }
  // Sends one message to each of servers 1..num_servers(), encoded once.
  template <class M>
  void SendToServers(const M& msg) {
    std::string& bytes = BeginBroadcast();  // not the send buffer: each send consumes that
    EncodeTo(msg, bytes);
    for (NodeId s = 1; s <= num_servers(); ++s) SendBytes(s, M::kType, M::kName, bytes);
  }

  // Fires after `delay_ns` of this node's monotonic clock. `tag` is the
  // protocol's own (which timer this is).
  virtual TimerId SetTimer(int64_t delay_ns, uint64_t tag) = 0;
  // Cancels a pending timer and resets the handle.
  virtual void CancelTimer(TimerId& id) = 0;

  virtual Rng& rng() = 0;
  DiskView disk() { return DiskView(this); }
  // Charges CPU time to this event on top of the per-event step cost.
  virtual void Charge(int64_t ns) = 0;
  // A protocol event for the trace (and its hash).
  virtual void Note(std::string_view kind, int64_t a = 0, int64_t b = 0, int64_t c = 0) = 0;
  // A stamp for an observation the run's checks will read: it marks this
  // point of the handler's simulated time, and Simulator::Survived(stamp)
  // tells later whether the node was still up then. An observation stamped
  // after a disk sync counts only if the sync completed, exactly like a
  // message sent there.
  virtual ObservationStamp Stamp() const = 0;
  // Reports an observation for the run's checks (sim/observations.h, which
  // defines it): stamped by the engine, filed under its type.
  template <typename T>
  void Observe(T value);
  // Appends a client operation to the run's history, at the current true
  // time. Only client processes should call it.
  virtual void Record(HistoryEvent e) = 0;

 protected:
  friend class DiskView;
  // Sending: the implementation names the buffer a message is encoded into
  // (EndSend then dispatches it), and the one a broadcast encodes into once
  // (each copy then goes through the send buffer). Not virtual: every send
  // uses them.
  Context(std::string* send_buffer, std::string* broadcast_buffer)
      : send_buffer_(send_buffer), broadcast_buffer_(broadcast_buffer) {}
  std::string& BeginSend() {
    send_buffer_->clear();
    return *send_buffer_;
  }
  std::string& BeginBroadcast() {
    broadcast_buffer_->clear();
    return *broadcast_buffer_;
  }
  virtual void EndSend(NodeId to, uint16_t type, const char* name) = 0;
  // The node's durable disk (see DiskView); writes and syncs charge their
  // CPU cost.
  virtual const std::string* DiskGet(std::string_view key) = 0;
  virtual const Disk::Map& DiskContents() = 0;
  virtual void DiskScan(std::string_view prefix,
                        absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) = 0;
  virtual void DiskPut(std::string_view key, std::string_view value) = 0;
  virtual void DiskDelete(std::string_view key) = 0;
  virtual void DiskSync() = 0;
  // What Observe needs, in one call: where it files observations, and the
  // node, its incarnation, the true time of the event being handled (its
  // start, before any CPU the handler charged) and of this point within it.
  struct ObservePoint {
    Observations* logs;
    int64_t event_ns;
    int64_t stamp_ns;
    NodeId node;
    uint32_t incarnation;
  };
  virtual ObservePoint Observing() = 0;
  static ObservationStamp MakeStamp(int64_t time_ns, NodeId node, uint32_t incarnation) {
    return ObservationStamp(time_ns, node, incarnation);
  }

 private:
  std::string* send_buffer_;
  std::string* broadcast_buffer_;
};

const std::string* DiskView::Get(std::string_view key) const { return ctx_->DiskGet(key); }
const Disk::Map& DiskView::contents() const { return ctx_->DiskContents(); }
void DiskView::Scan(std::string_view prefix,
                    absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) const {
  ctx_->DiskScan(prefix, fn);
}
void DiskView::Put(std::string_view key, std::string_view value) { ctx_->DiskPut(key, value); }
void DiskView::Delete(std::string_view key) { ctx_->DiskDelete(key); }
void DiskView::Sync() { ctx_->DiskSync(); }

}  // namespace dsim

#endif  // DSIM_SIM_PROCESS_H_
