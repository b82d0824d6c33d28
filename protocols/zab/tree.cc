#include "protocols/zab/tree.h"

#include "absl/strings/str_format.h"
#include "sim/trace.h"

namespace dsim::zab {

const char* ErrName(Err e) {
  switch (e) {
    case Err::kOk: return "ok";
    case Err::kNoNode: return "no-node";
    case Err::kNodeExists: return "node-exists";
    case Err::kBadVersion: return "bad-version";
    case Err::kNotEmpty: return "not-empty";
    case Err::kNoParent: return "no-parent";
    case Err::kSessionExpired: return "session-expired";
    case Err::kNoChildrenForEphemerals: return "no-children-for-ephemerals";
  }
  return "?";
}

std::string TxnText(const Txn& t) {
  std::string who;
  if (t.client_session != 0 || t.xid != 0) {
    who = absl::StrFormat(" (session %s xid %d)", FormatZxid(t.client_session), t.xid);
  }
  switch (t.kind) {
    case Txn::kCreate:
      return absl::StrFormat("create %s \"%s\"%s%s", t.path, t.data, t.ephemeral ? " ephemeral" : "", who);
    case Txn::kDelete:
      return absl::StrFormat("delete %s%s", t.path, who);
    case Txn::kSetData:
      return absl::StrFormat("setData %s \"%s\"%s", t.path, t.data, who);
    case Txn::kCreateSession:
      return absl::StrFormat("createSession %s", FormatZxid(t.session));
    case Txn::kCloseSession:
      return absl::StrFormat("closeSession %s", FormatZxid(t.session));
    case Txn::kError:
      return absl::StrFormat("error %s %s%s", ErrName(t.err), t.path, who);
    case Txn::kNoop:
      return "noop";
  }
  return "?";
}

DataTree::DataTree() { nodes_["/"]; }

std::string DataTree::Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

const std::string* DataTree::Data(const std::string& path, Stat* stat) const {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return nullptr;
  if (stat != nullptr) *stat = it->second.stat;
  return &it->second.data;
}

std::vector<std::string> DataTree::Children(const std::string& path) const {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return {};
  return std::vector<std::string>(it->second.children.begin(), it->second.children.end());
}

Txn DataTree::Prepare(const Txn& r) const {
  Txn t = r;
  auto fail = [&t](Err e) {
    t.kind = Txn::kError;
    t.err = e;
    return t;
  };
  switch (r.kind) {
    case Txn::kCreate: {
      auto parent = nodes_.find(Parent(r.path));
      if (parent == nodes_.end()) return fail(Err::kNoNode);
      if (parent->second.stat.ephemeral_owner != 0) return fail(Err::kNoChildrenForEphemerals);
      if (r.ephemeral && !sessions_.count(r.session)) return fail(Err::kSessionExpired);
      if (r.sequential) {  // the parent's counter names it
        t.path = r.path + absl::StrFormat("%010d", parent->second.seq);
        t.sequential = false;
      }
      if (nodes_.count(t.path)) return fail(Err::kNodeExists);
      return t;
    }
    case Txn::kDelete: {
      auto it = nodes_.find(r.path);
      if (it == nodes_.end()) return fail(Err::kNoNode);
      if (r.version >= 0 && it->second.stat.version != r.version) return fail(Err::kBadVersion);
      if (!it->second.children.empty()) return fail(Err::kNotEmpty);
      return t;
    }
    case Txn::kSetData: {
      auto it = nodes_.find(r.path);
      if (it == nodes_.end()) return fail(Err::kNoNode);
      if (r.version >= 0 && it->second.stat.version != r.version) return fail(Err::kBadVersion);
      return t;
    }
    default:
      return t;
  }
}

Applied DataTree::Apply(Zxid zxid, const Txn& t) {
  Applied a;
  last_zxid_ = zxid;
  a.path = t.path;
  switch (t.kind) {
    case Txn::kCreate: {
      Node& parent = nodes_[Parent(t.path)];
      ++parent.seq;
      ++parent.stat.cversion;
      const std::string name = t.path.substr(t.path.rfind('/') + 1);
      parent.children.insert(name);
      parent.stat.num_children = static_cast<int32_t>(parent.children.size());
      Node& n = nodes_[t.path];
      n.data = t.data;
      n.stat.czxid = n.stat.mzxid = zxid;
      n.stat.ephemeral_owner = t.ephemeral ? t.session : 0;
      if (t.ephemeral) ephemerals_[t.session].insert(t.path);
      a.stat = n.stat;
      a.changed.push_back(t.path);
      a.parents.push_back(Parent(t.path));
      return a;
    }
    case Txn::kDelete: {
      auto it = nodes_.find(t.path);
      if (it == nodes_.end()) return a;  // a replayed delete: nothing to do
      if (it->second.stat.ephemeral_owner != 0) ephemerals_[it->second.stat.ephemeral_owner].erase(t.path);
      nodes_.erase(it);
      Node& parent = nodes_[Parent(t.path)];
      parent.children.erase(t.path.substr(t.path.rfind('/') + 1));
      ++parent.stat.cversion;
      parent.stat.num_children = static_cast<int32_t>(parent.children.size());
      a.changed.push_back(t.path);
      a.parents.push_back(Parent(t.path));
      return a;
    }
    case Txn::kSetData: {
      Node& n = nodes_[t.path];
      n.data = t.data;
      n.stat.mzxid = zxid;
      ++n.stat.version;
      a.stat = n.stat;
      a.changed.push_back(t.path);
      return a;
    }
    case Txn::kCreateSession:
      sessions_[t.session] = t.timeout_ns;
      return a;
    case Txn::kCloseSession: {
      // The session's ephemeral nodes vanish in the same transaction.
      sessions_.erase(t.session);
      auto eph = ephemerals_.find(t.session);
      if (eph != ephemerals_.end()) {
        for (const std::string& path : eph->second) {
          nodes_.erase(path);
          Node& parent = nodes_[Parent(path)];
          parent.children.erase(path.substr(path.rfind('/') + 1));
          ++parent.stat.cversion;
          parent.stat.num_children = static_cast<int32_t>(parent.children.size());
          a.changed.push_back(path);
          a.parents.push_back(Parent(path));
        }
        ephemerals_.erase(eph);
      }
      return a;
    }
    case Txn::kError:
      a.err = t.err;
      return a;
    case Txn::kNoop:
      return a;
  }
  return a;
}

uint64_t DataTree::Digest() const {
  Trace h;
  for (const auto& [path, n] : nodes_) {
    h.MixString(path);
    h.MixString(n.data);
    h.Mix(static_cast<uint64_t>(n.stat.version));
  }
  return h.hash();
}

}  // namespace dsim::zab
