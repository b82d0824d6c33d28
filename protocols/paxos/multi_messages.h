// Messages of the Multi-Paxos replicated key-value store
// (shared/docs/protocols.md 1.4 and 1.7).
#ifndef DSIM_PROTOCOLS_PAXOS_MULTI_MESSAGES_H_
#define DSIM_PROTOCOLS_PAXOS_MULTI_MESSAGES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "protocols/paxos/ballot.h"
#include "sim/codec.h"

namespace dsim::paxos {

// A state-machine command; `client` and `seq` identify it for deduplication.
struct Command {
  enum Kind : uint8_t { kNoop = 0, kRead = 1, kWrite = 2, kCas = 3 };
  Kind kind = kNoop;
  std::string key;
  int64_t value = 0;     // write: the value; cas: the new value
  int64_t expected = 0;  // cas
  int32_t client = 0;
  uint64_t seq = 0;
  DSIM_FIELDS(kind, key, value, expected, client, seq)

  bool operator==(const Command&) const = default;
  // Hashed without the key: the numbers already tell commands apart (a
  // client's seq is unique), and equality still compares every field.
  template <typename H>
  friend H AbslHashValue(H h, const Command& c) {
    return H::combine(std::move(h), c.kind, c.value, c.expected, c.client, c.seq);
  }
  // A stable text form, for the Paxos checks ("w k3=7 c12#4").
  std::string Text() const {
    switch (kind) {
      case kNoop:
        return "noop";
      case kRead:
        return absl::StrFormat("r %s c%d#%d", key, client, seq);
      case kWrite:
        return absl::StrFormat("w %s=%d c%d#%d", key, value, client, seq);
      case kCas:
        return absl::StrFormat("cas %s %d->%d c%d#%d", key, expected, value, client, seq);
    }
    return "?";
  }
};

struct LogEntry {
  int64_t instance = 0;
  Ballot ballot = 0;  // the acceptor's accepted ballot (catch-up: unused)
  Command cmd;
  DSIM_FIELDS(instance, ballot, cmd)
};

struct ClientRequest {
  static constexpr uint16_t kType = 20;
  static constexpr const char* kName = "ClientRequest";
  Command cmd;
  DSIM_FIELDS(cmd)
};
struct ClientReply {
  static constexpr uint16_t kType = 21;
  static constexpr const char* kName = "ClientReply";
  enum Status : uint8_t { kOk = 0, kCasFailed = 1, kRedirect = 2 };
  uint64_t seq = 0;
  Status status = kOk;
  bool has_value = false;  // reads: false means nil
  int64_t value = 0;
  int32_t leader_hint = 0;
  DSIM_FIELDS(seq, status, has_value, value, leader_hint)
};
struct MPrepare {  // 1a, for every instance from `from_instance` on
  static constexpr uint16_t kType = 22;
  static constexpr const char* kName = "Prepare";
  Ballot ballot = 0;
  int64_t from_instance = 0;
  DSIM_FIELDS(ballot, from_instance)
};
struct MPromise {  // 1b, with what the acceptor accepted from there on
  static constexpr uint16_t kType = 23;
  static constexpr const char* kName = "Promise";
  Ballot ballot = 0;
  std::vector<LogEntry> accepted;
  DSIM_FIELDS(ballot, accepted)
};
struct MNack {
  static constexpr uint16_t kType = 24;
  static constexpr const char* kName = "Nack";
  Ballot ballot = 0;
  Ballot promised = 0;
  DSIM_FIELDS(ballot, promised)
};
struct MAccept {  // 2a, with the leader's commit index piggy-backed
  static constexpr uint16_t kType = 25;
  static constexpr const char* kName = "Accept";
  Ballot ballot = 0;
  int64_t instance = 0;
  Command cmd;
  int64_t commit_index = 0;
  DSIM_FIELDS(ballot, instance, cmd, commit_index)
};
struct MAccepted {  // 2b, to the leader
  static constexpr uint16_t kType = 26;
  static constexpr const char* kName = "Accepted";
  Ballot ballot = 0;
  int64_t instance = 0;
  DSIM_FIELDS(ballot, instance)
};
struct Heartbeat {
  static constexpr uint16_t kType = 27;
  static constexpr const char* kName = "Heartbeat";
  Ballot ballot = 0;
  int64_t commit_index = 0;
  uint64_t round = 0;  // for lease acknowledgements
  DSIM_FIELDS(ballot, commit_index, round)
};
struct HeartbeatAck {
  static constexpr uint16_t kType = 28;
  static constexpr const char* kName = "HeartbeatAck";
  Ballot ballot = 0;
  uint64_t round = 0;
  DSIM_FIELDS(ballot, round)
};
struct CatchupReq {
  static constexpr uint16_t kType = 29;
  static constexpr const char* kName = "CatchupReq";
  int64_t from_instance = 0;
  DSIM_FIELDS(from_instance)
};
struct CatchupResp {
  static constexpr uint16_t kType = 30;
  static constexpr const char* kName = "CatchupResp";
  std::vector<LogEntry> chosen;
  DSIM_FIELDS(chosen)
};

}  // namespace dsim::paxos

#endif  // DSIM_PROTOCOLS_PAXOS_MULTI_MESSAGES_H_
