// The lock recipe, and leader election on the same nodes.
//
// To acquire, a client creates an ephemeral sequential node under /lock; the
// smallest node holds the lock. Everyone else watches the node just before
// its own - not the holder, so a release wakes one client rather than all.
// The node's name carries the client and attempt, so that after a lost
// connection the client can find out whether its create took effect (the
// "protected" form of the recipe) instead of leaving an orphan that would
// block everyone until its session died.
//
// While holding, a lock client writes to the protected resource now and
// then, with its node's czxid as the fencing token. It gives the lock up
// after `hold`, or as soon as its connection is in doubt (the conservative
// reading of a lost connection): only a process that cannot notice anything
// - one paused past its session timeout - goes on believing.
//
// As leader election, the smallest node leads for a term (its czxid) and
// resigns after `hold`; there is no resource.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/zab/recipes.h"

namespace dsim::zab {
namespace {

class LockWorkload : public Workload {
 public:
  LockWorkload(const ClientOptions& o, bool election, NodeId resource)
      : o_(o), election_(election), resource_(resource), dir_(election ? "/election" : "/lock") {}

  void OnConnected(ZkClient& c) override {
    if (!started_) {
      started_ = true;
      c.After((c.index() - 1) * o_.stagger_ns + c.ctx().rng().UniformInt(0, o_.think_ns), kAcquire);
      return;
    }
    switch (state_) {
      case State::kRecover:  // did our create take effect?
        c.Call(Request{.op = Request::kGetChildren, .path = dir_}, kRecoverList);
        return;
      case State::kWaitList:
        List(c);
        return;
      case State::kWaitAcquire:
        Acquire(c);
        return;
      default:
        return;
    }
  }

  void OnDisconnected(ZkClient& c) override {
    if (state_ == State::kHeld) {
      EndHold(c);
      state_ = State::kWaitList;  // still the smallest after reconnecting? then it holds again
    } else if (state_ == State::kWatching) {
      state_ = State::kWaitList;  // the watch went with the server
    }
  }

  void OnSessionExpired(ZkClient& c) override {
    // Our node is gone with the session: start over.
    if (state_ == State::kHeld) EndHold(c);
    if (state_ != State::kIdle) state_ = State::kWaitAcquire;
    mine_.clear();
  }

  void OnWatch(ZkClient& c, const WatchEvent& e) override {
    if (state_ == State::kWatching && e.path == watched_) List(c);
  }

  void OnTimer(ZkClient& c, uint64_t tag) override {
    // A hold's timers carry its number: they die with it.
    const bool current = state_ == State::kHeld && (tag >> 8) == hold_id_;
    switch (tag & 0xFF) {
      case kAcquire:
        if (state_ == State::kIdle) Acquire(c);
        return;
      case kUse:
        if (current) {
          c.ctx().Send(resource_, Use{token_});
          c.After(o_.hold_ns / 4, kUse | hold_id_ << 8);
        }
        return;
      case kRelease:
        if (current) Release(c);
        return;
    }
  }

  void OnResult(ZkClient& c, uint64_t tag, const Response* r) override {
    if (r == nullptr) {
      LostCall(tag);
      return;
    }
    switch (tag) {
      case kParent:
        if (r->err == Err::kOk || r->err == Err::kNodeExists) {
          have_parent_ = true;
          Create(c);
        } else {
          Retry(c);
        }
        return;
      case kCreate:
        if (r->err != Err::kOk) return Retry(c);
        mine_ = r->path;
        token_ = r->zxid;  // the create's zxid is the node's czxid
        List(c);
        return;
      case kRecoverList:
        for (const std::string& child : r->children) {
          if (child.rfind(Prefix(), 0) == 0) {
            mine_ = dir_ + "/" + child;
            c.Call(Request{.op = Request::kExists, .path = mine_}, kAdopt);
            return;
          }
        }
        if (r->err == Err::kNoNode) have_parent_ = false;
        state_ = State::kWaitAcquire;
        Acquire(c);  // it did not: try again
        return;
      case kAdopt:
        if (r->err != Err::kOk) return Retry(c);
        token_ = r->stat.czxid;
        List(c);
        return;
      case kList:
        OnList(c, *r);
        return;
      case kWatchPredecessor:
        if (r->err == Err::kNoNode) {
          List(c);  // gone already: look again
        } else {
          state_ = State::kWatching;
        }
        return;
      case kDelete:
        if (state_ == State::kReleasing) Idle(c);
        return;
    }
  }

 private:
  enum Tag : uint64_t { kAcquire = 1, kUse, kRelease, kParent, kCreate, kRecoverList, kAdopt, kList,
                        kWatchPredecessor, kDelete };
  enum class State { kIdle, kWaitAcquire, kCreating, kRecover, kListing, kWaitList, kWatching, kHeld,
                     kReleasing };

  std::string Prefix() const { return absl::StrFormat("c%d-%d-", self_, attempt_); }

  void Acquire(ZkClient& c) {
    self_ = c.ctx().id();
    if (c.stopped()) return;
    if (!c.connected()) {
      state_ = State::kWaitAcquire;
      return;
    }
    ++attempt_;
    mine_.clear();
    if (!have_parent_) {
      state_ = State::kCreating;
      c.Call(Request{.op = Request::kCreate, .path = dir_}, kParent);
      return;
    }
    Create(c);
  }

  void Create(ZkClient& c) {
    state_ = State::kCreating;
    c.Call(Request{.op = Request::kCreate, .path = dir_ + "/" + Prefix(), .ephemeral = true, .sequential = true},
           kCreate);
  }

  void List(ZkClient& c) {
    if (!c.connected()) {
      state_ = State::kWaitList;
      return;
    }
    state_ = State::kListing;
    c.Call(Request{.op = Request::kGetChildren, .path = dir_}, kList);
  }

  // Sequence numbers are the last ten characters of each name.
  static std::string Seq(const std::string& name) {
    return name.size() >= 10 ? name.substr(name.size() - 10) : name;
  }

  void OnList(ZkClient& c, const Response& r) {
    std::vector<std::string> children = r.children;
    std::sort(children.begin(), children.end(),
              [](const std::string& a, const std::string& b) { return Seq(a) < Seq(b); });
    const std::string name = mine_.substr(mine_.rfind('/') + 1);
    auto it = std::find(children.begin(), children.end(), name);
    if (it == children.end()) {  // our node is gone (the session expired)
      state_ = State::kWaitAcquire;
      Acquire(c);
      return;
    }
    if (it == children.begin()) {
      Hold(c);
      return;
    }
    watched_ = dir_ + "/" + *(it - 1);
    c.Call(Request{.op = Request::kExists, .path = watched_, .watch = true}, kWatchPredecessor);
  }

  void Hold(ZkClient& c) {
    state_ = State::kHeld;
    ++hold_id_;
    c.ctx().Observe(HoldChanged{true, token_});
    c.ctx().Note(election_ ? "lead" : "acquired", token_);
    if (!election_) {
      c.ctx().Send(resource_, Use{token_});
      c.After(o_.hold_ns / 4, kUse | hold_id_ << 8);
    }
    c.After(o_.hold_ns, kRelease | hold_id_ << 8);
  }

  void EndHold(ZkClient& c) {
    c.ctx().Observe(HoldChanged{false, 0});
    ++hold_id_;  // cancels the hold's timers
  }

  void Release(ZkClient& c) {
    if (!election_) c.ctx().Send(resource_, Use{token_});  // a last write before letting go
    EndHold(c);
    state_ = State::kReleasing;
    c.Call(Request{.op = Request::kDelete, .path = mine_}, kDelete);
  }

  void Idle(ZkClient& c) {
    state_ = State::kIdle;
    mine_.clear();
    c.After(c.ctx().rng().UniformInt(0, o_.think_ns), kAcquire);
  }

  // A definite error (the session is gone, the parent vanished): start again.
  void Retry(ZkClient& c) {
    have_parent_ = false;
    state_ = State::kIdle;
    c.After(o_.think_ns, kAcquire);
  }

  void LostCall(uint64_t tag) {
    switch (tag) {
      case kCreate:
        state_ = State::kRecover;
        return;
      case kParent:
      case kRecoverList:
      case kAdopt:
        state_ = mine_.empty() ? State::kRecover : State::kWaitList;
        return;
      case kList:
      case kWatchPredecessor:
        state_ = State::kWaitList;
        return;
      case kDelete:
        // Unknown whether it went: the session's end removes it anyway, or
        // the next list finds it ours and the smallest, which holds again.
        state_ = State::kWaitList;
        return;
    }
  }

  const ClientOptions& o_;
  const bool election_;
  const NodeId resource_;
  const std::string dir_;
  NodeId self_ = 0;
  State state_ = State::kIdle;
  bool started_ = false;
  bool have_parent_ = false;
  int attempt_ = 0;
  std::string mine_, watched_;
  int64_t token_ = 0;
  uint64_t hold_id_ = 0;
};

}  // namespace

std::unique_ptr<Workload> MakeLockWorkload(const ClientOptions& o, bool election, NodeId resource) {
  return std::make_unique<LockWorkload>(o, election, resource);
}

}  // namespace dsim::zab
