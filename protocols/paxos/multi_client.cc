#include "protocols/paxos/multi_client.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace dsim::paxos {

void MultiClient::OnStart(Context& ctx) {
  const int index = ctx.id() - num_servers_;
  server_ = static_cast<NodeId>((index - 1) % num_servers_ + 1);
  process_ = HistoryProcess(ctx.id());
  ctx.SetTimer(ctx.rng().UniformInt(0, o_.think_ns), kNext);
}

void MultiClient::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  if (tracker_.Expired(tag)) {
    // Unknown: the command may yet be chosen. Try another server next time,
    // and continue as a new process.
    Complete(ctx, OpType::kInfo, cmd_.kind == Command::kCas ? Value::List({Value::Int(cmd_.expected), Value::Int(cmd_.value)})
                                                           : cmd_.kind == Command::kWrite ? Value::Int(cmd_.value) : Value::Nil());
    suspect_ = server_;
    server_ = static_cast<NodeId>(first_server_ % num_servers_ + 1);
    process_.Next();
    return;
  }
  if (tag == kNext && !busy_) Next(ctx);
}

void MultiClient::Next(Context& ctx) {
  if (o_.stop_ns >= 0 && ctx.Now() >= o_.stop_ns) return;
  const int total = o_.read_weight + o_.write_weight + o_.cas_weight;
  int pick = reader_ ? 0 : static_cast<int>(ctx.rng().UniformInt(0, total - 1));
  cmd_ = Command{};
  cmd_.key = absl::StrCat("k", ctx.rng().UniformInt(0, o_.keys - 1));
  cmd_.client = ctx.id();
  cmd_.seq = ++seq_;
  Value input;
  if (reader_ || pick < o_.read_weight) {
    cmd_.kind = Command::kRead;
  } else if (pick < o_.read_weight + o_.write_weight) {
    cmd_.kind = Command::kWrite;
    cmd_.value = ctx.id() * 1'000'000 + (++unique_);
    input = Value::Int(cmd_.value);
  } else {
    cmd_.kind = Command::kCas;
    auto it = last_seen_.find(cmd_.key);
    cmd_.expected = it != last_seen_.end() ? it->second : 0;
    cmd_.value = ctx.id() * 1'000'000 + (++unique_);
    input = Value::List({Value::Int(cmd_.expected), Value::Int(cmd_.value)});
  }
  busy_ = true;
  redirects_ = 0;
  first_server_ = server_;
  request_ = tracker_.Begin(ctx, o_.timeout_ns);
  HistoryEvent e = Event(OpType::kInvoke, input);
  ctx.Record(std::move(e));
  Send(ctx);
}

void MultiClient::Send(Context& ctx) { ctx.Send(server_, ClientRequest{cmd_}); }

HistoryEvent MultiClient::Event(OpType type, Value value) const {
  HistoryEvent e;
  e.process = process_.id();
  e.type = type;
  e.f = cmd_.kind == Command::kRead ? "read" : cmd_.kind == Command::kWrite ? "write" : "cas";
  e.key = cmd_.key;
  e.value = std::move(value);
  e.node = server_;
  return e;
}

void MultiClient::Complete(Context& ctx, OpType type, Value value) {
  ctx.Record(Event(type, std::move(value)));
  busy_ = false;
  ctx.SetTimer(ctx.rng().UniformInt(0, o_.think_ns), kNext);
}

void MultiClient::OnMessage(Context& ctx, const Envelope& m) {
  if (m.type != ClientReply::kType) return;
  const ClientReply r = m.As<ClientReply>();
  if (!busy_ || r.seq != cmd_.seq || !tracker_.Outstanding(request_)) return;
  if (r.status == ClientReply::kRedirect) {
    // Not proposed there. Follow the hint unless it leads in circles; then
    // try the servers in turn.
    const bool follow = r.leader_hint != 0 && r.leader_hint != m.from &&
                        r.leader_hint != suspect_ && redirects_ < 2;
    server_ = follow ? r.leader_hint : static_cast<NodeId>(m.from % num_servers_ + 1);
    if (++redirects_ > o_.max_redirects) {
      tracker_.End(ctx, request_);
      Complete(ctx, OpType::kFail, Value::Nil());
      return;
    }
    Send(ctx);
    return;
  }
  tracker_.End(ctx, request_);
  suspect_ = 0;
  switch (cmd_.kind) {
    case Command::kRead:
      if (r.has_value) last_seen_[cmd_.key] = r.value;
      Complete(ctx, OpType::kOk, r.has_value ? Value::Int(r.value) : Value::Nil());
      return;
    case Command::kWrite:
      last_seen_[cmd_.key] = cmd_.value;
      Complete(ctx, OpType::kOk, Value::Int(cmd_.value));
      return;
    case Command::kCas: {
      const Value v = Value::List({Value::Int(cmd_.expected), Value::Int(cmd_.value)});
      if (r.status == ClientReply::kCasFailed) {
        Complete(ctx, OpType::kFail, v);  // it found another value: no effect
      } else {
        last_seen_[cmd_.key] = cmd_.value;
        Complete(ctx, OpType::kOk, v);
      }
      return;
    }
    case Command::kNoop:
      return;
  }
}

}  // namespace dsim::paxos
