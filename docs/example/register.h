// The worked example of docs/adding-a-protocol.md: a durable register on
// one server, with clients that read and write it.
//
// The server logs each write to its disk and syncs before it answers, so an
// acknowledged write survives a crash and every read sees the latest
// acknowledged write: the history is linearizable. Planted bug
// `group_commit_after_reply`: the server answers first and syncs only every
// fourth write, so a crash loses acknowledged writes and a later read
// returns an older value.
#ifndef DSIM_DOCS_EXAMPLE_REGISTER_H_
#define DSIM_DOCS_EXAMPLE_REGISTER_H_

#include <cstdint>
#include <memory>

#include "sim/client.h"
#include "sim/codec.h"
#include "sim/process.h"
#include "sim/protocol.h"
#include "sim/request.h"
#include "sim/time.h"

namespace dsim::example {

struct Options {
  int64_t think_ns = 2 * kMillisecond;     // a client's pause between operations
  int64_t timeout_ns = 20 * kMillisecond;  // a client's patience
  int write_weight = 1;                    // of every 2 operations, how many write
  bool bug_group_commit_after_reply = false;
};

// Messages: a type number unique within the protocol, a name for traces,
// and the fields to encode.
struct Write {
  static constexpr uint16_t kType = 1;
  static constexpr const char* kName = "Write";
  uint64_t request = 0;
  int64_t value = 0;
  DSIM_FIELDS(request, value)
};
struct Read {
  static constexpr uint16_t kType = 2;
  static constexpr const char* kName = "Read";
  uint64_t request = 0;
  DSIM_FIELDS(request)
};
struct Reply {
  static constexpr uint16_t kType = 3;
  static constexpr const char* kName = "Reply";
  uint64_t request = 0;
  bool has_value = false;  // reads: false while nothing was ever written
  int64_t value = 0;
  DSIM_FIELDS(request, has_value, value)
};

class RegisterServer : public Process {
 public:
  explicit RegisterServer(const Options& o) : o_(o) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context&, TimerId, uint64_t) override {}

 private:
  const Options& o_;
  bool has_value_ = false;
  int64_t value_ = 0;
  int unsynced_ = 0;  // the planted bug's batch
};

class RegisterClient : public Process {
 public:
  explicit RegisterClient(const Options& o) : o_(o) {}
  void OnStart(Context& ctx) override;
  void OnMessage(Context& ctx, const Envelope& m) override;
  void OnTimer(Context& ctx, TimerId id, uint64_t tag) override;

 private:
  static constexpr uint64_t kNext = 1;
  void Next(Context& ctx);
  HistoryEvent Event(OpType type, Value value) const;

  const Options& o_;
  RequestTracker tracker_;
  HistoryProcess process_;
  uint64_t request_ = 0;  // the one in flight (0: none)
  bool writing_ = false;
  int64_t written_ = 0;
};

std::unique_ptr<Protocol> MakeProtocol();

}  // namespace dsim::example

#endif  // DSIM_DOCS_EXAMPLE_REGISTER_H_
