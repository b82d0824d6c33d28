// Applying committed transactions to the tree and serving clients
// (shared/docs/protocols.md 2.7).
#include <algorithm>

#include "protocols/zab/server.h"

namespace dsim::zab {

// A server in sync replays its history from scratch: a new delivery
// sequence for the checks.
void Server::RebuildTree(Context& ctx, Zxid upto) {
  tree_ = DataTree();
  applied_ = 0;
  ++delivery_sequence_;
  ApplyCommitted(ctx, upto);
}

void Server::ApplyCommitted(Context& ctx, Zxid upto) {
  // By index: applying an entry can answer a client whose next queued write
  // the leader then proposes, appending to log_entries_ and moving it. An
  // entry appended here is a new proposal, above `upto`, so the loop ends
  // there. ApplyOne reads its entry only before that can happen.
  size_t i = std::upper_bound(log_entries_.begin(), log_entries_.end(), applied_,
                              [](Zxid z, const LogEntry& e) { return z < e.zxid; }) -
             log_entries_.begin();
  for (; i < log_entries_.size() && log_entries_[i].zxid <= upto; ++i) {
    DSIM_ASSERT_MSG(log_entries_[i].zxid > applied_, "applying %s after %s",
                    ZxidText(log_entries_[i].zxid), ZxidText(applied_));
    ApplyOne(ctx, log_entries_[i]);
  }
}

void Server::ApplyOne(Context& ctx, const LogEntry& e) {
  const Applied a = tree_.Apply(e.zxid, e.txn);
  applied_ = e.zxid;
  ctx.Observe(DeliveredTxn{delivery_sequence_, e.zxid, Encode(e.txn)});
  if (!serving_ && state_ != PeerState::kLeading) return;
  // Watches fire before any answer that reflects the change (FIFO channel).
  auto fire = [&](std::map<std::string, std::set<int64_t>>& watches, const std::string& path,
                  WatchEvent::Kind kind) {
    auto w = watches.find(path);
    if (w == watches.end()) return;
    for (int64_t s : w->second) {
      auto c = sessions_.session_client.find(s);
      if (c != sessions_.session_client.end()) ctx.Send(c->second, WatchEvent{kind, path, e.zxid});
    }
    watches.erase(w);
  };
  for (const std::string& p : a.changed) {
    fire(sessions_.data_watches, p, tree_.Exists(p) ? WatchEvent::kData : WatchEvent::kDeleted);
    if (!tree_.Exists(p)) fire(sessions_.child_watches, p, WatchEvent::kDeleted);
  }
  for (const std::string& p : a.parents) fire(sessions_.child_watches, p, WatchEvent::kChildren);
  const Txn& t = e.txn;
  if (t.kind == Txn::kCreateSession) {
    for (auto it = sessions_.pending_connect.begin(); it != sessions_.pending_connect.end(); ++it) {
      if (it->second.token == t.xid) {
        sessions_.connections[it->first] = t.session;
        sessions_.session_client[t.session] = it->first;
        ctx.Send(it->first, ConnectReply{ConnectReply::kOk, t.session, it->second.attempt});
        sessions_.pending_connect.erase(it);
        break;
      }
    }
    return;
  }
  if (t.kind == Txn::kCloseSession) {
    auto c = sessions_.session_client.find(t.session);
    if (c != sessions_.session_client.end()) {
      sessions_.connections.erase(c->second);
      sessions_.queue.erase(t.session);
      sessions_.session_client.erase(c);
    }
    return;
  }
  // Answer the client whose write this was, if it is connected here.
  auto q = sessions_.queue.find(t.client_session);
  if (q == sessions_.queue.end() || q->second.empty()) return;
  Pending& head = q->second.front();
  if (!head.waiting || head.request.xid != t.xid) return;
  Response r;
  r.xid = t.xid;
  r.err = a.err;
  r.path = a.path;
  r.stat = a.stat;
  r.zxid = e.zxid;
  ctx.Send(head.client, r);
  q->second.pop_front();
  DrainSession(ctx, t.client_session);
}

void Server::SubmitWrite(Context& ctx, Txn request) {
  if (state_ == PeerState::kLeading) {
    Propose(ctx, std::move(request));
  } else {
    ctx.Send(leader_, Forward{std::move(request), false});
  }
}

void Server::Touch(Context& ctx, int64_t session) {
  if (state_ == PeerState::kLeading) {
    lead_.session_touch[session] = ctx.Monotonic();
  } else {
    sessions_.touched.push_back(session);
  }
}

void Server::StopServing(Context& ctx) {
  serving_ = false;
  sessions_ = Sessions{};
}

void Server::OnConnect(Context& ctx, NodeId client, const Connect& c) {
  const bool ready = serving_ || (state_ == PeerState::kLeading && lead_.established);
  if (!ready) {
    ctx.Send(client, ConnectReply{ConnectReply::kRefused, 0, c.attempt});
    return;
  }
  if (c.session == 0) {
    Txn t;
    t.kind = Txn::kCreateSession;
    t.timeout_ns = c.timeout_ns;
    static_assert(sizeof(NodeId) <= 4);
    t.xid = (static_cast<uint64_t>(ctx.id()) << 48) | (static_cast<uint64_t>(client) << 24) |
            (++connect_counter_ & 0xFFFFFF);
    sessions_.pending_connect[client] = {t.xid, c.attempt};
    SubmitWrite(ctx, t);
    return;
  }
  if (!tree_.SessionAlive(c.session)) {
    ctx.Send(client, ConnectReply{ConnectReply::kExpired, c.session, c.attempt});
    return;
  }
  if (applied_ < c.last_zxid) {
    // The client has seen a newer state than ours: it must go elsewhere.
    ctx.Send(client, ConnectReply{ConnectReply::kRefused, c.session, c.attempt});
    return;
  }
  sessions_.connections[client] = c.session;
  sessions_.session_client[c.session] = client;
  Touch(ctx, c.session);
  ctx.Send(client, ConnectReply{ConnectReply::kOk, c.session, c.attempt});
}

void Server::OnRequest(Context& ctx, NodeId client, const Request& r) {
  auto c = sessions_.connections.find(client);
  if (c == sessions_.connections.end()) {
    Response resp;
    resp.xid = r.xid;
    resp.err = Err::kSessionExpired;  // not connected here (any more)
    ctx.Send(client, resp);
    return;
  }
  const int64_t session = c->second;
  Touch(ctx, session);
  uint64_t& last = sessions_.last_xid[session];
  if (r.xid <= last) return;  // a duplicated packet
  last = r.xid;
  if (r.op == Request::kPing) {
    ctx.Send(client, Response{r.xid, Err::kOk, "", "", {}, {}, applied_});
    return;
  }
  // A client's requests take effect in the order sent: a read waits for the
  // session's earlier writes.
  sessions_.queue[session].push_back({client, r, false});
  DrainSession(ctx, session);
}

void Server::DrainSession(Context& ctx, int64_t session) {
  auto q = sessions_.queue.find(session);
  if (q == sessions_.queue.end()) return;
  while (!q->second.empty()) {
    Pending& head = q->second.front();
    if (head.waiting) return;
    const Request& r = head.request;
    switch (r.op) {
      case Request::kGetData:
      case Request::kExists:
      case Request::kGetChildren:
        Answer(ctx, head.client, r);
        q->second.pop_front();
        continue;
      case Request::kSync:
        head.waiting = true;
        if (o_.quorum_sync) {  // answered when the no-op is applied here, as a write is
          SubmitWrite(ctx, Txn{.kind = Txn::kNoop, .session = session, .client_session = session, .xid = r.xid});
          return;
        }
        if (state_ == PeerState::kLeading) {
          // We believe we lead, so we answer from our own state - stale if
          // we were deposed without knowing it (ZOOKEEPER-1675).
          head.waiting = false;
          ctx.Send(head.client, Response{r.xid, Err::kOk, "", "", {}, {}, applied_});
          q->second.pop_front();
          continue;
        }
        ctx.Send(leader_, Forward{Txn{.client_session = session, .xid = r.xid}, true});
        return;
      default: {
        Txn t;
        t.kind = r.op == Request::kCreate ? Txn::kCreate
                 : r.op == Request::kDelete ? Txn::kDelete
                                            : Txn::kSetData;
        t.path = r.path;
        t.data = r.data;
        t.version = r.version;
        t.ephemeral = r.ephemeral;
        t.sequential = r.sequential;
        t.session = session;
        t.client_session = session;
        t.xid = r.xid;
        head.waiting = true;
        SubmitWrite(ctx, std::move(t));
        return;
      }
    }
  }
}

void Server::Answer(Context& ctx, NodeId client, const Request& r) {
  ctx.Charge(o_.read_cost_ns);
  Response resp;
  resp.xid = r.xid;
  resp.zxid = applied_;
  const int64_t session = sessions_.connections[client];
  if (r.op == Request::kGetChildren) {
    if (!tree_.Exists(r.path)) {
      resp.err = Err::kNoNode;
    } else {
      resp.children = tree_.Children(r.path);
      if (r.watch) sessions_.child_watches[r.path].insert(session);
    }
  } else {
    const std::string* data = tree_.Data(r.path, &resp.stat);
    if (data == nullptr) {
      resp.err = Err::kNoNode;
    } else if (r.op == Request::kGetData) {
      resp.data = *data;
    }
    // An exists watch is set on a missing node too; getData's only on one
    // that exists.
    if (r.watch && (data != nullptr || r.op == Request::kExists)) sessions_.data_watches[r.path].insert(session);
  }
  ctx.Send(client, resp);
}

void Server::OnSyncReply(Context& ctx, const SyncReply& s) {
  if (state_ != PeerState::kFollowing) return;
  last_heard_ = ctx.Monotonic();
  // Apply what the leader had committed before answering: a lost COMMIT
  // must not make the sync return older state.
  if (StreamBroken(ctx, s.committed, false)) return;
  if (s.committed > committed_) {
    committed_ = s.committed;
    if (serving_) ApplyCommitted(ctx, committed_);
  }
  auto q = sessions_.queue.find(s.session);
  if (q == sessions_.queue.end() || q->second.empty()) return;
  Pending& head = q->second.front();
  if (!head.waiting || head.request.op != Request::kSync || head.request.xid != s.xid) return;
  ctx.Send(head.client, Response{s.xid, Err::kOk, "", "", {}, {}, applied_});
  q->second.pop_front();
  DrainSession(ctx, s.session);
}

}  // namespace dsim::zab
