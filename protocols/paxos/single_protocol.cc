// Registration of single-decree Paxos ("paxos").
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "protocols/paxos/paxos_protocols.h"
#include "protocols/paxos/single.h"
#include "sim/scenario.h"

namespace dsim::paxos {
namespace {

struct SingleConfig : ProtocolConfig {
  SingleOptions options;
};

class SingleRun : public ProtocolRun {
 public:
  SingleRun(const SingleConfig& c, int num_servers) : c_(c), num_servers_(num_servers) {
    for (int i = 1; i <= c.num_clients; ++i) log_.proposed.insert(absl::StrCat("c", i));
  }
  std::unique_ptr<Process> NewProcess(NodeId id) override {
    log_.Attach(sim_);
    if (id <= num_servers_) return std::make_unique<SingleServer>(c_.options, num_servers_, &log_, &record_);
    return std::make_unique<SingleClient>(c_.options, num_servers_);
  }
  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    log_.Settle();
    const int n = static_cast<int>(c_.options.acceptors.size());
    const PaxosFindings f = CheckPaxos(log_, n / 2 + 1, {});
    ReportPaxosFindings(f, checks, out);
    auto it = f.chosen.find(0);
    out.Fact("decided", it != f.chosen.end());
    out.Fact("chosen", it != f.chosen.end() ? nlohmann::json(it->second) : nlohmann::json(nullptr));
    nlohmann::json ballots = nlohmann::json::object(), last = nlohmann::json::object();
    for (const auto& [p, bs] : record_.ballots) {
      for (Ballot b : bs) ballots[absl::StrCat(p)].push_back(FormatBallot(b));
    }
    for (const auto& [p, v] : record_.last_proposal) last[absl::StrCat(p)] = v;
    out.Fact("ballots", ballots);
    out.Fact("last_proposal", last);
    int rounds = 0;
    for (const auto& [p, bs] : record_.ballots) rounds += static_cast<int>(bs.size());
    out.Fact("rounds", rounds);
    out.Summary(it != f.chosen.end()
                    ? absl::StrFormat("chosen: \"%s\" after %d ballots", it->second, rounds)
                    : absl::StrFormat("nothing chosen after %d ballots", rounds));
  }

 private:
  const SingleConfig& c_;
  int num_servers_;
  PaxosLog log_;
  SingleRecord record_;
};

class SingleProtocol : public Protocol {
 public:
  std::string name() const override { return "paxos"; }
  std::string description() const override {
    return "single-decree Paxos: proposers, acceptors and learners choose one client value";
  }
  std::vector<NamedItem> checks() const override {
    return {{"agreement", "P1: at most one value is chosen (accepted by a quorum in one ballot)"},
            {"validity", "P2: the chosen value was proposed by a client"},
            {"learned_chosen", "P3: a learner learns only a value that is chosen"},
            {"unique_ballot", "P4: a ballot carries one value"},
            {"acceptor_monotonic", "P5: an acceptor's promise never decreases, across restarts"},
            {"safe_proposal", "P6: phase 2 proposes the value of the highest accepted ballot reported"}};
  }
  std::vector<NamedItem> bugs() const override {
    return {{"acceptor_volatile_promise", "the acceptor keeps its promise only in memory"},
            {"proposer_ignores_accepted", "phase 2 uses the proposer's own value"},
            {"quorum_off_by_one", "a quorum is n/2 rather than n/2+1"}};
  }
  std::vector<NamedItem> facts() const override {
    return {{"decided", "whether a value was chosen"},
            {"chosen", "the chosen value, or null"},
            {"rounds", "ballots started by all proposers"},
            {"ballots", "per proposer, the ballots it used (round.id)"},
            {"last_proposal", "per proposer, the value of its last phase 2"}};
  }
  std::shared_ptr<const ProtocolConfig> Configure(const ScenarioInfo& info, JsonObject* options,
                                                  JsonObject* workload) const override {
    auto c = std::make_shared<SingleConfig>();
    SingleOptions& o = c->options;
    const int n = info.num_servers;
    for (NodeId id = 1; id <= n; ++id) o.acceptors.push_back(id);
    o.learners = o.acceptors;
    o.proposers = {1};
    if (options != nullptr) {
      if (auto v = options->Value("proposers")) o.proposers = ReadNodeList(*v, n).value_or(o.proposers);
      if (auto v = options->Value("acceptors")) o.acceptors = ReadNodeList(*v, n).value_or(o.acceptors);
      if (auto v = options->Value("learners")) o.learners = ReadNodeList(*v, n).value_or(o.learners);
      o.backoff = options->Bool("backoff", o.backoff);
      o.backoff_base_ns = options->Duration("backoff_base", o.backoff_base_ns, 1);
      o.backoff_max_ns = options->Duration("backoff_max", o.backoff_max_ns, 1);
      o.phase_timeout_ns = options->Duration("phase_timeout", o.phase_timeout_ns, 1);
      o.nack_on_preempt = options->Bool("nack_on_preempt", o.nack_on_preempt);
      if (options->ctx()->ok() && (o.proposers.empty() || o.acceptors.empty())) {
        options->Fail("paxos needs at least one proposer and one acceptor");
      }
    }
    c->num_clients = static_cast<int>(o.proposers.size());
    if (workload != nullptr) {
      c->num_clients = static_cast<int>(workload->Int("clients", c->num_clients, 1, 16));
      o.client_timeout_ns = workload->Duration("timeout", o.client_timeout_ns, 1);
      if (auto arr = workload->Array("invoke_at")) {
        for (size_t i = 0; i < arr->size(); ++i) {
          o.invoke_at_ns.push_back(arr->At(i).AsDuration(0, info.duration_ns).value_or(0));
        }
      }
    }
    o.bug_volatile_promise = info.bugs.count("acceptor_volatile_promise") > 0;
    o.bug_ignores_accepted = info.bugs.count("proposer_ignores_accepted") > 0;
    o.bug_quorum_off_by_one = info.bugs.count("quorum_off_by_one") > 0;
    return c;
  }
  std::unique_ptr<ProtocolRun> NewRun(const ProtocolConfig& config, const ScenarioInfo& info,
                                      uint64_t) const override {
    return std::make_unique<SingleRun>(static_cast<const SingleConfig&>(config), info.num_servers);
  }
};

}  // namespace

std::unique_ptr<Protocol> MakeSingleDecreeProtocol() { return std::make_unique<SingleProtocol>(); }

}  // namespace dsim::paxos
