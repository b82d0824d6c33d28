// Recipes built on watches.
//
// Configuration: client 1 publishes versions 1, 2, ... of /config; every
// other client reads it with a watch, and reads again (setting a new watch)
// each time the watch fires or it reconnects - watches are one-time and
// belong to the server that set them.
//
// Group membership: clients 2.. join /members as ephemeral children named
// after themselves; client 1 monitors the group with a child watch.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "protocols/zab/recipes.h"

namespace dsim::zab {
namespace {

class ConfigWorkload : public Workload {
 public:
  ConfigWorkload(const ClientOptions& o, bool publisher) : o_(o), publisher_(publisher) {}

  void OnConnected(ZkClient& c) override {
    if (publisher_) {
      if (!created_) c.Call(Request{.op = Request::kCreate, .path = "/config", .data = "0"}, kCreate);
      return;
    }
    Read(c);
  }

  void OnWatch(ZkClient& c, const WatchEvent& e) override {
    if (!publisher_ && e.path == "/config") Read(c);
  }

  void OnTimer(ZkClient& c, uint64_t tag) override {
    if (tag != kPublish || version_ >= o_.versions || c.stopped()) return;
    if (!c.connected() || in_flight_) {
      c.After(o_.publish_interval_ns, kPublish);  // try again later
      return;
    }
    in_flight_ = true;
    ++version_;
    c.Record(OpType::kInvoke, "publish", std::nullopt, Value::Int(version_));
    c.Call(Request{.op = Request::kSetData, .path = "/config", .data = absl::StrCat(version_)}, kSet);
  }

  void OnResult(ZkClient& c, uint64_t tag, const Response* r) override {
    switch (tag) {
      case kCreate:
        if (r == nullptr) return;  // OnConnected tries again
        created_ = true;
        c.After(o_.publish_interval_ns, kPublish);
        return;
      case kSet: {
        in_flight_ = false;
        const OpType type = r == nullptr ? OpType::kInfo : r->err == Err::kOk ? OpType::kOk : OpType::kFail;
        c.Record(type, "publish", std::nullopt, Value::Int(version_));
        if (type == OpType::kOk) c.ctx().Observe(ConfigPublished{version_});
        if (type == OpType::kInfo) c.NewProcess();
        c.After(o_.publish_interval_ns, kPublish);
        return;
      }
      case kRead: {
        if (r == nullptr) return;  // read again on reconnecting
        int64_t v = 0;
        if (r->err == Err::kNoNode) {
          // Not created yet: an exists watch tells us when it is.
          c.Call(Request{.op = Request::kExists, .path = "/config", .watch = true}, kExists);
          return;
        }
        if (r->err == Err::kOk && absl::SimpleAtoi(r->data, &v)) {
          c.ctx().Observe(ConfigSeen{v});
        }
        return;
      }
      case kExists:
        if (r != nullptr && r->err == Err::kOk) Read(c);  // created meanwhile
        return;
    }
  }

 private:
  enum Tag : uint64_t { kPublish = 1, kCreate, kSet, kRead, kExists };

  void Read(ZkClient& c) {
    if (c.connected()) c.Call(Request{.op = Request::kGetData, .path = "/config", .watch = true}, kRead);
  }

  const ClientOptions& o_;
  const bool publisher_;
  bool created_ = false, in_flight_ = false;
  int64_t version_ = 0;
};

class MembershipWorkload : public Workload {
 public:
  explicit MembershipWorkload(bool monitor) : monitor_(monitor) {}

  void OnConnected(ZkClient& c) override {
    if (!parent_) {
      c.Call(Request{.op = Request::kCreate, .path = "/members"}, kParent);
      return;
    }
    Continue(c);
  }

  void OnSessionExpired(ZkClient&) override { joined_ = false; }  // our node went with the session

  void OnWatch(ZkClient& c, const WatchEvent& e) override {
    if (monitor_ && e.path == "/members") List(c);
  }

  void OnResult(ZkClient& c, uint64_t tag, const Response* r) override {
    if (r == nullptr) return;  // OnConnected picks up where we were
    switch (tag) {
      case kParent:
        parent_ = true;
        return Continue(c);
      case kJoin:
        // Already there (a create that timed out and went through) is fine.
        joined_ = r->err == Err::kOk || r->err == Err::kNodeExists;
        return;
      case kList:
        if (r->err == Err::kOk) c.ctx().Observe(MembersListed{r->children});
        return;
    }
  }

 private:
  enum Tag : uint64_t { kParent = 1, kJoin, kList };

  void Continue(ZkClient& c) {
    if (monitor_) {
      List(c);
    } else if (!joined_) {
      c.Call(Request{.op = Request::kCreate, .path = absl::StrCat("/members/m", c.ctx().id()), .ephemeral = true},
             kJoin);
    }
  }

  void List(ZkClient& c) {
    if (c.connected()) c.Call(Request{.op = Request::kGetChildren, .path = "/members", .watch = true}, kList);
  }

  const bool monitor_;
  bool parent_ = false, joined_ = false;
};

}  // namespace

std::unique_ptr<Workload> MakeConfigWorkload(const ClientOptions& o, bool publisher) {
  return std::make_unique<ConfigWorkload>(o, publisher);
}

std::unique_ptr<Workload> MakeMembershipWorkload(const ClientOptions& o, bool monitor) {
  return std::make_unique<MembershipWorkload>(monitor);
}

std::unique_ptr<Workload> MakeWorkload(const ClientOptions& o, int client_index, int num_clients,
                                       NodeId resource) {
  if (o.recipe == "lock") return MakeLockWorkload(o, false, resource);
  if (o.recipe == "election") return MakeLockWorkload(o, true, 0);
  // Producers are the first half of the clients (at least one).
  if (o.recipe == "queue") return MakeQueueWorkload(o, client_index <= std::max(1, num_clients / 2));
  if (o.recipe == "config") return MakeConfigWorkload(o, client_index == 1);
  if (o.recipe == "membership") return MakeMembershipWorkload(o, client_index == 1);
  return MakeKvWorkload(o, client_index > num_clients - o.readers);
}

}  // namespace dsim::zab
