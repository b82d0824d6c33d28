#include "protocols/commit/commit.h"

#include <utility>
#include <vector>

namespace dsim::commit {

void Client::OnStart(Context& ctx) {
  process_ = HistoryProcess(ctx.id());
  scripted_ = !c_.script.empty() && ctx.id() == ctx.num_servers() + 1;
  ctx.SetTimer(ctx.rng().UniformInt(0, c_.think_ns), 0);
}

void Client::Next(Context& ctx) {
  if (c_.stop_ns >= 0 && ctx.Now() >= c_.stop_ns) return;
  current_ = TxRequest{};
  current_.seq = ++seq_;
  if (scripted_) {
    if (script_pos_ >= c_.script.size()) return;
    const ScriptedTx& s = c_.script[script_pos_++];
    current_.read_all = s.read_all;
    current_.from = s.from;
    current_.to = s.to;
    current_.amount = s.amount;
  } else {
    const int total = c_.read_weight + c_.transfer_weight;
    current_.read_all = ctx.rng().UniformInt(0, total - 1) < c_.read_weight;
  }
  HistoryEvent e{.process = process_.id(), .type = OpType::kInvoke};
  if (current_.read_all) {
    e.f = "read";
  } else if (!scripted_) {
    current_.from = static_cast<int32_t>(ctx.rng().UniformInt(0, o_.accounts - 1));
    current_.to = static_cast<int32_t>(ctx.rng().UniformInt(0, o_.accounts - 2));
    if (current_.to >= current_.from) ++current_.to;
    current_.amount = ctx.rng().UniformInt(1, c_.max_amount);
  }
  if (!current_.read_all) {
    e.f = "transfer";
    e.value = Value::List({Value::Int(current_.from), Value::Int(current_.to), Value::Int(current_.amount)});
  }
  busy_ = true;
  request_ = tracker_.Begin(ctx, c_.timeout_ns);
  ctx.Record(std::move(e));
  ctx.Send(1, current_);
}

void Client::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  if (tracker_.Expired(tag)) {
    HistoryEvent e{.process = process_.id(), .type = OpType::kInfo, .f = current_.read_all ? "read" : "transfer"};
    ctx.Record(std::move(e));
    process_.Next();
    busy_ = false;
    ctx.SetTimer(ctx.rng().UniformInt(0, c_.think_ns), 0);
    return;
  }
  if (!busy_ && !RequestTracker::IsTrackerTag(tag)) Next(ctx);
}

void Client::OnMessage(Context& ctx, const Envelope& m) {
  if (m.type != TxReply::kType) return;
  const TxReply r = m.As<TxReply>();
  if (!busy_ || r.seq != current_.seq || !tracker_.End(ctx, request_)) return;
  HistoryEvent e{.process = process_.id(), .type = r.committed ? OpType::kOk : OpType::kFail,
                 .f = current_.read_all ? "read" : "transfer", .node = m.from};
  if (current_.read_all && r.committed) {
    std::vector<Value> b;
    for (int64_t x : r.balances) b.push_back(Value::Int(x));
    e.value = Value::List(std::move(b));
  }
  ctx.Record(std::move(e));
  busy_ = false;
  ctx.SetTimer(ctx.rng().UniformInt(0, c_.think_ns), 0);
}

}  // namespace dsim::commit
