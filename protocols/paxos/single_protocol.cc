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
  SingleConfig() { options.proposers = {1}; }
  SingleOptions options;  // num_clients 0: one per proposer
};

class SingleRun : public ProtocolRun {
 public:
  SingleRun(const SingleConfig& c, int num_servers) : c_(c), num_servers_(num_servers) {
    FilePaxosObservations<std::string>(observations_, log_,
                                       [](PaxosLog& log, int64_t, const std::string& v) { return log.Intern(v); });
  }
  std::unique_ptr<Process> NewProcess(NodeId id) override {
    if (id <= num_servers_) return std::make_unique<SingleServer>(c_.options);
    return std::make_unique<SingleClient>(c_.options, num_servers_);
  }
  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    log_.Settle(*sim_);
    for (int i = 1; i <= c_.num_clients; ++i) log_.proposed.insert(absl::StrCat("c", i));
    const int n = static_cast<int>(c_.options.acceptors.size());
    const PaxosFindings f = CheckPaxos(log_, n / 2 + 1, {});
    ReportPaxosFindings(f, checks, out);
    auto it = f.chosen.find(0);
    out.Fact("decided", it != f.chosen.end());
    out.Fact("chosen", it != f.chosen.end() ? nlohmann::json(it->second) : nlohmann::json(nullptr));
    nlohmann::json ballots = nlohmann::json::object(), last = nlohmann::json::object();
    // Per proposer, in node order: the ballots it started and its last
    // phase 2 value.
    std::map<NodeId, std::vector<Ballot>> started;
    std::map<NodeId, std::string> last_proposal;
    for (const auto& o : observations_.Of<BallotStarted>().entries()) started[o.node].push_back(o.value.ballot);
    for (const AcceptSentEvent& a : log_.accept_sent) last_proposal[a.proposer] = log_.value(a.value);
    for (const auto& [p, bs] : started) {
      for (Ballot b : bs) ballots[absl::StrCat(p)].push_back(FormatBallot(b));
    }
    for (const auto& [p, v] : last_proposal) last[absl::StrCat(p)] = v;
    out.Fact("ballots", ballots);
    out.Fact("last_proposal", last);
    int rounds = 0;
    for (const auto& [p, bs] : started) rounds += static_cast<int>(bs.size());
    out.Fact("rounds", rounds);
    out.Summary(it != f.chosen.end()
                    ? absl::StrFormat("chosen: \"%s\" after %d ballots", it->second, rounds)
                    : absl::StrFormat("nothing chosen after %d ballots", rounds));
  }

 private:
  const SingleConfig& c_;
  int num_servers_;
  PaxosLog log_;
};

class SingleProtocol : public ProtocolOf<SingleConfig> {
 public:
  SingleProtocol() {
    using C = SingleConfig;
    using O = SingleOptions;
    options_.Nodes("proposers", "Servers that propose", Field(&C::options, &O::proposers));
    options_.Nodes("acceptors", "Servers that accept", Field(&C::options, &O::acceptors))
        .DefaultText("all servers");
    options_.Nodes("learners",
                   "Servers that learn from acceptors; a proposer also learns the fate of its own ballots",
                   Field(&C::options, &O::learners))
        .DefaultText("all servers");
    options_.Bool("backoff",
                  "Randomized backoff before retrying a failed ballot; without it proposers can duel forever",
                  Field(&C::options, &O::backoff));
    options_.Duration("backoff_base", "The backoff is uniform up to base * 2^failures",
                      Field(&C::options, &O::backoff_base_ns)).AtLeast(1);
    options_.Duration("backoff_max", "Cap of the backoff", Field(&C::options, &O::backoff_max_ns)).AtLeast(1);
    options_.Duration("phase_timeout", "A phase not done by then is abandoned",
                      Field(&C::options, &O::phase_timeout_ns)).AtLeast(1);
    options_.Bool("nack_on_preempt",
                  "An acceptor that promises a higher ballot tells the proposer it promised before",
                  Field(&C::options, &O::nack_on_preempt));
    options_.Check([](JsonObject& o, const ScenarioInfo&, C& c) {
      if (c.options.proposers.empty() || c.options.acceptors.empty()) {
        o.Fail("paxos needs at least one proposer and one acceptor");
      }
    });
    workload_.Int("clients", "Client c proposes the value \"c<c>\" through proposer (c - 1) mod P",
                  Field(&C::num_clients), 1, 16)
        .DefaultText("one per proposer");
    workload_.Duration("timeout", "A client that hears no decision by then records info",
                       Field(&C::options, &O::client_timeout_ns)).AtLeast(1);
    workload_
        .Custom("invoke_at", "When each client proposes",
                {{"type", "array"}, {"items", {{"$ref", "#/$defs/duration"}}}},
                [](const JsonValue& v, const ScenarioInfo& info, C& c) {
                  std::optional<JsonArray> arr = v.AsArray();
                  if (!arr) return;
                  for (size_t i = 0; i < arr->size(); ++i) {
                    c.options.invoke_at_ns.push_back(arr->At(i).AsDuration(0, info.duration_ns).value_or(0));
                  }
                })
        .DefaultText("0");
    Bug("acceptor_volatile_promise", "the acceptor keeps its promise only in memory",
        Field(&C::options, &O::bug_volatile_promise));
    Bug("proposer_ignores_accepted", "phase 2 uses the proposer's own value",
        Field(&C::options, &O::bug_ignores_accepted));
    Bug("quorum_off_by_one", "a quorum is n/2 rather than n/2+1", Field(&C::options, &O::bug_quorum_off_by_one));
  }

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
  std::vector<NamedItem> facts() const override {
    return {{"decided", "whether a value was chosen"},
            {"chosen", "the chosen value, or null"},
            {"rounds", "ballots started by all proposers"},
            {"ballots", "per proposer, the ballots it used (round.id)"},
            {"last_proposal", "per proposer, the value of its last phase 2"}};
  }
 protected:
  void Defaults(const ScenarioInfo& info, SingleConfig& c) const override {
    for (NodeId id = 1; id <= info.num_servers; ++id) c.options.acceptors.push_back(id);
    c.options.learners = c.options.acceptors;
  }
  void Derive(const ScenarioInfo&, SingleConfig& c) const override {
    if (c.num_clients == 0) c.num_clients = static_cast<int>(c.options.proposers.size());
  }
  std::unique_ptr<ProtocolRun> Run(const SingleConfig& config, const ScenarioInfo& info,
                                   uint64_t) const override {
    return std::make_unique<SingleRun>(config, info.num_servers);
  }
};

}  // namespace

std::unique_ptr<Protocol> MakeSingleDecreeProtocol() { return std::make_unique<SingleProtocol>(); }

}  // namespace dsim::paxos
