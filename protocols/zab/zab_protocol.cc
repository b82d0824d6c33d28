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

class ZabProtocol : public Protocol {
 public:
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
  std::vector<std::string> default_checks_for(const ProtocolConfig& config) const override {
    const std::string& recipe = static_cast<const ZabConfig&>(config).client.recipe;
    std::vector<std::string> names;
    for (const std::string& name : default_checks()) {
      auto it = RecipeOfCheck().find(name);
      if (it == RecipeOfCheck().end() || it->second == recipe) names.push_back(name);
    }
    return names;
  }
  std::vector<NamedItem> bugs() const override {
    return {{"commit_without_quorum", "the leader commits a proposal on its own ack"},
            {"ack_before_persist", "a follower acks a proposal (and NEWLEADER) before its log write is durable"},
            {"skip_truncate", "a new leader sends DIFF where TRUNC was due: a follower keeps a tail only the "
                              "old leader had"},
            {"vote_ignores_epoch", "FastLeaderElection compares zxid and id, not the epoch first"}};
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

  std::shared_ptr<const ProtocolConfig> Configure(const ScenarioInfo& info, JsonObject* options,
                                                  JsonObject* workload) const override {
    auto c = std::make_shared<ZabConfig>();
    ServerOptions& s = c->server;
    ClientOptions& cl = c->client;
    if (options != nullptr) {
      s.tick_ns = options->Duration("tick", s.tick_ns, 1);
      s.init_limit = static_cast<int>(options->Int("init_limit", s.init_limit, 1, 1000));
      s.sync_limit = static_cast<int>(options->Int("sync_limit", s.sync_limit, 1, 1000));
      s.finalize_wait_ns = options->Duration("finalize_wait", s.finalize_wait_ns, 0);
      s.notification_timeout_ns = options->Duration("notification_timeout", s.notification_timeout_ns, 1);
      s.write_cost_ns = options->Duration("write_cost", 0, 0);
      s.read_cost_ns = options->Duration("read_cost", 0, 0);
      s.ack_cost_ns = options->Duration("ack_cost", 0, 0);
      c->progress_from_ns = options->Duration("progress_from", -1, 0, info.duration_ns);
      c->progress_within_ns = options->Duration("progress_within", c->progress_within_ns, 1);
      c->linearizability_steps = static_cast<uint64_t>(
          options->Int("linearizability_budget", static_cast<int64_t>(c->linearizability_steps), 1, INT64_MAX));
    }
    if (workload != nullptr) {
      cl.recipe = workload->Enum("recipe", cl.recipe, {"kv", "lock", "election", "queue", "config", "membership"});
      c->clients = static_cast<int>(workload->Int("clients", c->clients, 1, 2000));
      cl.think_ns = workload->Duration("think", cl.think_ns, 0);
      cl.request_timeout_ns = workload->Duration("timeout", cl.request_timeout_ns, 1);
      cl.session_timeout_ns = workload->Duration("session_timeout", cl.session_timeout_ns, 1);
      cl.start_ns = workload->Duration("start", 0, 0, info.duration_ns);
      cl.stop_ns = workload->Duration("stop", info.duration_ns, 0, info.duration_ns);
      cl.resume_ns = workload->Duration("resume", -1, 0, info.duration_ns);
      if (cl.resume_ns >= 0 && cl.resume_ns <= cl.stop_ns && workload->ctx()->ok()) {
        workload->Fail("\"resume\" must come after \"stop\"");
      }
      if (std::optional<JsonValue> v = workload->Value("connect_to")) {
        cl.connect_to = ReadNodeList(*v, info.num_servers).value_or(std::vector<NodeId>{});
      }
      cl.stagger_ns = workload->Duration("stagger", 0, 0);
      cl.keys = static_cast<int>(workload->Int("keys", cl.keys, 1, 1000));
      cl.readers = static_cast<int>(workload->Int("readers", 0, 0, c->clients));
      if (std::optional<JsonObject> mix = workload->Object("mix")) {
        cl.read_weight = static_cast<int>(mix->Int("read", cl.read_weight, 0, 1000));
        cl.write_weight = static_cast<int>(mix->Int("write", cl.write_weight, 0, 1000));
        cl.sync_read_weight = static_cast<int>(mix->Int("sync_read", cl.sync_read_weight, 0, 1000));
        if (mix->ctx()->ok() && cl.read_weight + cl.write_weight + cl.sync_read_weight == 0) {
          mix->Fail("the mix needs some operation");
        }
        mix->Finish();
      }
      cl.hold_ns = workload->Duration("hold", cl.hold_ns, 1);
      c->fencing = workload->Bool("fencing", false);
      cl.publish_interval_ns = workload->Duration("publish_interval", cl.publish_interval_ns, 1);
      cl.versions = static_cast<int>(workload->Int("versions", cl.versions, 1, 100000));
    }
    c->num_clients = c->clients + (cl.recipe == "lock" ? 1 : 0);
    s.bug_commit_without_quorum = info.bugs.count("commit_without_quorum") > 0;
    s.bug_ack_before_persist = info.bugs.count("ack_before_persist") > 0;
    s.bug_skip_truncate = info.bugs.count("skip_truncate") > 0;
    s.bug_vote_ignores_epoch = info.bugs.count("vote_ignores_epoch") > 0;
    return c;
  }

  std::unique_ptr<ProtocolRun> NewRun(const ProtocolConfig& config, const ScenarioInfo& info,
                                      uint64_t) const override {
    return NewZabRun(static_cast<const ZabConfig&>(config), info);
  }
};

}  // namespace

std::unique_ptr<Protocol> MakeZabProtocol() { return std::make_unique<ZabProtocol>(); }

}  // namespace dsim::zab
