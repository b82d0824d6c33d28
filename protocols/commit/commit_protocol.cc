#include "protocols/commit/commit_protocol.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_format.h"
#include "protocols/commit/commit.h"
#include "sim/check/atomic_commit.h"

namespace dsim::commit {
namespace {

struct Config : ProtocolConfig {
  Config() { num_clients = 2; }
  CommitOptions commit;
  ClientOptions client;
};

class CommitRun : public ProtocolRun {
 public:
  CommitRun(const Config& c, const ScenarioInfo& info) : c_(c), info_(info) {}

  std::unique_ptr<Process> NewProcess(NodeId id) override {
    if (id == 1) return std::make_unique<Coordinator>(c_.commit);
    if (id <= info_.num_servers) return std::make_unique<Participant>(c_.commit);
    return std::make_unique<Client>(c_.commit, c_.client);
  }

  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    const AtomicCommitReport ac = CheckAtomicCommit(log().participants(), log().votes(), log().decisions());
    if (checks.count("atomic_commit")) {
      const Finding* bad = !ac.agreement.ok ? &ac.agreement : !ac.no_reversal.ok ? &ac.no_reversal
                           : !ac.unanimity.ok ? &ac.unanimity : nullptr;
      out.Check("atomic_commit", bad == nullptr, bad ? bad->detail : ac.agreement.detail);
    }
    if (checks.count("money_conserved")) {
      std::vector<BalanceRead> reads;
      for (const HistoryEvent& e : sim_->history()) {
        if (e.type != OpType::kOk || e.f != "read") continue;
        BalanceRead r{e.time_ns, {}};
        for (const Value& v : e.value.as_list()) r.balances.push_back(v.as_int());
        reads.push_back(std::move(r));
      }
      const int64_t total = c_.commit.accounts * c_.commit.initial_balance;
      Finding f = CheckMoneyConserved(reads, total);
      if (f.ok) f = CheckFinalBalances(total);
      out.Check("money_conserved", f.ok, f.detail);
    }
    if (checks.count("durability")) {
      const Finding f = CheckDurability();
      out.Check("durability", f.ok, f.detail);
    }
    const std::vector<int64_t> uncertain = log().UncertainTimes(sim_->now());
    int64_t max_ns = 0, total_ns = 0;
    for (int64_t t : uncertain) {
      max_ns = std::max(max_ns, t);
      total_ns += t;
    }
    int in_doubt = 0;
    for (NodeId p = 2; p <= info_.num_servers; ++p) in_doubt += InDoubt(p);
    out.Fact("committed", ac.committed);
    out.Fact("aborted", ac.aborted);
    out.Fact("in_doubt", in_doubt);
    out.Fact("blocked_ms_max", max_ns / 1'000'000);
    out.Fact("blocked_ms_total", total_ns / 1'000'000);
    out.Summary(absl::StrFormat("%d transactions committed, %d aborted, %d still in doubt at the end",
                                ac.committed, ac.aborted, in_doubt));
    out.Summary(absl::StrFormat("participants sat uncertain, holding locks, for up to %s (%s in all)",
                                FormatDuration(max_ns), FormatDuration(total_ns)));
  }

 private:
  // Prepared transactions without a decision on this participant's disk.
  int InDoubt(NodeId p) const {
    int n = 0;
    const Disk::Map& disk = sim_->disk(p).contents();
    for (const auto& [key, value] : disk) {
      if (key.rfind("p/", 0) == 0 && !disk.count("d/" + key.substr(2))) ++n;  // kPrepared, kDecisions
    }
    return n;
  }

  // When nothing is in doubt, the balances on the participants' disks add up.
  Finding CheckFinalBalances(int64_t total) const {
    Finding f;
    int64_t sum = 0;
    for (NodeId p = 2; p <= info_.num_servers; ++p) {
      if (InDoubt(p) > 0) {
        f.detail = "some transaction is still in doubt; final balances not compared";
        return f;
      }
      std::map<int32_t, int64_t> balances;
      if (const std::string* b = sim_->disk(p).Get(kBalances.key())) {
        balances = MustDecode<std::map<int32_t, int64_t>>(*b, "a participant's balances");
      } else {
        for (int32_t a = 0; a < c_.commit.accounts; ++a) {
          if (c_.commit.ShardOf(a, info_.num_servers) == p) balances[a] = c_.commit.initial_balance;
        }
      }
      for (const auto& [a, v] : balances) sum += v;
    }
    if (sum != total) {
      f.ok = false;
      f.violations = 1;
      f.detail = absl::StrFormat("the participants' balances add up to %d, not %d", sum, total);
    } else {
      f.detail = absl::StrFormat("every committed read and the final balances add up to %d", total);
    }
    return f;
  }

  // A commit a participant acknowledged is on its disk at the end.
  Finding CheckDurability() const {
    Finding f;
    int checked = 0;
    for (const auto& [node, tx] : log().acked_commits()) {
      const std::string* d = sim_->disk(node).Get(kDecisions.Key(tx));
      DecisionRecord r;
      if (d == nullptr || !DecodeFrom(*d, r) || !r.commit) {
        if (f.ok) {
          f.detail = absl::StrFormat("n%d acknowledged the commit of %s but its disk lost it", node, FormatTx(tx));
        }
        f.ok = false;
        ++f.violations;
      }
      ++checked;
    }
    if (f.ok) f.detail = absl::StrFormat("%d acknowledged commits, all on disk", checked);
    return f;
  }

  // What the processes reported, read against the engine's record of crashes.
  CommitLog log() const { return CommitLog(observations_, *sim_); }

  const Config& c_;
  ScenarioInfo info_;
};

// One entry of "script": a transfer, or a read of every account.
void ReadScriptedTx(const JsonValue& v, const Config& c, std::vector<ScriptedTx>& script) {
  std::optional<JsonObject> t = v.AsObject();
  if (!t) return;
  ScriptedTx tx;
  tx.read_all = t->Bool("read_all", false);
  if (!tx.read_all) {
    t->Require("from");
    t->Require("to");
    t->Require("amount");
  }
  tx.from = static_cast<int32_t>(t->Int("from", 0, 0, c.commit.accounts - 1));
  tx.to = static_cast<int32_t>(t->Int("to", 1, 0, c.commit.accounts - 1));
  tx.amount = t->Int("amount", 1, 1, 1'000'000'000);
  if (t->ctx()->ok() && !tx.read_all && tx.from == tx.to) t->Fail("a transfer needs two accounts");
  t->Finish();
  script.push_back(tx);
}

const nlohmann::ordered_json kScriptSchema = {
    {"type", "array"},
    {"items",
     {{"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"read_all", {{"type", "boolean"}, {"description", "Read every account instead of a transfer."}}},
        {"from", {{"type", "integer"}, {"minimum", 0}, {"description", "The account debited."}}},
        {"to", {{"type", "integer"}, {"minimum", 0}, {"description", "The account credited."}}},
        {"amount", {{"type", "integer"}, {"minimum", 1}, {"description", "How much moves."}}}}}}}};

class CommitProtocol : public ProtocolOf<Config> {
 public:
  explicit CommitProtocol(bool three_phase) : three_phase_(three_phase) {
    using O = CommitOptions;
    using Cl = ClientOptions;
    options_.Int("accounts", "Accounts, spread over the participants (servers 2..n) by account mod (n - 1)",
                 Field(&Config::commit, &O::accounts), 2, 100000);
    options_.Int("initial_balance", "Every account's starting balance", Field(&Config::commit, &O::initial_balance),
                 0, 1'000'000'000);
    options_.Duration("vote_timeout", "The coordinator aborts if votes are missing by then",
                      Field(&Config::commit, &O::vote_timeout_ns)).AtLeast(1);
    options_.Duration("resend", "The coordinator re-announces an unacknowledged decision this often",
                      Field(&Config::commit, &O::resend_ns)).AtLeast(1);
    options_.Duration("uncertain_timeout",
                      "A participant uncertain this long asks (2PC) or runs the termination protocol (3PC)",
                      Field(&Config::commit, &O::uncertain_timeout_ns)).AtLeast(1);
    if (three_phase_) {
      options_.Duration("preack_timeout", "The coordinator commits anyway if pre-acks are missing by then",
                        Field(&Config::commit, &O::preack_timeout_ns)).AtLeast(1);
      options_.Duration("termination_wait", "How long the termination protocol collects states",
                        Field(&Config::commit, &O::termination_wait_ns)).AtLeast(1);
    }
    workload_.Int("clients", "Clients", Field(&Config::num_clients), 1, 32);
    ThinkKey(workload_, Field(&Config::client, &Cl::think_ns), "transactions");
    TimeoutKey(workload_, Field(&Config::client, &Cl::timeout_ns), "An unanswered transaction is recorded info");
    workload_.Int("max_amount", "Transfers move 1..max_amount", Field(&Config::client, &Cl::max_amount), 1,
                  1'000'000);
    StopKey(workload_, Field(&Config::client, &Cl::stop_ns), "90% of the run", "transactions");
    workload_.Custom("script", "Client 1 runs exactly these transactions, in order, then stops", kScriptSchema,
                     [](const JsonValue& v, const ScenarioInfo&, Config& c) {
                       std::optional<JsonArray> script = v.AsArray();
                       if (!script) return;
                       for (size_t i = 0; i < script->size() && v.ctx()->ok(); ++i) {
                         ReadScriptedTx(script->At(i), c, c.client.script);
                       }
                     });
    MixKey<Config>(workload_, "Relative weights",
                   {{"read", "read every account", Field(&Config::client, &Cl::read_weight)},
                    {"transfer", "move money between two accounts", Field(&Config::client, &Cl::transfer_weight)}});
    Bug("commit_on_majority", "the coordinator commits on a majority of yes votes",
        Field(&Config::commit, &O::bug_commit_on_majority));
    Bug("vote_not_persisted", "a participant's yes vote is not forced to disk",
        Field(&Config::commit, &O::bug_vote_not_persisted));
    Bug("decision_not_logged", "the coordinator announces before it logs its decision",
        Field(&Config::commit, &O::bug_decision_not_logged));
  }
  std::string name() const override { return three_phase_ ? "3pc" : "2pc"; }
  std::string description() const override {
    return three_phase_ ? "three-phase commit over sharded bank accounts (non-blocking under crashes)"
                        : "two-phase commit over sharded bank accounts (blocking)";
  }
  std::vector<NamedItem> checks() const override {
    return {{"atomic_commit", "AC1-AC3: deciders agree, no decision is reversed, commit needs every yes"},
            {"money_conserved", "committed reads and the final balances add up; no balance below zero"},
            {"durability", "a commit a participant acknowledged survives its crashes"}};
  }
  // Server 1 coordinates; the others are the participants.
  int min_servers() const override { return 2; }
  std::vector<NamedItem> facts() const override {
    return {{"committed", "transactions some process decided to commit"},
            {"aborted", "transactions some process decided to abort"},
            {"in_doubt", "prepared transactions without a decision on a participant's disk at the end"},
            {"blocked_ms_max", "longest time a participant sat uncertain, holding locks (ms)"},
            {"blocked_ms_total", "all participants' uncertain time (ms)"}};
  }
 protected:
  void Defaults(const ScenarioInfo& info, Config& c) const override {
    DSIM_ASSERT(info.num_servers >= min_servers());
    c.commit.three_phase = three_phase_;
    c.client.stop_ns = info.duration_ns / 10 * 9;  // let the last transactions finish
  }
  std::unique_ptr<ProtocolRun> Run(const Config& config, const ScenarioInfo& info, uint64_t) const override {
    return std::make_unique<CommitRun>(config, info);
  }

 private:
  bool three_phase_;
};

}  // namespace

std::unique_ptr<Protocol> MakeTwoPhaseCommit() { return std::make_unique<CommitProtocol>(false); }
std::unique_ptr<Protocol> MakeThreePhaseCommit() { return std::make_unique<CommitProtocol>(true); }

}  // namespace dsim::commit
