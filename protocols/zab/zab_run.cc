// One ZooKeeper run: processes for every node, and the checks and facts at
// its end.
#include "protocols/zab/zab_run.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "protocols/zab/client.h"
#include "protocols/zab/resource.h"
#include "protocols/zab/server.h"
#include "protocols/zab/zab_checks.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "sim/check/operations.h"
#include "sim/check/sequential.h"
#include "sim/client.h"
#include "sim/run_checks.h"
#include "sim/scenario.h"

namespace dsim::zab {
namespace {

const char* StateName(PeerState s) {
  switch (s) {
    case PeerState::kLooking: return "LOOKING";
    case PeerState::kFollowing: return "FOLLOWING";
    case PeerState::kLeading: return "LEADING";
  }
  return "?";
}

class ZabRun : public ProtocolRun {
 public:
  ZabRun(const ZabConfig& c, const ScenarioInfo& info) : c_(c), info_(info) {}

  std::unique_ptr<Process> NewProcess(NodeId id) override {
    const int n = info_.num_servers;
    if (id <= n) return std::make_unique<Server>(c_.server);
    const int index = id - n;  // 1-based
    if (index > c_.clients) return std::make_unique<Resource>(c_.fencing);
    const NodeId resource = c_.client.recipe == "lock" ? static_cast<NodeId>(n + c_.clients + 1) : 0;
    return std::make_unique<ZkClient>(c_.client, n, index, c_.clients, resource);
  }

  void Finish(const std::set<std::string>& checks, RunOutcome& out) override {
    const History& h = sim_->history();
    log_ = CollectZabLog(observations_, *sim_);
    recipes_ = CollectRecipeLog(observations_);
    const ZabFindings z = CheckZab(log_);
    auto report = [&](const char* name, const Finding& f) { ReportFinding(checks, name, f, out); };
    report("agreement", z.agreement);
    report("integrity", z.integrity);
    report("primary_order", z.primary_order);
    report("primary_integrity", z.primary_integrity);
    report("one_leader_per_epoch", z.one_leader_per_epoch);
    report("epoch_monotonic", z.epoch_monotonic);
    if (checks.count("progress")) Progress(out);
    const std::string& recipe = c_.client.recipe;
    if (recipe == "kv") KvChecks(h, checks, out);
    if (recipe == "lock") {
      report("mutual_exclusion", CheckExclusiveHolds(recipes_, "held the lock"));
      report("resource_exclusive", CheckResourceExclusive(recipes_));
      LockFacts(out);
    }
    if (recipe == "election") {
      report("one_leader", CheckExclusiveHolds(recipes_, "led"));
      report("terms", CheckTerms(recipes_));
      out.Fact("leaderships", recipes_.holds.size());
    }
    if (recipe == "queue") {
      const QueueFindings q = CheckQueue(h, z.committed);
      report("queue_no_loss", q.no_loss);
      report("queue_no_duplicate", q.no_duplicate);
      report("queue_fifo", q.fifo);
      out.Fact("enqueued", q.enqueued);
      out.Fact("dequeued", q.dequeued);
      out.Fact("queued_at_end", q.left);
    }
    if (recipe == "config") ConfigChecks(z.committed, checks, out);
    if (recipe == "membership") MembershipChecks(z.committed, checks, out);
    ServerFacts(z, out);
    const OutcomeCounts ops = OutcomeCounts::Of(h);
    // Throughput from the first established leader (or the clients' start,
    // if later) to the end.
    if (!log_.establishments.empty()) {
      const int64_t from = std::max(log_.establishments.front().time_ns, c_.client.start_ns);
      int64_t done = 0;
      for (const HistoryEvent& e : h) done += e.type == OpType::kOk && e.time_ns >= from;
      const int64_t span = info_.duration_ns - from;
      if (span > 0) out.Fact("throughput", static_cast<int64_t>(static_cast<double>(done) * 1e9 / span));
    }
    ops.Report(out);
    out.Summary(absl::StrFormat("%d client operations: %d ok, %d failed, %d unknown; %d transactions committed",
                                ops.total(), ops.ok, ops.fail, ops.info, z.committed.size()));
  }

 private:
  // Liveness: once the faults are over, a quorum of servers that can talk
  // establishes a leader within the bound.
  void Progress(RunOutcome& out) {
    int64_t from = c_.progress_from_ns;
    if (from < 0) {
      from = 0;
      for (const Fault& f : info_.faults) from = std::max(from, f.at_ns);
    }
    const int64_t until = from + c_.progress_within_ns;
    if (until > info_.duration_ns) {
      out.Check("progress", false,
                absl::StrFormat("the run ends at %s, before %s (%s after %s) when progress is judged",
                                FormatDuration(info_.duration_ns), FormatDuration(until),
                                FormatDuration(c_.progress_within_ns), FormatDuration(from)));
      return;
    }
    for (const ZabLog::Establishment& e : log_.establishments) {
      if (e.time_ns >= from && e.time_ns <= until) {
        out.Check("progress", true,
                  absl::StrFormat("n%d established epoch %d at %s, %s after %s", e.leader, e.epoch,
                                  FormatDuration(e.time_ns), FormatDuration(e.time_ns - from), FormatDuration(from)));
        return;
      }
    }
    int attempts = 0;
    for (const ZabLog::Election& e : log_.elections) attempts += e.time_ns >= from && e.server == e.leader;
    out.Check("progress", false,
              absl::StrFormat("no leader was established between %s and %s (%d servers decided to lead and failed)",
                              FormatDuration(from), FormatDuration(until), attempts));
  }

  void ServerFacts(const ZabFindings& z, RunOutcome& out) {
    nlohmann::json leaders = nlohmann::json::array();
    for (const ZabLog::Establishment& e : log_.establishments) leaders.push_back(e.leader);
    out.Fact("leaders", leaders);
    out.Fact("leader", log_.establishments.empty() ? 0 : log_.establishments.back().leader);
    out.Fact("epoch", log_.establishments.empty() ? 0 : log_.establishments.back().epoch);
    nlohmann::json following = nlohmann::json::array(), looking = nlohmann::json::array();
    std::vector<std::string> states;
    for (NodeId s = 1; s <= info_.num_servers; ++s) {
      if (!sim_->IsUp(s)) {
        states.push_back(absl::StrFormat("n%d down", s));
        continue;
      }
      auto it = log_.states.find(s);
      const PeerState st = it == log_.states.end() ? PeerState::kLooking : it->second;
      if (st == PeerState::kFollowing) following.push_back(s);
      if (st == PeerState::kLooking) looking.push_back(s);
      states.push_back(absl::StrFormat("n%d %s", s, StateName(st)));
    }
    out.Fact("followers", following);
    out.Fact("looking", looking);
    out.Fact("committed", z.committed.size());
    out.Summary("servers at the end: " + absl::StrJoin(states, ", "));
    std::vector<std::string> epochs;
    for (const ZabLog::Establishment& e : log_.establishments) {
      epochs.push_back(absl::StrFormat("n%d epoch %d at %s", e.leader, e.epoch, FormatDuration(e.time_ns)));
    }
    if (!epochs.empty()) out.Summary("leaders established: " + absl::StrJoin(epochs, "; "));
  }

  // Three views of one kv history: writes with sync reads (linearizable),
  // writes with plain reads (linearizable only if no server lags), and all
  // of it (sequentially consistent).
  void KvChecks(const History& h, const std::set<std::string>& checks, RunOutcome& out) {
    History sync_view, plain_view;
    for (const HistoryEvent& e : h) {
      if (e.f == "sync-read") {
        HistoryEvent r = e;
        r.f = "read";
        sync_view.push_back(std::move(r));
        continue;
      }
      if (e.f == "write") sync_view.push_back(e);
      plain_view.push_back(e);
    }
    absl::StatusOr<std::unique_ptr<Model>> model = MakeModel("register", {});
    auto linearizable = [&](const char* name, const History& view, const char* what) {
      if (!checks.count(name)) return;
      ReportLinearizability(view, **model,
                            {.check = name, .fact = absl::StrCat(name, "_verdict"), .what = what,
                             .max_steps = c_.linearizability_steps},
                            out);
    };
    CheckBudget budget;
    budget.max_steps = c_.linearizability_steps;
    budget.max_memory_bytes = kRunCheckMemoryBytes;
    linearizable("linearizable", sync_view, "writes and sync reads");
    linearizable("reads_linearizable", plain_view, "writes and plain reads");
    // Sequential consistency over everything: sync reads are reads too.
    if (!checks.count("sequential")) return;
    // A client's operations keep their order across lost connections, so
    // each client is one process again - except for a request whose
    // connection was lost: it may still be applied after the client's
    // later reads (ZooKeeper orders a client's updates, not its reads
    // against a lost update), so it stays a process of its own, free to
    // take effect anywhere or not at all. Such a request is always the
    // last of its history process (the client moves on as a new one).
    std::map<int32_t, size_t> last_invoke;
    std::set<int32_t> ended_unknown;
    for (size_t i = 0; i < h.size(); ++i) {
      if (h[i].type == OpType::kInvoke) last_invoke[h[i].process] = i;
      if (h[i].type == OpType::kInfo) ended_unknown.insert(h[i].process);
    }
    // A write whose outcome is unknown and whose value nobody ever read can
    // be taken never to have happened: no order needs it. Leaving such
    // writes out keeps the search from trying each of them everywhere.
    std::set<std::pair<std::string, int64_t>> read_values;
    for (const HistoryEvent& e : h) {
      if (e.type == OpType::kOk && e.f != "write" && e.key && !e.value.is_nil()) {
        read_values.insert({*e.key, e.value.as_int()});
      }
    }
    History all;
    for (size_t i = 0; i < h.size(); ++i) {
      const bool unread_unknown_write =
          ended_unknown.count(h[i].process) && h[i].f == "write" && h[i].key &&
          (h[i].type == OpType::kInfo || (h[i].type == OpType::kInvoke && last_invoke[h[i].process] == i)) &&
          !read_values.count({*h[i].key, h[i].value.as_int()});
      if (unread_unknown_write) continue;
      HistoryEvent x = h[i];
      if (x.f == "sync-read") x.f = "read";
      const bool lost = ended_unknown.count(x.process) &&
                        (x.type == OpType::kInfo || (x.type == OpType::kInvoke && last_invoke[x.process] == i));
      if (!lost) x.process = HistoryProcess::Merged(x.process);
      all.push_back(std::move(x));
    }
    absl::StatusOr<std::vector<Operation>> ops = PrepareOperations(all, **model, "history");
    DSIM_ASSERT_MSG(ops.ok(), "the client history is malformed: %s", std::string(ops.status().message()));
    const SequentialResult sc = CheckSequentialConsistency(*ops, **model, budget);
    out.Fact("sequential_verdict", sc.consistent() ? "sequentially-consistent"
                                   : sc.verdict == Verdict::kUnknown ? "unknown" : "not-sequentially-consistent");
    out.Check("sequential", sc.consistent(),
              sc.consistent() ? absl::StrFormat("%d operations in one order that keeps each client's", sc.ops)
                              : sc.detail);
  }

  void LockFacts(RunOutcome& out) {
    int refused = 0;
    for (const RecipeLog::Use& u : recipes_.uses) refused += !u.accepted;
    std::vector<std::string> holds;
    for (const RecipeLog::Hold& h : recipes_.holds) {
      if (holds.size() == 8) {
        holds.push_back("...");
        break;
      }
      holds.push_back(absl::StrFormat("n%d %s..%s (token %s)", h.client, FormatDuration(h.start_ns),
                                      h.end_ns < 0 ? "end" : FormatDuration(h.end_ns), FormatZxid(h.token)));
    }
    if (!holds.empty()) out.Summary("holds: " + absl::StrJoin(holds, ", "));
    out.Fact("holds", recipes_.holds.size());
    out.Fact("resource_writes", recipes_.uses.size());
    out.Fact("resource_refused", refused);
  }

  void ConfigChecks(const std::vector<LogEntry>& committed, const std::set<std::string>& checks,
                    RunOutcome& out) {
    const DataTree tree = Replay(committed);
    int64_t final_version = -1;
    if (const std::string* d = tree.Data("/config", nullptr)) {
      if (!absl::SimpleAtoi(*d, &final_version)) final_version = -1;
    }
    std::vector<NodeId> subscribers;
    for (int i = 2; i <= c_.clients; ++i) {
      const NodeId id = static_cast<NodeId>(info_.num_servers + i);
      if (sim_->IsUp(id)) subscribers.push_back(id);
    }
    if (checks.count("config_converged")) {
      const Finding f = CheckConfigConverged(recipes_, subscribers, final_version);
      out.Check("config_converged", f.ok, f.detail);
    }
    if (checks.count("config_monotonic")) {
      const Finding f = CheckConfigMonotonic(recipes_);
      out.Check("config_monotonic", f.ok, f.detail);
    }
    out.Fact("config_version", final_version);
    out.Fact("published", recipes_.published);
  }

  void MembershipChecks(const std::vector<LogEntry>& committed, const std::set<std::string>& checks,
                        RunOutcome& out) {
    const DataTree tree = Replay(committed);
    const std::vector<std::string> children = tree.Children("/members");
    const std::set<std::string> group(children.begin(), children.end());
    // Alive: up since well before the end. Dead: down for longer than a
    // session timeout and the ticks the leader needs to notice.
    const int64_t end = info_.duration_ns;
    const int64_t grace = c_.client.session_timeout_ns + 4 * c_.server.tick_ns + c_.client.request_timeout_ns;
    std::set<std::string> in, out_;
    for (int i = 2; i <= c_.clients; ++i) {
      const NodeId id = static_cast<NodeId>(info_.num_servers + i);
      const std::string name = absl::StrCat("m", id);
      bool up_all_along = true, down_all_along = true;
      for (int64_t t = end - grace; t <= end; t += grace / 8) {
        const bool up = sim_->WasUpAt(id, std::max<int64_t>(0, t));
        up_all_along &= up;
        down_all_along &= !up;
      }
      if (up_all_along) in.insert(name);
      if (down_all_along) out_.insert(name);
    }
    if (checks.count("membership")) {
      const Finding f = CheckMembership(recipes_, group, in, out_);
      out.Check("membership", f.ok, f.detail);
    }
    int departures = 0;
    const std::vector<std::string>* previous = nullptr;
    std::vector<std::string> views;
    for (const RecipeLog::View& v : recipes_.views) {
      if (previous != nullptr) {
        for (const std::string& m : *previous) {
          departures += std::find(v.members.begin(), v.members.end(), m) == v.members.end();
        }
      }
      previous = &v.members;
      const std::string text = absl::StrFormat("[%s] at %s", absl::StrJoin(v.members, " "), FormatDuration(v.time_ns));
      if (views.empty() || views.back().substr(0, views.back().find(" at ")) != text.substr(0, text.find(" at "))) {
        views.push_back(text);
      }
    }
    if (views.size() > 10) views.erase(views.begin() + 5, views.end() - 5);
    if (!views.empty()) out.Summary("the monitor's views: " + absl::StrJoin(views, ", "));
    out.Fact("departures", departures);
    out.Fact("members", nlohmann::json(std::vector<std::string>(group.begin(), group.end())));
  }

  const ZabConfig& c_;
  ScenarioInfo info_;
  ZabLog log_;
  RecipeLog recipes_;
};

}  // namespace

const std::map<std::string, std::string>& RecipeOfCheck() {
  static const auto* m = new std::map<std::string, std::string>{
      {"linearizable", "kv"},        {"sequential", "kv"},          {"reads_linearizable", "kv"},
      {"mutual_exclusion", "lock"},  {"resource_exclusive", "lock"}, {"one_leader", "election"},
      {"terms", "election"},         {"queue_no_loss", "queue"},    {"queue_no_duplicate", "queue"},
      {"queue_fifo", "queue"},       {"config_converged", "config"}, {"config_monotonic", "config"},
      {"membership", "membership"}};
  return *m;
}

std::unique_ptr<ProtocolRun> NewZabRun(const ZabConfig& c, const ScenarioInfo& info) {
  return std::make_unique<ZabRun>(c, info);
}

}  // namespace dsim::zab
