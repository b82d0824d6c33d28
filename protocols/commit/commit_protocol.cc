#include "protocols/commit/commit_protocol.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_format.h"
#include "protocols/commit/commit.h"
#include "sim/check/atomic_commit.h"

namespace dsim::commit {
namespace {

struct Config : ProtocolConfig {
  CommitOptions commit;
  ClientOptions client;
};

class Run : public ProtocolRun {
 public:
  Run(const Config& c, const ScenarioInfo& info) : c_(c), info_(info) {}

  std::unique_ptr<Process> NewProcess(NodeId id) override {
    log_.Attach(sim_);
    if (id == 1) return std::make_unique<Coordinator>(c_.commit, &log_);
    if (id <= info_.num_servers) return std::make_unique<Participant>(c_.commit, &log_);
    return std::make_unique<Client>(c_.commit, c_.client);
  }

  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    const AtomicCommitReport ac = CheckAtomicCommit(log_.participants(), log_.votes(), log_.decisions());
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
    const std::vector<int64_t> uncertain = log_.UncertainTimes(sim_->now());
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
    for (const auto& [node, tx] : log_.acked_commits()) {
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

  const Config& c_;
  ScenarioInfo info_;
  CommitLog log_;
};

class CommitProtocol : public Protocol {
 public:
  explicit CommitProtocol(bool three_phase) : three_phase_(three_phase) {}
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
  std::vector<NamedItem> bugs() const override {
    return {{"commit_on_majority", "the coordinator commits on a majority of yes votes"},
            {"vote_not_persisted", "a participant's yes vote is not forced to disk"},
            {"decision_not_logged", "the coordinator announces before it logs its decision"}};
  }
  std::vector<NamedItem> facts() const override {
    return {{"committed", "transactions some process decided to commit"},
            {"aborted", "transactions some process decided to abort"},
            {"in_doubt", "prepared transactions without a decision on a participant's disk at the end"},
            {"blocked_ms_max", "longest time a participant sat uncertain, holding locks (ms)"},
            {"blocked_ms_total", "all participants' uncertain time (ms)"}};
  }
  std::shared_ptr<const ProtocolConfig> Configure(const ScenarioInfo& info, JsonObject* options,
                                                  JsonObject* workload) const override {
    auto c = std::make_shared<Config>();
    CommitOptions& o = c->commit;
    o.three_phase = three_phase_;
    DSIM_ASSERT(info.num_servers >= min_servers());
    if (options != nullptr) {
      o.accounts = static_cast<int>(options->Int("accounts", o.accounts, 2, 100000));
      o.initial_balance = options->Int("initial_balance", o.initial_balance, 0, 1'000'000'000);
      o.vote_timeout_ns = options->Duration("vote_timeout", o.vote_timeout_ns, 1);
      o.resend_ns = options->Duration("resend", o.resend_ns, 1);
      o.uncertain_timeout_ns = options->Duration("uncertain_timeout", o.uncertain_timeout_ns, 1);
      if (three_phase_) {
        o.preack_timeout_ns = options->Duration("preack_timeout", o.preack_timeout_ns, 1);
        o.termination_wait_ns = options->Duration("termination_wait", o.termination_wait_ns, 1);
      }
    }
    c->num_clients = 2;
    c->client.stop_ns = info.duration_ns / 10 * 9;  // let the last transactions finish
    if (workload != nullptr) {
      c->num_clients = static_cast<int>(workload->Int("clients", c->num_clients, 1, 32));
      c->client.think_ns = workload->Duration("think", c->client.think_ns, 0);
      c->client.timeout_ns = workload->Duration("timeout", c->client.timeout_ns, 1);
      c->client.max_amount = workload->Int("max_amount", c->client.max_amount, 1, 1'000'000);
      c->client.stop_ns = workload->Duration("stop", c->client.stop_ns, 0, info.duration_ns);
      if (std::optional<JsonArray> script = workload->Array("script")) {
        for (size_t i = 0; i < script->size(); ++i) {
          std::optional<JsonObject> t = script->At(i).AsObject();
          if (!t) break;
          ScriptedTx tx;
          tx.read_all = t->Bool("read_all", false);
          if (!tx.read_all) {
            t->Require("from");
            t->Require("to");
            t->Require("amount");
          }
          tx.from = static_cast<int32_t>(t->Int("from", 0, 0, o.accounts - 1));
          tx.to = static_cast<int32_t>(t->Int("to", 1, 0, o.accounts - 1));
          tx.amount = t->Int("amount", 1, 1, 1'000'000'000);
          if (t->ctx()->ok() && !tx.read_all && tx.from == tx.to) t->Fail("a transfer needs two accounts");
          t->Finish();
          c->client.script.push_back(tx);
        }
      }
      if (std::optional<JsonObject> mix = workload->Object("mix")) {
        c->client.read_weight = static_cast<int>(mix->Int("read", c->client.read_weight, 0, 1000));
        c->client.transfer_weight = static_cast<int>(mix->Int("transfer", c->client.transfer_weight, 0, 1000));
        if (mix->ctx()->ok() && c->client.read_weight + c->client.transfer_weight == 0) {
          mix->Fail("the mix needs some operation");
        }
        mix->Finish();
      }
    }
    o.bug_commit_on_majority = info.bugs.count("commit_on_majority") > 0;
    o.bug_vote_not_persisted = info.bugs.count("vote_not_persisted") > 0;
    o.bug_decision_not_logged = info.bugs.count("decision_not_logged") > 0;
    return c;
  }
  std::unique_ptr<ProtocolRun> NewRun(const ProtocolConfig& config, const ScenarioInfo& info,
                                      uint64_t) const override {
    return std::make_unique<Run>(static_cast<const Config&>(config), info);
  }

 private:
  bool three_phase_;
};

}  // namespace

std::unique_ptr<Protocol> MakeTwoPhaseCommit() { return std::make_unique<CommitProtocol>(false); }
std::unique_ptr<Protocol> MakeThreePhaseCommit() { return std::make_unique<CommitProtocol>(true); }

}  // namespace dsim::commit
