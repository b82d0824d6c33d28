#include "docs/example/register.h"

#include <set>
#include <string>
#include <utility>

#include "sim/check/model.h"
#include "sim/run_checks.h"
#include "sim/simulator.h"

namespace dsim::example {

// --- the server ------------------------------------------------------------

void RegisterServer::OnStart(Context& ctx) {
  // Recovery: what the disk kept is the register. A value that does not
  // decode is a bug (only this code wrote it), so MustDecode stops the run.
  if (const std::string* s = ctx.disk().Get("value")) {
    value_ = MustDecode<int64_t>(*s, "the register");
    has_value_ = true;
  }
}

void RegisterServer::OnMessage(Context& ctx, const Envelope& m) {
  switch (m.type) {
    case Write::kType: {
      const Write w = m.As<Write>();
      value_ = w.value;
      has_value_ = true;
      ctx.disk().Put("value", Encode(value_));
      if (o_.bug_group_commit_after_reply) {
        // BUG(group_commit_after_reply): the answer leaves first, and the
        // log is synced once per four writes.
        ctx.Send(m.from, Reply{w.request, true, value_});
        if (++unsynced_ == 4) {
          unsynced_ = 0;
          ctx.disk().Sync();
        }
        return;
      }
      ctx.disk().Sync();  // durable before the answer leaves
      ctx.Send(m.from, Reply{w.request, true, value_});
      return;
    }
    case Read::kType:
      ctx.Send(m.from, Reply{m.As<Read>().request, has_value_, value_});
      return;
  }
}

// --- the client -------------------------------------------------------------

void RegisterClient::OnStart(Context& ctx) {
  process_ = HistoryProcess(ctx.id());
  ctx.SetTimer(ctx.rng().UniformInt(0, o_.think_ns), kNext);
}

HistoryEvent RegisterClient::Event(OpType type, Value value) const {
  return {.process = process_.id(), .type = type, .f = writing_ ? "write" : "read",
          .key = std::string("r"), .value = std::move(value), .node = 1};
}

void RegisterClient::Next(Context& ctx) {
  writing_ = ctx.rng().UniformInt(0, 1) < o_.write_weight;
  request_ = tracker_.Begin(ctx, o_.timeout_ns);
  if (writing_) {
    // Unique values, so that a read names the write it saw.
    written_ = ctx.id() * 1'000'000 + static_cast<int64_t>(request_);
    ctx.Record(Event(OpType::kInvoke, Value::Int(written_)));
    ctx.Send(1, Write{request_, written_});
  } else {
    ctx.Record(Event(OpType::kInvoke, Value::Nil()));
    ctx.Send(1, Read{request_});
  }
}

void RegisterClient::OnMessage(Context& ctx, const Envelope& m) {
  const Reply r = m.As<Reply>();
  if (r.request != request_ || !tracker_.End(ctx, r.request)) return;  // late: its outcome stays unknown
  DSIM_ASSERT_MSG(!writing_ || r.value == written_, "the server acknowledged %d for a write of %d", r.value,
                  written_);
  ctx.Record(Event(OpType::kOk, writing_ || r.has_value ? Value::Int(r.value) : Value::Nil()));
  request_ = 0;
  ctx.SetTimer(ctx.rng().UniformInt(0, o_.think_ns), kNext);
}

void RegisterClient::OnTimer(Context& ctx, TimerId, uint64_t tag) {
  if (tracker_.Expired(tag)) {
    // Unknown: a write may still have happened. Jepsen's rule: record info,
    // then go on as a new process.
    ctx.Record(Event(OpType::kInfo, writing_ ? Value::Int(written_) : Value::Nil()));
    process_.Next();
    request_ = 0;
    ctx.SetTimer(ctx.rng().UniformInt(0, o_.think_ns), kNext);
    return;
  }
  if (tag == kNext && request_ == 0) Next(ctx);
}

// --- the run and the protocol ----------------------------------------------------

namespace {

struct Config : ProtocolConfig {
  Config() { num_clients = 3; }
  Options options;
};

class RegisterRun : public ProtocolRun {
 public:
  explicit RegisterRun(const Config& c) : c_(c) {}
  std::unique_ptr<Process> NewProcess(NodeId id) override {
    if (id <= sim_->num_servers()) return std::make_unique<RegisterServer>(c_.options);
    return std::make_unique<RegisterClient>(c_.options);
  }
  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    const History& h = sim_->history();
    OutcomeCounts::Of(h).Report(out);
    if (checks.count("linearizable")) {
      auto model = MakeModel("register", {});
      DSIM_ASSERT(model.ok());
      ReportLinearizability(h, **model, {.check = "linearizable", .fact = "linearizability"}, out);
    }
  }

 private:
  const Config& c_;
};

// Everything a scenario may say about this protocol is declared here, once:
// the loader, `dsim protocols` and scenarios/schema.json all read it.
class RegisterProtocol : public ProtocolOf<Config> {
 public:
  RegisterProtocol() {
    workload_.Int("clients", "Clients", Field(&Config::num_clients), 1, 32);
    ThinkKey(workload_, Field(&Config::options, &Options::think_ns)).Range(0, kSecond);
    TimeoutKey(workload_, Field(&Config::options, &Options::timeout_ns), "An unanswered request is recorded info")
        .Range(1, 10 * kSecond);
    Bug("group_commit_after_reply", "writes are answered first and synced every fourth",
        Field(&Config::options, &Options::bug_group_commit_after_reply));
  }

  std::string name() const override { return "example-register"; }
  std::string description() const override {
    return "docs/adding-a-protocol.md's example: a durable register on one server";
  }
  std::vector<NamedItem> checks() const override {
    return {{"linearizable", "the clients' reads and writes are linearizable (register model)"}};
  }
  std::vector<NamedItem> facts() const override {
    std::vector<NamedItem> facts = OutcomeCounts::Facts();
    facts.push_back({"linearizability", "the checker's verdict"});
    return facts;
  }
 protected:
  std::unique_ptr<ProtocolRun> Run(const Config& c, const ScenarioInfo&, uint64_t) const override {
    return std::make_unique<RegisterRun>(c);
  }
};

}  // namespace

std::unique_ptr<Protocol> MakeProtocol() { return std::make_unique<RegisterProtocol>(); }

}  // namespace dsim::example
