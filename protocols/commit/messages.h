// Messages and records of atomic commit over sharded bank accounts
// (shared/docs/protocols.md 3.2 and 3.3).
#ifndef DSIM_PROTOCOLS_COMMIT_MESSAGES_H_
#define DSIM_PROTOCOLS_COMMIT_MESSAGES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "sim/codec.h"
#include "sim/durable.h"
#include "sim/network.h"

namespace dsim::commit {

// A transaction id: the client's node id and its sequence number.
using TxId = uint64_t;
inline TxId MakeTx(int32_t client, uint32_t seq) { return (static_cast<uint64_t>(client) << 32) | seq; }
inline std::string FormatTx(TxId tx) {
  return absl::StrFormat("t%d.%d", static_cast<int32_t>(tx >> 32), static_cast<uint32_t>(tx));
}

// One participant's part of a transaction: balance changes, or a read of
// all its accounts.
struct Change {
  int32_t account = 0;
  int64_t delta = 0;
  DSIM_FIELDS(account, delta)
};

enum class State : uint8_t { kInit, kUncertain, kPrecommitted, kCommitted, kAborted };
const char* StateName(State s);

struct TxRequest {  // client -> coordinator
  static constexpr uint16_t kType = 40;
  static constexpr const char* kName = "TxRequest";
  uint32_t seq = 0;
  bool read_all = false;
  int32_t from = 0, to = 0;
  int64_t amount = 0;
  DSIM_FIELDS(seq, read_all, from, to, amount)
};
struct TxReply {  // coordinator -> client
  static constexpr uint16_t kType = 41;
  static constexpr const char* kName = "TxReply";
  uint32_t seq = 0;
  bool committed = false;
  std::vector<int64_t> balances;  // read_all: every account, in account order
  DSIM_FIELDS(seq, committed, balances)
};
struct Prepare {  // CanCommit in 3PC
  static constexpr uint16_t kType = 42;
  static constexpr const char* kName = "Prepare";
  TxId tx = 0;
  std::vector<NodeId> participants;
  std::vector<Change> changes;
  bool read_all = false;
  DSIM_FIELDS(tx, participants, changes, read_all)
};
struct Vote {
  static constexpr uint16_t kType = 43;
  static constexpr const char* kName = "Vote";
  TxId tx = 0;
  bool yes = false;
  std::vector<std::pair<int32_t, int64_t>> balances;  // read_all: (account, balance)
  DSIM_FIELDS(tx, yes, balances)
};
struct PreCommit {  // 3PC
  static constexpr uint16_t kType = 44;
  static constexpr const char* kName = "PreCommit";
  TxId tx = 0;
  DSIM_FIELDS(tx)
};
struct PreAck {  // 3PC
  static constexpr uint16_t kType = 45;
  static constexpr const char* kName = "PreAck";
  TxId tx = 0;
  DSIM_FIELDS(tx)
};
struct Decision {  // Commit/DoCommit or Abort, from a coordinator or a backup
  static constexpr uint16_t kType = 46;
  static constexpr const char* kName = "Decision";
  TxId tx = 0;
  bool commit = false;
  DSIM_FIELDS(tx, commit)
};
struct Ack {
  static constexpr uint16_t kType = 47;
  static constexpr const char* kName = "Ack";
  TxId tx = 0;
  DSIM_FIELDS(tx)
};
struct StateReq {  // "what do you know of tx?": 2PC's cooperative termination, 3PC's termination
  static constexpr uint16_t kType = 48;
  static constexpr const char* kName = "StateReq";
  TxId tx = 0;
  DSIM_FIELDS(tx)
};
struct StateResp {
  static constexpr uint16_t kType = 49;
  static constexpr const char* kName = "StateResp";
  TxId tx = 0;
  State state = State::kInit;
  bool recovered = false;  // uncertain since a restart: it may have missed the outcome
  DSIM_FIELDS(tx, state, recovered)
};

// Durable records.
struct PreparedRecord {  // participant, forced before a yes vote
  std::vector<NodeId> participants;
  std::vector<Change> changes;
  bool read_all = false;
  NodeId coordinator = 0;
  DSIM_FIELDS(participants, changes, read_all, coordinator)
};
struct DecisionRecord {  // coordinator: forced before announcing; participant: before acking
  bool commit = false;
  std::vector<NodeId> participants;
  DSIM_FIELDS(commit, participants)
};

// What coordinators and participants keep on disk (sim/durable.h).
inline constexpr DurableTable<TxId, DecisionRecord, VarintKey> kDecisions{"d/"};
inline constexpr DurableTable<TxId, PreparedRecord, VarintKey> kPrepared{"p/"};  // participant
inline constexpr DurableSet<TxId, VarintKey> kPrecommitted{"pc/"};               // 3PC participant
inline constexpr DurableCell<std::map<int32_t, int64_t>> kBalances{"balances"};  // participant

}  // namespace dsim::commit

#endif  // DSIM_PROTOCOLS_COMMIT_MESSAGES_H_
