// Messages between ZooKeeper servers (FastLeaderElection and ZAB, with
// ZooKeeper's packet names: shared/docs/protocols.md 2.3-2.4) and between
// clients and servers.
#ifndef DSIM_PROTOCOLS_ZAB_MESSAGES_H_
#define DSIM_PROTOCOLS_ZAB_MESSAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "protocols/zab/tree.h"
#include "protocols/zab/zxid.h"
#include "sim/codec.h"

namespace dsim::zab {

enum class PeerState : uint8_t { kLooking = 0, kFollowing = 1, kLeading = 2 };

struct Vote {
  int32_t leader = 0;
  Zxid zxid = 0;
  uint32_t peer_epoch = 0;  // currentEpoch of the proposed leader
  DSIM_FIELDS(leader, zxid, peer_epoch)
  bool operator==(const Vote&) const = default;
};

// --- FastLeaderElection --------------------------------------------------------
struct Notification {
  static constexpr uint16_t kType = 60;
  static constexpr const char* kName = "Notification";
  Vote vote;
  uint64_t election_epoch = 0;  // the sender's logicalclock (round)
  PeerState state = PeerState::kLooking;
  DSIM_FIELDS(vote, election_epoch, state)
};

// --- ZAB -------------------------------------------------------------------------
struct LogEntry {
  Zxid zxid = 0;
  Txn txn;
  DSIM_FIELDS(zxid, txn)
};

struct FollowerInfo {  // CEPOCH
  static constexpr uint16_t kType = 61;
  static constexpr const char* kName = "FOLLOWERINFO";
  uint32_t accepted_epoch = 0;
  DSIM_FIELDS(accepted_epoch)
};
struct LeaderInfo {  // NEWEPOCH
  static constexpr uint16_t kType = 62;
  static constexpr const char* kName = "LEADERINFO";
  uint32_t epoch = 0;
  DSIM_FIELDS(epoch)
};
struct AckEpoch {  // ACK-E
  static constexpr uint16_t kType = 63;
  static constexpr const char* kName = "ACKEPOCH";
  Zxid last_zxid = 0;
  int64_t current_epoch = 0;  // -1: already accepted this epoch, do not count me
  DSIM_FIELDS(last_zxid, current_epoch)
};
struct SyncData {  // DIFF / TRUNC / SNAP, then NEWLEADER
  static constexpr uint16_t kType = 64;
  static constexpr const char* kName = "SYNC";
  enum Mode : uint8_t { kDiff = 13, kTrunc = 14, kSnap = 15 };
  Mode mode = kDiff;
  Zxid trunc_to = 0;               // TRUNC
  std::vector<LogEntry> entries;   // DIFF: what follows; SNAP: the whole history
  uint32_t epoch = 0;              // NEWLEADER(e')
  DSIM_FIELDS(mode, trunc_to, entries, epoch)
};
struct AckNewLeader {
  static constexpr uint16_t kType = 65;
  static constexpr const char* kName = "ACK(NEWLEADER)";
  uint32_t epoch = 0;
  DSIM_FIELDS(epoch)
};
struct UpToDate {
  static constexpr uint16_t kType = 66;
  static constexpr const char* kName = "UPTODATE";
  Zxid committed = 0;  // everything up to here is committed
  DSIM_FIELDS(committed)
};
struct Proposal {
  static constexpr uint16_t kType = 67;
  static constexpr const char* kName = "PROPOSAL";
  LogEntry entry;
  DSIM_FIELDS(entry)
};
struct Ack {
  static constexpr uint16_t kType = 68;
  static constexpr const char* kName = "ACK";
  Zxid zxid = 0;
  DSIM_FIELDS(zxid)
};
struct Commit {
  static constexpr uint16_t kType = 69;
  static constexpr const char* kName = "COMMIT";
  Zxid zxid = 0;
  DSIM_FIELDS(zxid)
};
struct Ping {  // leader -> follower
  static constexpr uint16_t kType = 70;
  static constexpr const char* kName = "PING";
  uint32_t epoch = 0;
  DSIM_FIELDS(epoch)
};
struct Pong {  // follower -> leader, with the sessions its clients touched
  static constexpr uint16_t kType = 71;
  static constexpr const char* kName = "PING(reply)";
  uint32_t epoch = 0;
  std::vector<int64_t> touched;
  DSIM_FIELDS(epoch, touched)
};
struct Forward {  // REQUEST: a client write (or sync) forwarded to the leader
  static constexpr uint16_t kType = 72;
  static constexpr const char* kName = "REQUEST";
  Txn request;
  bool sync = false;
  DSIM_FIELDS(request, sync)
};
struct SyncReply {  // SYNC: "everything up to `committed` is committed"
  static constexpr uint16_t kType = 73;
  static constexpr const char* kName = "SYNC(reply)";
  int64_t session = 0;
  uint64_t xid = 0;
  Zxid committed = 0;  // so that a lost COMMIT cannot make the sync a lie
  DSIM_FIELDS(session, xid, committed)
};

// --- Clients -----------------------------------------------------------------
struct Connect {
  static constexpr uint16_t kType = 80;
  static constexpr const char* kName = "Connect";
  int64_t session = 0;   // 0: a new session
  Zxid last_zxid = 0;    // the newest state this client has seen
  int64_t timeout_ns = 0;
  uint64_t attempt = 0;  // echoed: a late reply to an older attempt is ignored
  DSIM_FIELDS(session, last_zxid, timeout_ns, attempt)
};
struct ConnectReply {
  static constexpr uint16_t kType = 81;
  static constexpr const char* kName = "ConnectReply";
  enum Status : uint8_t { kOk, kRefused, kExpired };
  Status status = kOk;
  int64_t session = 0;
  uint64_t attempt = 0;
  DSIM_FIELDS(status, session, attempt)
};
struct Request {
  static constexpr uint16_t kType = 82;
  static constexpr const char* kName = "Request";
  enum Op : uint8_t { kCreate, kDelete, kSetData, kGetData, kExists, kGetChildren, kSync, kPing };
  uint64_t xid = 0;
  Op op = kPing;
  std::string path;
  std::string data;
  int32_t version = -1;
  bool ephemeral = false, sequential = false;
  bool watch = false;
  DSIM_FIELDS(xid, op, path, data, version, ephemeral, sequential, watch)
};
struct Response {
  static constexpr uint16_t kType = 83;
  static constexpr const char* kName = "Response";
  uint64_t xid = 0;
  Err err = Err::kOk;
  std::string path;  // create: the node created
  std::string data;
  Stat stat;
  std::vector<std::string> children;
  Zxid zxid = 0;     // the state it was served at
  DSIM_FIELDS(xid, err, path, data, stat, children, zxid)
};
struct WatchEvent {
  static constexpr uint16_t kType = 84;
  static constexpr const char* kName = "WatchEvent";
  enum Kind : uint8_t { kData, kChildren, kDeleted };
  Kind kind = kData;
  std::string path;
  Zxid zxid = 0;
  DSIM_FIELDS(kind, path, zxid)
};

// --- The resource a lock protects -------------------------------------------------
struct Use {
  static constexpr uint16_t kType = 90;
  static constexpr const char* kName = "Use";
  int64_t token = 0;  // the holder's lock node czxid
  DSIM_FIELDS(token)
};

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_MESSAGES_H_
