#include "protocols/zab/server.h"

#include "absl/strings/str_format.h"
#include "sim/durable.h"

namespace dsim::zab {
namespace {

// Durable: the two epochs, and the transaction log under "l/" and the
// zxid in 16 hex digits (zxid order).
constexpr DurableCell<uint32_t> kAcceptedEpoch{"acceptedEpoch"};
constexpr DurableCell<uint32_t> kCurrentEpoch{"currentEpoch"};
constexpr DurableTable<Zxid, LogEntry, HexKey> kLog{"l/"};

}  // namespace

void Server::OnStart(Context& ctx) {
  n_ = ctx.num_servers();
  self_ = ctx.id();
  accepted_epoch_ = kAcceptedEpoch.Load(ctx).value_or(0);
  current_epoch_ = kCurrentEpoch.Load(ctx).value_or(0);
  kLog.Scan(ctx, [&](Zxid z, LogEntry e) {
    DSIM_ASSERT_MSG(e.zxid == z, "the log record of %s holds %s", ZxidText(z), ZxidText(e.zxid));
    log_entries_.push_back(std::move(e));  // scanned in key order: zxid order
  });
  tick_timer_ = ctx.SetTimer(o_.tick_ns, kTick);
  StartLooking(ctx);
}

void Server::SaveAcceptedEpoch(Context& ctx) {
  kAcceptedEpoch.Store(ctx, accepted_epoch_);
  ctx.disk().Sync();
  ctx.Observe(EpochSaved{/*accepted=*/true, accepted_epoch_});
}

void Server::SaveCurrentEpoch(Context& ctx) {
  kCurrentEpoch.Store(ctx, current_epoch_);
  ctx.disk().Sync();
  ctx.Observe(EpochSaved{/*accepted=*/false, current_epoch_});
}

void Server::AppendLog(Context& ctx, const LogEntry& e) {
  DSIM_ASSERT_MSG(e.zxid > last_logged(), "log append out of order: %s after %s",
                  ZxidText(e.zxid), ZxidText(last_logged()));
  log_entries_.push_back(e);
  kLog.Put(ctx, e.zxid, e);
}

void Server::TruncateLog(Context& ctx, Zxid after) {
  while (!log_entries_.empty() && log_entries_.back().zxid > after) {
    kLog.Delete(ctx, log_entries_.back().zxid);
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
        ctx.Send(m.from, Pong{m.As<Ping>().epoch, std::move(sessions_.touched)});
        sessions_.touched.clear();
      }
      return;
    case Pong::kType: {
      if (state_ != PeerState::kLeading) return;
      auto it = lead_.followers.find(m.from);
      if (it != lead_.followers.end()) it->second.last_heard = ctx.Monotonic();
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
      fle_.notification_timeout_ns = std::min(2 * fle_.notification_timeout_ns, o_.notification_timeout_max_ns);
      Broadcast(ctx);
      notification_timer_ = ctx.SetTimer(fle_.notification_timeout_ns, kNotificationTimeout);
      return;
    case kFinalize:
      if (state_ == PeerState::kLooking && fle_.finalizing) {
        fle_.finalizing = false;
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
