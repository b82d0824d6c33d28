#include "protocols/zab/server.h"

#include "absl/strings/str_format.h"

namespace dsim::zab {
namespace {

std::string LogKey(Zxid z) { return absl::StrFormat("l/%016x", static_cast<uint64_t>(z)); }

}  // namespace

void Server::OnStart(Context& ctx) {
  n_ = ctx.num_servers();
  self_ = ctx.id();
  if (const std::string* s = ctx.disk().Get("acceptedEpoch")) accepted_epoch_ = MustDecode<uint32_t>(*s, "acceptedEpoch");
  if (const std::string* s = ctx.disk().Get("currentEpoch")) current_epoch_ = MustDecode<uint32_t>(*s, "currentEpoch");
  for (const auto& [key, value] : ctx.disk().contents()) {
    if (key.rfind("l/", 0) != 0) continue;
    LogEntry e;
    DSIM_ASSERT(DecodeFrom(value, e));
    log_entries_.push_back(std::move(e));  // the map is sorted: zxid order
  }
  tick_timer_ = ctx.SetTimer(o_.tick_ns, kTick);
  StartLooking(ctx);
}

void Server::SaveEpoch(Context& ctx, const char* key, uint32_t epoch) {
  ctx.disk().Put(key, Encode(epoch));
  ctx.disk().Sync();
  log_->EpochSaved(ctx.Stamp(), ctx.id(), std::string_view(key) == "acceptedEpoch", epoch);
}

void Server::AppendLog(Context& ctx, const LogEntry& e) {
  DSIM_ASSERT_MSG(e.zxid > last_logged(), "log append out of order: %s after %s",
                  ZxidText(e.zxid), ZxidText(last_logged()));
  log_entries_.push_back(e);
  ctx.disk().Put(LogKey(e.zxid), Encode(e));
}

void Server::TruncateLog(Context& ctx, Zxid after) {
  while (!log_entries_.empty() && log_entries_.back().zxid > after) {
    ctx.disk().Delete(LogKey(log_entries_.back().zxid));
    log_entries_.pop_back();
  }
}

void Server::ReplaceLog(Context& ctx, const std::vector<LogEntry>& entries) {
  TruncateLog(ctx, 0);
  for (const LogEntry& e : entries) AppendLog(ctx, e);
}

void Server::OnMessage(Context& ctx, const Envelope& m) {
  switch (m.type) {
    case Notification::kType:
      return OnNotification(ctx, m.from, m.As<Notification>());
    case FollowerInfo::kType:
      return OnFollowerInfo(ctx, m.from, m.As<FollowerInfo>());
    case LeaderInfo::kType:
      return OnLeaderInfo(ctx, m.from, m.As<LeaderInfo>());
    case AckEpoch::kType:
      return OnAckEpoch(ctx, m.from, m.As<AckEpoch>());
    case SyncData::kType:
      return OnSyncData(ctx, m.from, m.As<SyncData>());
    case AckNewLeader::kType:
      return OnAckNewLeader(ctx, m.from, m.As<AckNewLeader>());
    case UpToDate::kType:
      return OnUpToDate(ctx, m.from, m.As<UpToDate>());
    case Proposal::kType:
      return OnProposal(ctx, m.from, m.As<Proposal>());
    case Ack::kType:
      return OnAck(ctx, m.from, m.As<Ack>().zxid);
    case Commit::kType:
      return OnCommit(ctx, m.from, m.As<Commit>().zxid);
    case Ping::kType:
      if (state_ == PeerState::kFollowing && m.from == leader_) {
        last_heard_ = ctx.Monotonic();
        ctx.Send(m.from, Pong{m.As<Ping>().epoch, std::move(touched_)});
        touched_.clear();
      }
      return;
    case Pong::kType: {
      if (state_ != PeerState::kLeading) return;
      auto it = followers_.find(m.from);
      if (it != followers_.end()) it->second.last_heard = ctx.Monotonic();
      for (int64_t s : m.As<Pong>().touched) Touch(ctx, s);
      return;
    }
    case Forward::kType:
      return OnForward(ctx, m.from, m.As<Forward>());
    case SyncReply::kType:
      return OnSyncReply(ctx, m.As<SyncReply>());
    case Connect::kType:
      return OnConnect(ctx, m.from, m.As<Connect>());
    case Request::kType:
      return OnRequest(ctx, m.from, m.As<Request>());
  }
}

void Server::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  switch (tag) {
    case kNotificationTimeout:
      if (state_ != PeerState::kLooking) return;
      // Nothing settled: say it again, and wait twice as long next time.
      notification_timeout_ns_ = std::min(2 * notification_timeout_ns_, o_.notification_timeout_max_ns);
      Broadcast(ctx);
      notification_timer_ = ctx.SetTimer(notification_timeout_ns_, kNotificationTimeout);
      return;
    case kFinalize:
      if (state_ == PeerState::kLooking && finalizing_) {
        finalizing_ = false;
        Decide(ctx, vote_, logical_clock_);
      }
      return;
    case kTick:
      tick_timer_ = ctx.SetTimer(o_.tick_ns, kTick);
      if (state_ == PeerState::kLeading) LeaderTick(ctx);
      if (state_ == PeerState::kFollowing) FollowerTick(ctx);
      return;
  }
}

}  // namespace dsim::zab
