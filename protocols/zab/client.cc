#include "protocols/zab/client.h"

namespace dsim::zab {

void ZkClient::OnStart(Context& ctx) {
  ctx_ = &ctx;
  process_ = HistoryProcess(ctx.id());
  server_ = o_.connect_to.empty() ? static_cast<NodeId>((index_ - 1) % num_servers_ + 1)
                                  : o_.connect_to[(index_ - 1) % o_.connect_to.size()];
  if (o_.start_ns > 0) {
    ctx.SetTimer(o_.start_ns, kStart);
    return;
  }
  Connect();
  ctx.SetTimer(o_.session_timeout_ns / 3, kPing);
}

void ZkClient::Connect() {
  connected_ = false;
  ++connect_attempt_;
  connect_sent_ = ctx_->Monotonic();
  ctx_->Send(server_, zab::Connect{session_, last_zxid_, o_.session_timeout_ns, connect_attempt_});
  ctx_->SetTimer(o_.request_timeout_ns, kConnectTimeout | (connect_attempt_ << 8));
}

// No answer in time: whatever was outstanding is unknown; try the next server.
void ZkClient::LoseConnection() {
  std::map<uint64_t, Call_> lost = std::move(calls_);
  calls_.clear();
  for (auto& [xid, call] : lost) tracker_.End(*ctx_, call.tracker_id);
  server_ = static_cast<NodeId>(server_ % num_servers_ + 1);
  Connect();
  for (const auto& [xid, call] : lost) {
    if (call.tag != 0) workload_->OnResult(*this, call.tag, nullptr);
  }
  workload_->OnDisconnected(*this);
}

void ZkClient::Call(Request r, uint64_t tag) {
  r.xid = ++xid_;
  calls_[r.xid] = {tracker_.Begin(*ctx_, o_.request_timeout_ns), tag};
  if (connected_) ctx_->Send(server_, r);  // otherwise it times out as a lost connection
}

void ZkClient::After(int64_t delay_ns, uint64_t tag) { ctx_->SetTimer(delay_ns, kWorkloadBase | tag); }

void ZkClient::Record(OpType type, const std::string& f, std::optional<std::string> key, Value v) {
  HistoryEvent e;
  e.process = process_.id();
  e.type = type;
  e.f = f;
  e.key = std::move(key);
  e.value = std::move(v);
  e.node = server_;
  ctx_->Record(std::move(e));
}

void ZkClient::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  ctx_ = &ctx;
  if (tracker_.Expired(tag)) {
    LoseConnection();
    return;
  }
  if (tag >= kWorkloadBase) {
    workload_->OnTimer(*this, tag & ~kWorkloadBase);
    return;
  }
  if ((tag & 0xFF) == kRetryConnect) {
    if (!connected_ && (tag >> 8) == connect_attempt_) Connect();
    return;
  }
  if ((tag & 0xFF) == kConnectTimeout) {
    if (!connected_ && (tag >> 8) == connect_attempt_) {
      server_ = static_cast<NodeId>(server_ % num_servers_ + 1);
      Connect();
    }
    return;
  }
  if (tag == kStart) {
    Connect();
    ctx.SetTimer(o_.session_timeout_ns / 3, kPing);
    return;
  }
  if (tag == kPing) {
    // Keeps the session alive, and finds out when the server stopped answering.
    if (connected_ && calls_.empty()) Call(Request{.op = Request::kPing}, 0);
    ctx.SetTimer(o_.session_timeout_ns / 3, kPing);
  }
}

void ZkClient::OnMessage(Context& ctx, const Envelope& m) {
  ctx_ = &ctx;
  switch (m.type) {
    case ConnectReply::kType: {
      const ConnectReply r = m.As<ConnectReply>();
      // Only the answer to this attempt: an older one may come from a server
      // that has fallen behind what we have seen since.
      if (m.from != server_ || connected_ || r.attempt != connect_attempt_) return;
      if (r.status == ConnectReply::kRefused) {
        server_ = static_cast<NodeId>(server_ % num_servers_ + 1);
        if (const int64_t since = ctx.Monotonic() - connect_sent_; since < kMinConnectGapNs) {
          ctx.SetTimer(kMinConnectGapNs - since, kRetryConnect | (connect_attempt_ << 8));
          return;
        }
        Connect();
        return;
      }
      if (r.status == ConnectReply::kExpired) {
        session_ = 0;  // the client learns of the expiry only now
        workload_->OnSessionExpired(*this);
        Connect();
        return;
      }
      session_ = r.session;
      connected_ = true;
      ++connect_attempt_;
      workload_->OnConnected(*this);
      return;
    }
    case Response::kType: {
      const Response r = m.As<Response>();
      auto it = calls_.find(r.xid);
      if (it == calls_.end() || m.from != server_) return;
      const Call_ call = it->second;
      calls_.erase(it);
      tracker_.End(ctx, call.tracker_id);
      last_zxid_ = std::max(last_zxid_, r.zxid);
      if (r.err == Err::kSessionExpired) {
        // This server does not know our session (any more): the calls are
        // unknown; reconnect and find out.
        std::map<uint64_t, Call_> lost = std::move(calls_);
        calls_.clear();
        for (auto& [x, c] : lost) tracker_.End(ctx, c.tracker_id);
        Connect();
        if (call.tag != 0) workload_->OnResult(*this, call.tag, nullptr);
        for (const auto& [x, c] : lost) {
          if (c.tag != 0) workload_->OnResult(*this, c.tag, nullptr);
        }
        workload_->OnDisconnected(*this);
        return;
      }
      if (call.tag != 0) workload_->OnResult(*this, call.tag, &r);
      return;
    }
    case WatchEvent::kType: {
      const WatchEvent e = m.As<WatchEvent>();
      last_zxid_ = std::max(last_zxid_, e.zxid);
      workload_->OnWatch(*this, e);
      return;
    }
  }
}

}  // namespace dsim::zab
