// ZooKeeper's data tree: znodes with data and versions, ephemeral and
// sequential nodes, and the session table - the state every server applies
// committed transactions to, in zxid order (shared/docs/protocols.md 2.7).
//
// Transactions are what the leader proposes: already resolved (a create
// carries the final path of a sequential node; an error outcome such as
// NODEEXISTS is a transaction too, so every server answers alike).
#ifndef DSIM_PROTOCOLS_ZAB_TREE_H_
#define DSIM_PROTOCOLS_ZAB_TREE_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "protocols/zab/zxid.h"
#include "sim/codec.h"

namespace dsim::zab {

enum class Err : uint8_t { kOk = 0, kNoNode, kNodeExists, kBadVersion, kNotEmpty, kNoParent,
                           kSessionExpired, kNoChildrenForEphemerals };
const char* ErrName(Err e);

struct Txn {
  enum Kind : uint8_t { kCreate, kDelete, kSetData, kCreateSession, kCloseSession, kError, kNoop };
  Kind kind = kNoop;
  std::string path;        // final path (sequential suffix resolved)
  std::string data;
  int32_t version = -1;    // setData/delete: expected version (-1: any)
  bool ephemeral = false;
  bool sequential = false; // create: append the parent's 10-digit counter
  int64_t session = 0;     // owner (create), or the session created/closed
  int64_t timeout_ns = 0;  // create session
  Err err = Err::kOk;      // kError: the outcome every server reports
  // Who asked, so that the server they are connected to can answer.
  int64_t client_session = 0;
  uint64_t xid = 0;
  DSIM_FIELDS(kind, path, data, version, ephemeral, sequential, session, timeout_ns, err, client_session, xid)
  bool operator==(const Txn&) const = default;
};

// For reports: `setData /k0 "6000001" (session 0x100000001 xid 7)`.
std::string TxnText(const Txn& t);

struct Stat {
  Zxid czxid = 0, mzxid = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int64_t ephemeral_owner = 0;
  int32_t num_children = 0;
  DSIM_FIELDS(czxid, mzxid, version, cversion, ephemeral_owner, num_children)
};

// What applying a transaction did, for answers and watches.
struct Applied {
  Err err = Err::kOk;
  std::string path;                   // the node created (sequential: with suffix)
  std::vector<std::string> changed;   // nodes whose data changed or that were created/deleted
  std::vector<std::string> parents;   // nodes whose children changed
  Stat stat;
};

class DataTree {
 public:
  DataTree();
  // Applies a committed transaction (in zxid order).
  Applied Apply(Zxid zxid, const Txn& txn);
  // Checks a request against the current state (the leader does this when
  // it turns a request into a transaction); resolves sequential names.
  Txn Prepare(const Txn& request) const;

  bool Exists(const std::string& path) const { return nodes_.count(path) > 0; }
  const std::string* Data(const std::string& path, Stat* stat) const;
  std::vector<std::string> Children(const std::string& path) const;  // sorted names
  bool SessionAlive(int64_t session) const { return sessions_.count(session) > 0; }
  const std::map<int64_t, int64_t>& sessions() const { return sessions_; }  // id -> timeout
  Zxid last_zxid() const { return last_zxid_; }
  uint64_t Digest() const;  // of every node's path, data and version

 private:
  struct Node {
    std::string data;
    Stat stat;
    std::set<std::string> children;
    int32_t seq = 0;  // next sequential suffix: counts every child creation
  };
  static std::string Parent(const std::string& path);
  std::map<std::string, Node> nodes_;
  std::map<int64_t, int64_t> sessions_;
  std::map<int64_t, std::set<std::string>> ephemerals_;
  Zxid last_zxid_ = 0;
};

}  // namespace dsim::zab

#endif  // DSIM_PROTOCOLS_ZAB_TREE_H_
