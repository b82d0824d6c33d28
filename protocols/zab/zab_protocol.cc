// Registration of ZooKeeper ("zab"): its scenario keys, checks and facts.
#include "protocols/zab/zab_protocol.h"

#include <memory>
#include <string>
#include <vector>

#include "protocols/zab/zab_run.h"
#include "sim/run_checks.h"
#include "sim/scenario.h"

namespace dsim::zab {
namespace {

class ZabProtocol : public ProtocolOf<ZabConfig> {
 public:
  ZabProtocol() {
    using C = ZabConfig;
    using S = ServerOptions;
    using Cl = ClientOptions;
    options_.Duration("tick",
                      "ZooKeeper's tickTime: the unit of initLimit and syncLimit, and how often the leader pings",
                      Field(&C::server, &S::tick_ns)).AtLeast(1);
    options_.Int("init_limit",
                 "Ticks a leader has to gather a quorum and establish itself, and a follower to be brought in sync",
                 Field(&C::server, &S::init_limit), 1, 1000);
    options_.Int("sync_limit",
                 "Ticks of silence after which a leader gives up on a follower, or a follower on its leader",
                 Field(&C::server, &S::sync_limit), 1, 1000);
    options_.Duration("finalize_wait",
                      "FastLeaderElection: how long a quorum must agree with no better vote arriving",
                      Field(&C::server, &S::finalize_wait_ns));
    options_.Duration("notification_timeout",
                      "FastLeaderElection: resend notifications after this silence, doubling each time",
                      Field(&C::server, &S::notification_timeout_ns)).AtLeast(1);
    options_.Duration("write_cost",
                      "CPU time the leader spends per write it proposes, for the throughput model",
                      Field(&C::server, &S::write_cost_ns));
    options_.Duration("read_cost", "CPU time a server spends per read it answers, for the throughput model",
                      Field(&C::server, &S::read_cost_ns));
    options_.Duration("ack_cost", "CPU time the leader spends per follower ack, for the throughput model",
                      Field(&C::server, &S::ack_cost_ns));
    options_.Enum("sync",
                  "How the leader answers sync: leader (ZooKeeper: from its own state, so a deposed leader "
                  "that has not noticed answers stale, ZOOKEEPER-1675) or quorum (a no-op proposal, answered "
                  "once a quorum of its epoch committed it: sync-then-read is linearizable)",
                  Field(&C::server, &S::quorum_sync),
                  std::vector<std::pair<std::string, bool>>{{"leader", false}, {"quorum", true}});
    options_.Duration("progress_from", "progress: judge from this time", Field(&C::progress_from_ns))
        .UpToRunEnd()
        .DefaultText("the last scheduled fault");
    options_.Duration("progress_within", "progress: a leader must be established within this long",
                      Field(&C::progress_within_ns)).AtLeast(1);
    options_.Int("linearizability_budget",
                 "Search steps for the linearizability and sequential-consistency checks before answering "
                 "unknown",
                 Field(&C::linearizability_steps), 1, INT64_MAX);

    workload_.WhenPresent([](const ScenarioInfo& info, C& c) { c.client.stop_ns = info.duration_ns; });
    workload_.Enum("recipe",
                   "What the clients do: registers; a lock guarding a resource; leader election; a queue; "
                   "configuration publish/subscribe; group membership",
                   Field(&C::client, &Cl::recipe),
                   std::vector<std::pair<std::string, std::string>>{{"kv", "kv"},
                                                                    {"lock", "lock"},
                                                                    {"election", "election"},
                                                                    {"queue", "queue"},
                                                                    {"config", "config"},
                                                                    {"membership", "membership"}});
    workload_.Int("clients",
                  "ZooKeeper clients; the lock recipe adds the protected resource as one more node after them",
                  Field(&C::clients), 1, 2000);
    ThinkKey(workload_, Field(&C::client, &Cl::think_ns));
    TimeoutKey(workload_, Field(&C::client, &Cl::request_timeout_ns),
               "A request unanswered this long means the connection is lost: its outcome is unknown and the "
               "client moves to another server");
    workload_.Duration("session_timeout",
                       "The session timeout a client asks for; the leader expires a session not heard from "
                       "for this long",
                       Field(&C::client, &Cl::session_timeout_ns)).AtLeast(1);
    workload_.Duration("start", "Clients first connect at this local time", Field(&C::client, &Cl::start_ns))
        .UpToRunEnd();
    StopKey(workload_, Field(&C::client, &Cl::stop_ns), "the run's end");
    workload_.Duration("resume", "kv: clients quiet since stop start again at this local time",
                       Field(&C::client, &Cl::resume_ns))
        .UpToRunEnd()
        .DefaultText("never");
    workload_.Nodes("connect_to", "Servers the clients start on, taken in turn",
                    Field(&C::client, &Cl::connect_to))
        .DefaultText("clients spread over all servers");
    workload_.Duration("stagger", "lock, election: client i first tries after (i-1) times this",
                       Field(&C::client, &Cl::stagger_ns));
    workload_.Int("keys", "kv: registers /k0../k<keys-1>", Field(&C::client, &Cl::keys), 1, 1000);
    workload_.Int("readers", "kv: the last this many clients never write", Field(&C::client, &Cl::readers), 0,
                  2000)
        .AtMost([](const ScenarioInfo&, const C& c) { return c.clients; });
    MixKey<C>(workload_, "kv: relative weights",
              {{"read", "getData on the connected server", Field(&C::client, &Cl::read_weight)},
               {"write", "setData, or create the first time", Field(&C::client, &Cl::write_weight)},
               {"sync_read", "sync, then getData", Field(&C::client, &Cl::sync_read_weight)}});
    workload_.Duration("hold", "lock, election: how long a holder keeps the lock or leads",
                       Field(&C::client, &Cl::hold_ns)).AtLeast(1);
    workload_.Bool("fencing", "lock: the resource refuses a token lower than one it has accepted",
                   Field(&C::fencing));
    workload_.Duration("publish_interval", "config: time between published versions",
                       Field(&C::client, &Cl::publish_interval_ns)).AtLeast(1);
    workload_.Int("versions", "config: how many versions the publisher writes", Field(&C::client, &Cl::versions),
                  1, 100000);
    workload_.Check([](JsonObject& o, const ScenarioInfo&, C& c) {
      if (c.client.resume_ns >= 0 && c.client.resume_ns <= c.client.stop_ns) {
        o.Fail("\"resume\" must come after \"stop\"");
      }
    });

    Bug("commit_without_quorum", "the leader commits a proposal on its own ack",
        Field(&C::server, &S::bug_commit_without_quorum));
    Bug("ack_before_persist", "a follower acks a proposal (and NEWLEADER) before its log write is durable",
        Field(&C::server, &S::bug_ack_before_persist));
    Bug("skip_truncate",
        "a new leader sends DIFF where TRUNC was due: a follower keeps a tail only the old leader had",
        Field(&C::server, &S::bug_skip_truncate));
    Bug("vote_ignores_epoch", "FastLeaderElection compares zxid and id, not the epoch first",
        Field(&C::server, &S::bug_vote_ignores_epoch));
  }

  std::string name() const override { return "zab"; }
  std::string description() const override {
    return "ZooKeeper: FastLeaderElection, ZAB atomic broadcast, the data tree, sessions and recipes";
  }
  std::vector<NamedItem> checks() const override {
    return {{"agreement", "every server's delivered sequence is a prefix of the longest (total order)"},
            {"integrity", "servers deliver only what a leader broadcast, each zxid once"},
            {"primary_order", "zxids increase along every delivered sequence"},
            {"primary_integrity", "an established leader held every earlier-epoch transaction anyone delivers"},
            {"one_leader_per_epoch", "no epoch is established by two leaders"},
            {"progress", "liveness: a leader is established within progress_within of the last fault "
                         "(off by default)"},
            {"epoch_monotonic", "durable acceptedEpoch and currentEpoch never decrease"},
            {"linearizable", "kv: writes and sync-then-read reads are linearizable (register per key)"},
            {"sequential", "kv: all operations, plain reads included, are sequentially consistent"},
            {"reads_linearizable", "kv: writes and plain reads are linearizable (ZooKeeper does not promise it)"},
            {"mutual_exclusion", "lock: no two clients believe they hold the lock at once (true time)"},
            {"resource_exclusive", "lock: the protected resource never takes a write from an older holder "
                                   "after a newer one"},
            {"one_leader", "election: no two clients believe they lead at once"},
            {"terms", "election: each term has one leader, terms increase"},
            {"queue_no_loss", "queue: every acknowledged enqueue is committed"},
            {"queue_no_duplicate", "queue: no item is dequeued twice"},
            {"queue_fifo", "queue: items leave in the order they entered"},
            {"config_converged", "config: every live subscriber ends on the last committed version"},
            {"config_monotonic", "config: no subscriber reads an older version after a newer one"},
            {"membership", "membership: the monitor's view ends equal to the members alive"}};
  }
  std::vector<std::string> default_checks() const override {
    std::vector<std::string> all;
    for (const NamedItem& c : checks()) {
      if (c.name != "reads_linearizable" && c.name != "progress") all.push_back(c.name);
    }
    return all;
  }
  // The stack's checks, and those of the recipe the workload runs.
  std::vector<std::string> DefaultChecksFor(const ZabConfig& config) const override {
    const std::string& recipe = config.client.recipe;
    std::vector<std::string> names;
    for (const std::string& name : default_checks()) {
      auto it = RecipeOfCheck().find(name);
      if (it == RecipeOfCheck().end() || it->second == recipe) names.push_back(name);
    }
    return names;
  }
  std::vector<NamedItem> facts() const override {
    std::vector<NamedItem> facts = {{"leader", "the last server established as leader (0: none)"},
            {"leaders", "the servers established as leader, in order"},
            {"epoch", "the epoch of the last established leader"},
            {"followers", "servers FOLLOWING at the end"},
            {"looking", "servers LOOKING at the end"},
            {"committed", "transactions in the longest delivered sequence"},
            {"throughput", "client operations completed ok per second of simulated time, from the first "
                           "established leader (or the workload's start) to the end"}};
    const std::vector<NamedItem> ops = OutcomeCounts::Facts();
    facts.insert(facts.end(), ops.begin(), ops.end());
    facts.insert(facts.end(), {{"linearizable_verdict", "kv: the verdict on writes with sync reads"},
            {"reads_linearizable_verdict", "kv: the verdict on writes with plain reads"},
            {"sequential_verdict", "kv: the sequential-consistency verdict"},
            {"holds", "lock: how many times a client held the lock"},
            {"resource_writes", "lock: writes the resource received"},
            {"resource_refused", "lock: stale writes the resource refused (fencing)"},
            {"leaderships", "election: how many times a client led"},
            {"enqueued", "queue: acknowledged enqueues"},
            {"dequeued", "queue: successful dequeues"},
            {"queued_at_end", "queue: items still queued"},
            {"config_version", "config: the last committed version"},
            {"published", "config: the last version acknowledged to the publisher"},
            {"members", "membership: the committed group at the end"},
            {"departures", "membership: members the monitor saw leave, one listing to the next"}});
    return facts;
  }

 protected:
  void Derive(const ScenarioInfo&, ZabConfig& c) const override {
    c.num_clients = c.clients + (c.client.recipe == "lock" ? 1 : 0);
  }
  std::unique_ptr<ProtocolRun> Run(const ZabConfig& config, const ScenarioInfo& info,
                                   uint64_t) const override {
    return NewZabRun(config, info);
  }
};

}  // namespace

std::unique_ptr<Protocol> MakeZabProtocol() { return std::make_unique<ZabProtocol>(); }

}  // namespace dsim::zab
