// The Multi-Paxos key-value client: read, write and cas on a few keys, sent
// to any server and redirected to the leader. Every operation ends ok, fail
// (a cas that found another value; a request no leader would take) or info
// (timed out: unknown), recorded in the run's history for the
// linearizability check. After an info the client continues as a new
// process, as Jepsen's clients do.
#ifndef DSIM_PROTOCOLS_PAXOS_MULTI_CLIENT_H_
#define DSIM_PROTOCOLS_PAXOS_MULTI_CLIENT_H_

#include <map>
#include <string>

#include "protocols/paxos/multi_messages.h"
#include "sim/client.h"
#include "sim/process.h"
#include "sim/request.h"
#include "sim/time.h"

namespace dsim::paxos {

struct ClientOptions {
  int keys = 3;
  int64_t think_ns = 10 * kMillisecond;  // uniform in [0, think] between operations
  int64_t timeout_ns = 300 * kMillisecond;
  int read_weight = 5, write_weight = 3, cas_weight = 2;
  int max_redirects = 4;
  int readers = 0;  // the last `readers` clients only read
  int64_t stop_ns = -1;  // no new operations from here on; -1: never
};

class MultiClient : public Process {
 public:
  MultiClient(const ClientOptions& o, int num_servers, bool reader)
      : o_(o), num_servers_(num_servers), reader_(reader) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  static constexpr uint64_t kNext = 1;
  void Next(Context& ctx);
  void Send(Context& ctx);
  void Complete(Context& ctx, OpType type, Value value);
  HistoryEvent Event(OpType type, Value value) const;

  const ClientOptions& o_;
  int num_servers_;
  bool reader_;
  RequestTracker tracker_;
  NodeId server_ = 1;
  NodeId first_server_ = 1;  // where the current operation started
  NodeId suspect_ = 0;       // the server our last operation timed out on
  HistoryProcess process_;
  uint64_t seq_ = 0;
  int64_t unique_ = 0;
  bool busy_ = false;
  uint64_t request_ = 0;
  int redirects_ = 0;
  Command cmd_;
  std::map<std::string, int64_t> last_seen_;
};

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_MULTI_CLIENT_H_
