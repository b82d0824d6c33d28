// A ZooKeeper client: a session kept alive with pings, one connected server
// at a time, fail-over with the same session (a server that has seen less
// than we have refuses us), requests in FIFO order, watch events, and the
// three outcomes - an answer, a definite error, or a lost connection, which
// leaves the request's fate unknown. Workloads (recipes) run on top of it.
#ifndef DSIM_PROTOCOLS_ZAB_CLIENT_H_
#define DSIM_PROTOCOLS_ZAB_CLIENT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/zab/messages.h"
#include "protocols/zab/observations.h"
#include "sim/client.h"
#include "sim/process.h"
#include "sim/request.h"
#include "sim/time.h"

namespace dsim::zab {

struct ClientOptions {
  std::string recipe = "kv";  // kv, lock, queue, election, config, membership
  int64_t session_timeout_ns = 2 * kSecond;
  int64_t request_timeout_ns = 500 * kMillisecond;  // no answer: the connection is lost
  int64_t think_ns = 10 * kMillisecond;
  int64_t start_ns = 0;  // the first connection attempt (local time): after the first election
  int64_t stop_ns = -1;    // no new operations from here on (local time)...
  int64_t resume_ns = -1;  // ... until here (kv), if set
  // kv
  int keys = 2;
  int read_weight = 5, write_weight = 3, sync_read_weight = 2;
  int readers = 0;  // the last `readers` clients never write
  // lock / election
  int64_t hold_ns = 50 * kMillisecond;
  // config
  int64_t publish_interval_ns = 100 * kMillisecond;
  int versions = 10;
  std::vector<NodeId> connect_to;  // client i starts at connect_to[(i-1) % size]; empty: spread over all
  int64_t stagger_ns = 0;          // lock, election: client i first tries after (i-1) * stagger
};

class ZkClient;

// A recipe's logic, driven by the client's callbacks.
class Workload {
 public:
  virtual ~Workload() = default;
  virtual void OnConnected(ZkClient& c) = 0;  // after every (re)connect
  // The answer to a call, or nullptr if the connection was lost first (the
  // request may or may not have taken effect).
  virtual void OnResult(ZkClient& c, uint64_t tag, const Response* r) = 0;
  virtual void OnWatch(ZkClient& c, const WatchEvent& e) {}
  // The connected server stopped answering (its outstanding calls have
  // already been reported lost); the client is looking for another.
  virtual void OnDisconnected(ZkClient& c) {}
  virtual void OnSessionExpired(ZkClient& c) {}
  virtual void OnTimer(ZkClient& c, uint64_t tag) {}
};

// client_index is 1-based; `resource` is the protected resource's node (lock).
std::unique_ptr<Workload> MakeWorkload(const ClientOptions& o, int client_index, int num_clients,
                                       NodeId resource);

class ZkClient : public Process {
 public:
  ZkClient(const ClientOptions& o, int num_servers, int client_index, int num_clients, NodeId resource)
      : o_(o), num_servers_(num_servers), index_(client_index),
        workload_(MakeWorkload(o, client_index, num_clients, resource)) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

  // For workloads, during a callback.
  Context& ctx() { return *ctx_; }
  int index() const { return index_; }
  int64_t session() const { return session_; }
  bool connected() const { return connected_; }
  const ClientOptions& options() const { return o_; }
  bool stopped() {
    const int64_t now = ctx_->Now();
    return o_.stop_ns >= 0 && now >= o_.stop_ns && (o_.resume_ns < 0 || now < o_.resume_ns);
  }
  void Call(Request r, uint64_t tag);
  void After(int64_t delay_ns, uint64_t tag);  // a workload timer
  int32_t process() const { return process_.id(); }
  void NewProcess() { process_.Next(); }
  void Record(OpType type, const std::string& f, std::optional<std::string> key, Value v);

 private:
  enum Tag : uint64_t { kConnectTimeout = 1, kPing = 2, kStart = 3, kRetryConnect = 4, kWorkloadBase = 1ull << 32 };
  // Attempts are at least this far apart on the client's clock: a refusal
  // that comes back faster (a network of latency 0) once had every client
  // reconnect at the same instant forever. Above no round trip the default
  // network allows (2 x 100us), so it only ever slows a near-zero network.
  static constexpr int64_t kMinConnectGapNs = 100 * kMicrosecond;
  void Connect();
  void LoseConnection();

  const ClientOptions& o_;
  int num_servers_;
  int index_;
  std::unique_ptr<Workload> workload_;
  Context* ctx_ = nullptr;
  NodeId server_ = 1;
  int64_t session_ = 0;
  Zxid last_zxid_ = 0;
  bool connected_ = false;
  uint64_t connect_attempt_ = 0;
  int64_t connect_sent_ = 0;  // when this attempt's Connect left (monotonic)
  uint64_t xid_ = 0;
  RequestTracker tracker_;
  struct Call_ {
    uint64_t tracker_id;
    uint64_t tag;
  };
  std::map<uint64_t, Call_> calls_;  // xid -> call
  HistoryProcess process_;
};

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_CLIENT_H_
