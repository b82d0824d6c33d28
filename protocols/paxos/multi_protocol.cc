// Registration of the Multi-Paxos key-value store ("multipaxos"), its
// checks and facts.
#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "protocols/paxos/multi.h"
#include "protocols/paxos/multi_client.h"
#include "protocols/paxos/paxos_protocols.h"
#include "sim/check/broadcast.h"
#include "sim/check/convergence.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "sim/client.h"
#include "sim/run_checks.h"
#include "sim/scenario.h"

namespace dsim::paxos {
namespace {

struct MultiConfig : ProtocolConfig {
  MultiConfig() { num_clients = 3; }
  MultiOptions server;
  ClientOptions client;
  uint64_t linearizability_steps = 20'000'000;
};

std::string Side(const std::vector<NodeId>& group, int n) {
  return absl::StrFormat("%s [%s]", 2 * static_cast<int>(group.size()) > n ? "majority" : "minority",
                         absl::StrJoin(group, " "));
}

class MultiRun : public ProtocolRun {
 public:
  MultiRun(const MultiConfig& c, const ScenarioInfo& info) : c_(c), info_(info) {
    FilePaxosObservations<Borrowed<Command>>(
        observations_, log_,
        [this](PaxosLog& log, int64_t instance, const Borrowed<Command>& cmd) { return IdOf(log, instance, cmd.get()); });
  }

  std::unique_ptr<Process> NewProcess(NodeId id) override {
    if (id <= info_.num_servers) return std::make_unique<MultiServer>(c_.server);
    const int index = id - info_.num_servers;  // 1-based
    return std::make_unique<MultiClient>(c_.client, info_.num_servers,
                                         index > c_.num_clients - c_.client.readers);
  }

  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    log_.Settle(*sim_);
    const History& h = sim_->history();
    for (const HistoryEvent& e : h) {
      if (e.type != OpType::kInvoke) continue;
      // Every value a client submitted, as the Paxos log spells commands.
      log_.proposed.insert(ProposedText(e));
    }
    const int n = info_.num_servers;
    // Values in the log are encoded commands; clients' histories do not
    // carry the sequence number, so proposals are compared without it.
    ValueSemantics values;
    values.noop = Encode(Command{});
    values.proposal_of = [](const std::string& v) {
      Command c = MustDecode<Command>(v, "a command in the Paxos log");
      c.seq = 0;
      return Encode(c);
    };
    values.describe = [](const std::string& v) {
      return MustDecode<Command>(v, "a command in the Paxos log").Text();
    };
    const PaxosFindings f = CheckPaxos(log_, n / 2 + 1, values);
    ReportPaxosFindings(f, checks, out);
    if (checks.count("log_order")) {
      const Finding lo = CheckLogOrder(log_);
      out.Check("log_order", lo.ok, lo.detail);
    }
    if (checks.count("linearizable")) CheckLinearizable(h, out);
    Availability(h, checks, out);
    const OutcomeCounts ops = OutcomeCounts::Of(h);
    ops.Report(out);
    out.Fact("instances_chosen", f.chosen.size());
    out.Fact("leaderships", log_.leaders.size());
    nlohmann::json leaders = nlohmann::json::array();
    for (const auto& l : log_.leaders) leaders.push_back(l.node);
    out.Fact("leaders", leaders);
    out.Summary(absl::StrFormat("%d client operations: %d ok, %d failed, %d unknown; %d instances chosen",
                                ops.total(), ops.ok, ops.fail, ops.info, f.chosen.size()));
  }

 private:
  // Values in the log are encoded commands (the encoding is one to one).
  // Most reports at an instance carry the value last reported there, so
  // that one is compared first; only another value is encoded and interned.
  ValueId IdOf(PaxosLog& log, int64_t instance, const Command& cmd) {
    const size_t i = static_cast<size_t>(std::max<int64_t>(instance, 0));
    if (i < recent_.size() && recent_[i] != kNoValue) {
      const Command& c = commands_[recent_[i]];
      // (client, seq) tells commands apart; the rest proves them equal.
      if (c.seq == cmd.seq && c.client == cmd.client && c == cmd) return recent_[i];
    }
    scratch_.clear();
    EncodeTo(cmd, scratch_);
    const ValueId id = log.Intern(scratch_);
    DSIM_ASSERT_MSG(id <= commands_.size(), "value %d was interned without its command", id);
    if (id == commands_.size()) commands_.push_back(cmd);
    if (i >= recent_.size()) recent_.resize(std::max(2 * recent_.size(), i + 1), kNoValue);
    recent_[i] = id;
    return id;
  }

  static std::string ProposedText(const HistoryEvent& e) {
    Command c;
    c.seq = 0;
    c.key = *e.key;
    c.client = HistoryProcess::ClientOf(e.process);
    // The seq is not in the history: match on everything else.
    if (e.f == "read") c.kind = Command::kRead;
    if (e.f == "write") {
      c.kind = Command::kWrite;
      c.value = e.value.as_int();
    }
    if (e.f == "cas") {
      c.kind = Command::kCas;
      c.expected = e.value.as_list()[0].as_int();
      c.value = e.value.as_list()[1].as_int();
    }
    return Encode(c);
  }

  // P7: each replica applies instances 1, 2, 3, ... and the same value at
  // each instance as every other replica.
  static Finding CheckLogOrder(const PaxosLog& log) {
    Finding f;
    std::map<std::pair<NodeId, uint32_t>, int64_t> next;  // per replica incarnation
    std::vector<ValueId> first;                              // by instance
    std::vector<NodeId> first_node;
    size_t longest = 0;
    for (const LearnEvent& l : log.learned) {
      int64_t& expected = next.try_emplace({l.node, l.incarnation}, 1).first->second;
      if (l.instance != expected && f.ok) {
        f.ok = false;
        f.detail = absl::StrFormat("n%d (incarnation %d) applied instance %d when %d was next", l.node,
                                   l.incarnation, l.instance, expected);
      }
      expected = l.instance + 1;
      const size_t i = static_cast<size_t>(l.instance);
      if (i >= first.size()) {
        first.resize(i + 1, UINT32_MAX);
        first_node.resize(i + 1, 0);
      }
      if (first[i] == UINT32_MAX) {
        first[i] = l.value;
        first_node[i] = l.node;
      } else if (first[i] != l.value && f.ok) {
        const Command a = MustDecode<Command>(log.value(first[i]), "an applied command");
        const Command b = MustDecode<Command>(log.value(l.value), "an applied command");
        f.ok = false;
        f.detail = absl::StrFormat("instance %d: n%d applied \"%s\" but n%d applied \"%s\"", l.instance,
                                   first_node[i], a.Text(), l.node, b.Text());
      }
      longest = std::max(longest, i);
    }
    if (f.ok) {
      f.detail = absl::StrFormat("%d replica logs agree, applied in order (longest %d)", next.size(), longest);
    }
    return f;
  }

  void CheckLinearizable(const History& h, RunOutcome& out) {
    absl::StatusOr<std::unique_ptr<Model>> model = MakeModel("cas-register", {});
    ReportLinearizability(h, **model,
                          {.check = "linearizable", .fact = "linearizability", .witness = "linearizability",
                           .max_steps = c_.linearizability_steps},
                          out);
  }

  // CAP, measured: per side of each scheduled partition, the share of
  // requests sent to that side's servers that completed ok in time.
  void Availability(const History& h, const std::set<std::string>& checks, RunOutcome& out) {
    nlohmann::json facts = nlohmann::json::object();
    bool minority_served = false;
    std::string served;
    const std::vector<Fault>& faults = info_.faults;
    for (size_t i = 0; i < faults.size(); ++i) {
      if (faults[i].kind != Fault::Kind::kPartition) continue;
      int64_t end = info_.duration_ns;
      for (size_t j = i + 1; j < faults.size(); ++j) {
        if (faults[j].kind == Fault::Kind::kHeal) {
          end = faults[j].at_ns;
          break;
        }
      }
      AvailabilityInput in;
      in.start_ns = faults[i].at_ns;
      in.end_ns = end;
      in.deadline_ns = c_.client.timeout_ns;
      const auto groups = faults[i].groups;
      const int n = info_.num_servers;
      in.side_of = [groups, n](const HistoryEvent& e) {
        for (const auto& g : groups) {
          if (std::find(g.begin(), g.end(), e.node) != g.end()) return Side(g, n);
        }
        return std::string();
      };
      in.is_read = [](const std::string& f) { return f == "read"; };
      for (const SideAvailability& s : MeasureAvailability(h, in)) {
        facts[s.side] = {{"requests", s.requests}, {"ok", s.ok}, {"share", s.share()},
                         {"reads_ok", s.reads_ok}, {"writes_ok", s.writes_ok}};
        out.Summary(absl::StrFormat("partition at %s: requests sent to the %s side, %d/%d ok in time (%.0f%%)",
                                    FormatDuration(in.start_ns), s.side, s.ok, s.requests, 100 * s.share()));
      }
      // C in CP: no server of a minority answers while it is cut off.
      for (const auto& g : groups) {
        if (2 * static_cast<int>(g.size()) > n) continue;
        std::map<int32_t, int64_t> invoked_at;
        for (const HistoryEvent& e : h) {
          if (e.type == OpType::kInvoke) {
            invoked_at[e.process] = e.time_ns;
            continue;
          }
          // Requests made while the minority was cut off; earlier ones may
          // have committed before it.
          if (e.type != OpType::kOk || invoked_at[e.process] < in.start_ns || e.time_ns >= in.end_ns) continue;
          if (std::find(g.begin(), g.end(), e.node) == g.end()) continue;
          if (!minority_served) {
            served = absl::StrFormat("n%d (%s) answered %s at %s", e.node, Side(g, n), e.f,
                                     FormatDuration(e.time_ns));
          }
          minority_served = true;
        }
      }
    }
    out.Fact("availability", facts);
    if (checks.count("minority_unavailable")) {
      out.Check("minority_unavailable", !minority_served,
                minority_served ? served : "no server on a minority side answered any request");
    }
  }

  const MultiConfig& c_;
  ScenarioInfo info_;
  PaxosLog log_;
  static constexpr ValueId kNoValue = UINT32_MAX;
  std::vector<Command> commands_;  // by the log's id
  std::vector<ValueId> recent_;    // by instance: the value last reported there
  std::string scratch_;
};

class MultiProtocol : public ProtocolOf<MultiConfig> {
 public:
  MultiProtocol() {
    using C = MultiConfig;
    using S = MultiOptions;
    using Cl = ClientOptions;
    options_.Enum("reads",
                  "log: reads go through the log (linearizable); lease: the leader answers reads while its "
                  "lease holds",
                  Field(&C::server, &S::lease_reads), std::vector<std::pair<std::string, bool>>{{"log", false}, {"lease", true}});
    options_.Duration("election_timeout", "A follower that hears no leader for uniform [t, 2t] campaigns",
                      Field(&C::server, &S::election_timeout_ns)).AtLeast(1);
    options_.Duration("heartbeat", "Leader heartbeat period", Field(&C::server, &S::heartbeat_ns)).AtLeast(1);
    options_.Duration("lease", "How long a follower that heard the leader promises no one else",
                      Field(&C::server, &S::lease_ns)).AtLeast(1);
    options_.Int("lease_max_drift_ppm",
                 "The clock drift leases tolerate: the leader counts lease * (1 - p)/(1 + p)",
                 Field(&C::server, &S::max_drift_ppm), 0, 500'000)
        .DefaultText("100000 = 10%");
    options_.Int("initial_leader", "A server that campaigns at boot and so leads first (0: none)",
                 Field(&C::server, &S::initial_leader), 0, kMaxNodes)
        .AtMost([](const ScenarioInfo& info, const C&) { return info.num_servers; });
    options_.Int("linearizability_budget", "Search steps for the linearizable check before it answers unknown",
                 Field(&C::linearizability_steps), 1, INT64_MAX);
    workload_.WhenPresent([](const ScenarioInfo& info, C& c) { c.client.stop_ns = info.duration_ns; });
    workload_.Int("clients", "Clients", Field(&C::num_clients), 1, 32);
    workload_.Int("keys", "Keys k0..k<keys-1>", Field(&C::client, &Cl::keys), 1, 1000);
    workload_.Int("readers", "The last this many clients only read", Field(&C::client, &Cl::readers), 0, 32)
        .AtMost([](const ScenarioInfo&, const C& c) { return c.num_clients; });
    ThinkKey(workload_, Field(&C::client, &Cl::think_ns));
    TimeoutKey(workload_, Field(&C::client, &Cl::timeout_ns), "An unanswered request is recorded info");
    StopKey(workload_, Field(&C::client, &Cl::stop_ns), "the run's end");
    MixKey<C>(workload_, "Relative weights",
              {{"read", "get", Field(&C::client, &Cl::read_weight)},
               {"write", "put", Field(&C::client, &Cl::write_weight)},
               {"cas", "compare-and-set", Field(&C::client, &Cl::cas_weight)}});
    Bug("acceptor_volatile_promise", "the acceptor keeps its promise only in memory",
        Field(&C::server, &S::bug_volatile_promise));
    Bug("proposer_ignores_accepted", "a new leader proposes no-ops where promises reported values",
        Field(&C::server, &S::bug_ignores_accepted));
    Bug("quorum_off_by_one", "a quorum is n/2 rather than n/2+1", Field(&C::server, &S::bug_quorum_off_by_one));
    Bug("lease_without_margin", "lease reads ignore clock drift", Field(&C::server, &S::bug_lease_without_margin));
  }

  std::string name() const override { return "multipaxos"; }
  std::string description() const override {
    return "Multi-Paxos replicated key-value store: stable leader, log reads or leader leases";
  }
  std::vector<NamedItem> checks() const override {
    return {{"agreement", "P1: at most one value is chosen per instance"},
            {"validity", "P2: chosen commands were submitted by clients (or are no-ops)"},
            {"learned_chosen", "P3: a replica applies only chosen commands"},
            {"unique_ballot", "P4: a ballot carries one value per instance"},
            {"acceptor_monotonic", "P5: an acceptor's promise never decreases, across restarts"},
            {"safe_proposal", "P6: a new leader re-proposes the highest-ballot value reported"},
            {"log_order", "P7: replicas apply the same commands in instance order without gaps"},
            {"linearizable", "the client history is linearizable (cas-register per key)"},
            {"minority_unavailable", "no server on the minority side of a partition answers a request"}};
  }
  std::vector<std::string> default_checks() const override {
    return {"agreement", "validity", "learned_chosen", "unique_ballot", "acceptor_monotonic",
            "safe_proposal", "log_order", "linearizable"};
  }
  std::vector<NamedItem> facts() const override {
    std::vector<NamedItem> facts = OutcomeCounts::Facts();
    facts.insert(facts.end(), {{"instances_chosen", "log instances chosen"},
            {"leaderships", "how many times a server became leader"},
            {"leaders", "the servers that became leader, in order"},
            {"linearizability", "the checker's verdict on the client history"},
            {"availability", "per side of each scheduled partition: requests, ok, share"}});
    return facts;
  }

 protected:
  std::unique_ptr<ProtocolRun> Run(const MultiConfig& config, const ScenarioInfo& info,
                                   uint64_t) const override {
    return std::make_unique<MultiRun>(config, info);
  }
};

}  // namespace

std::unique_ptr<Protocol> MakeMultiPaxosProtocol() { return std::make_unique<MultiProtocol>(); }

}  // namespace dsim::paxos
