#include "sim/check/linearizability.h"

#include <algorithm>
#include <map>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/check/search_support.h"

namespace dsim {
namespace {

// The search over one key's operations.
class Search {
 public:
  Search(const std::vector<const Operation*>& ops, const Model& model, const CheckBudget& budget,
         uint64_t* steps)
      : ops_(ops), budget_(budget), steps_(steps),
        machine_(model.Compile(ModelOps(ops))), visited_(ops.size()),
        zobrist_(ZobristWords(ops.size())) {
    BuildList();
  }

  // Runs up to `quantum` steps; kUnknown with finished() false means "not
  // done yet", so several keys can take turns.
  Verdict RunFor(uint64_t quantum);
  bool finished() const { return finished_; }
  size_t configurations() const { return visited_.size(); }
  // Everything the search holds: its memo table, the model's states, lists.
  size_t memory_bytes() const {
    return visited_.memory_bytes() + machine_->memory_bytes() + fixed_bytes_ +
           stack_.capacity() * sizeof(stack_[0]);
  }
  // The memory the other keys' searches hold: the budget is for them all.
  void set_others_bytes(size_t bytes) { others_bytes_ = bytes; }
  size_t states() const { return machine_->num_states(); }
  // After kNotLinearizable.
  Witness MakeWitness(const std::string& key) const;
  std::string unknown_reason;

 private:
  static std::vector<const ModelOp*> ModelOps(const std::vector<const Operation*>& ops) {
    std::vector<const ModelOp*> m;
    for (const Operation* o : ops) m.push_back(&o->op);
    return m;
  }
  void BuildList();
  void Lift(int32_t call) {
    const int32_t ret = match_[call];
    next_[prev_[call]] = next_[call];
    prev_[next_[call]] = prev_[call];
    next_[prev_[ret]] = next_[ret];
    prev_[next_[ret]] = prev_[ret];
  }
  void Unlift(int32_t call) {
    const int32_t ret = match_[call];
    next_[prev_[ret]] = ret;
    prev_[next_[ret]] = ret;
    next_[prev_[call]] = call;
    prev_[next_[call]] = call;
  }
  void NoteFrontier(int32_t ret_node, uint32_t state);
  bool OverBudget();

  const std::vector<const Operation*>& ops_;
  const CheckBudget& budget_;
  uint64_t* steps_;
  std::unique_ptr<StateMachine> machine_;
  VisitedSet visited_;
  std::vector<uint64_t> zobrist_;
  size_t fixed_bytes_ = 0;
  size_t others_bytes_ = 0;

  // The doubly linked list of call and return nodes in history order;
  // node 2n is the head sentinel, 2n+1 the tail.
  std::vector<int32_t> next_, prev_, match_, node_op_;
  std::vector<uint8_t> is_call_;
  int32_t head_ = 0, tail_ = 0;

  // The search itself, kept between turns.
  bool started_ = false;
  bool finished_ = false;
  std::vector<uint64_t> bits_;
  std::vector<std::pair<int32_t, uint32_t>> stack_;  // (call node, state before)
  uint32_t state_ = 0;
  uint64_t set_hash_ = 0;
  int32_t entry_ = 0;

  // The furthest return any configuration reached without linearizing it.
  int64_t frontier_time_ = -1;
  int32_t frontier_op_ = -1;
  std::vector<uint32_t> frontier_states_;
};

void Search::BuildList() {
  const int32_t n = static_cast<int32_t>(ops_.size());
  struct Node {
    int64_t time;
    int64_t tie;
    int32_t op;
    bool call;
  };
  std::vector<Node> nodes;
  nodes.reserve(2 * n);
  for (int32_t i = 0; i < n; ++i) {
    nodes.push_back({ops_[i]->call, 0, i, true});
    // Open operations return "at infinity", in the order they were invoked.
    nodes.push_back({ops_[i]->ret, ops_[i]->call, i, false});
  }
  std::sort(nodes.begin(), nodes.end(), [](const Node& a, const Node& b) {
    return a.time != b.time ? a.time < b.time : a.tie < b.tie;
  });
  const int32_t total = 2 * n;
  head_ = total;
  tail_ = total + 1;
  next_.assign(total + 2, 0);
  prev_.assign(total + 2, 0);
  match_.assign(total, -1);
  node_op_.assign(total, 0);
  is_call_.assign(total, 0);
  std::vector<int32_t> call_node(n, -1);
  for (int32_t k = 0; k < total; ++k) {
    node_op_[k] = nodes[k].op;
    is_call_[k] = nodes[k].call;
    if (nodes[k].call) {
      call_node[nodes[k].op] = k;
    } else {
      match_[call_node[nodes[k].op]] = k;
    }
    prev_[k] = k == 0 ? head_ : k - 1;
    next_[k] = k + 1 == total ? tail_ : k + 1;
  }
  next_[head_] = total == 0 ? tail_ : 0;
  prev_[tail_] = total == 0 ? head_ : total - 1;
  fixed_bytes_ = (4 * sizeof(int32_t) + 1) * (total + 2) + zobrist_.capacity() * sizeof(uint64_t) +
                 (n + 63) / 64 * sizeof(uint64_t);
}

bool Search::OverBudget() {
  if (budget_.max_steps != 0 && *steps_ > budget_.max_steps) {
    unknown_reason = absl::StrFormat("step budget of %d exhausted", budget_.max_steps);
    return true;
  }
  if (memory_bytes() + others_bytes_ > budget_.max_memory_bytes) {
    unknown_reason = absl::StrFormat("memory budget of %d MiB exhausted (all keys together)",
                                     budget_.max_memory_bytes >> 20);
    return true;
  }
  if (budget_.expired && budget_.expired()) {
    unknown_reason = "time budget exhausted";
    return true;
  }
  return false;
}

void Search::NoteFrontier(int32_t ret_node, uint32_t state) {
  const int32_t op = node_op_[ret_node];
  const int64_t t = ops_[op]->ret;
  if (t < frontier_time_) return;
  if (t > frontier_time_) {
    frontier_time_ = t;
    frontier_op_ = op;
    frontier_states_.clear();
  }
  if (frontier_states_.size() < 8 &&
      std::find(frontier_states_.begin(), frontier_states_.end(), state) == frontier_states_.end()) {
    frontier_states_.push_back(state);
  }
}

Verdict Search::RunFor(uint64_t quantum) {
  if (!started_) {
    started_ = true;
    bits_.assign((ops_.size() + 63) / 64, 0);
    stack_.reserve(ops_.size());
    state_ = machine_->Init();
    entry_ = next_[head_];
  }
  // Locals for speed; written back when the turn ends.
  uint32_t state = state_;
  uint64_t set_hash = set_hash_;
  int32_t entry = entry_;
  uint64_t* bits = bits_.data();
  uint64_t local_steps = 0;
  Verdict verdict = Verdict::kLinearizable;
  while (next_[head_] != tail_) {
    if ((++local_steps & 1023) == 0) {
      *steps_ += 1024;
      if (OverBudget()) {
        finished_ = true;
        return Verdict::kUnknown;
      }
      if (local_steps >= quantum) {
        state_ = state;
        set_hash_ = set_hash;
        entry_ = entry;
        return Verdict::kUnknown;  // not finished: another turn later
      }
    }
    if (is_call_[entry]) {
      const int32_t op = node_op_[entry];
      const int64_t next_state = machine_->Step(state, static_cast<uint32_t>(op));
      if (next_state != StateMachine::kIllegal) {
        bits[op >> 6] |= 1ull << (op & 63);
        const uint64_t next_hash = set_hash ^ zobrist_[op];
        if (visited_.Insert(next_hash, static_cast<uint32_t>(next_state), bits)) {
          stack_.emplace_back(entry, state);
          state = static_cast<uint32_t>(next_state);
          set_hash = next_hash;
          Lift(entry);
          entry = next_[head_];
          continue;
        }
        bits[op >> 6] &= ~(1ull << (op & 63));
      }
      entry = next_[entry];
    } else {
      NoteFrontier(entry, state);
      if (stack_.empty()) {
        verdict = Verdict::kNotLinearizable;
        break;
      }
      const auto [call, before] = stack_.back();
      stack_.pop_back();
      const int32_t op = node_op_[call];
      bits[op >> 6] &= ~(1ull << (op & 63));
      set_hash ^= zobrist_[op];
      state = before;
      Unlift(call);
      entry = next_[call];
    }
  }
  *steps_ += local_steps & 1023;
  finished_ = true;
  return verdict;
}

Witness Search::MakeWitness(const std::string& key) const {
  Witness w;
  w.key = key;
  const Operation& blocked = *ops_[frontier_op_];
  w.blocked = blocked;
  w.prefix_events = blocked.ret + 1;
  // Everything whose interval overlaps the blocked operation's could have
  // been ordered either way with it.
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Operation& o = *ops_[i];
    if (static_cast<int32_t>(i) != frontier_op_ && o.call < blocked.ret && o.ret > blocked.call) {
      w.concurrent.push_back(o);
    }
  }
  for (uint32_t s : frontier_states_) w.states.push_back(machine_->Describe(s));
  return w;
}

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kNotLinearizable:
      return "not-linearizable";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "?";
}

std::string Witness::ToText() const {
  std::string out = absl::StrFormat(
      "the shortest prefix that cannot be linearized is events 0..%d%s\n", prefix_events - 1,
      key.empty() ? "" : absl::StrFormat(" of key %s", key));
  absl::StrAppend(&out, "  cannot take effect before it completes:\n    ", blocked.Describe(), "\n");
  absl::StrAppend(&out, "  in any state the object could have been in then: ",
                  absl::StrJoin(states, ", "), "\n");
  if (!concurrent.empty()) {
    absl::StrAppend(&out, "  concurrent with it:\n");
    for (const Operation& op : concurrent) absl::StrAppend(&out, "    ", op.Describe(), "\n");
  }
  return out;
}

nlohmann::json Witness::ToJson() const {
  auto op_json = [](const Operation& o) {
    nlohmann::json j;
    j["process"] = o.process;
    j["f"] = o.op.f;
    if (o.key) j["key"] = *o.key;
    j["input"] = o.op.input.ToJson();
    j["output"] = o.op.known ? o.op.output.ToJson() : nlohmann::json("unknown");
    j["invoke_index"] = o.call;
    j["complete_index"] = o.ret == Operation::kOpen ? nlohmann::json(nullptr) : nlohmann::json(o.ret);
    return j;
  };
  nlohmann::json j;
  j["key"] = key;
  j["prefix_events"] = prefix_events;
  j["blocked"] = op_json(blocked);
  j["states"] = states;
  j["concurrent"] = nlohmann::json::array();
  for (const Operation& o : concurrent) j["concurrent"].push_back(op_json(o));
  return j;
}

namespace {

// Removes from one key's operations every unknown one that leaves a state
// no operation observes; returns how many. Sound both ways: without it the
// rest linearizes, so with it too (it never took effect); with it, take the
// linearization and drop it: in the stretch where its state held nothing
// observed that state, so the stretch held only unknown operations, which
// are dropped as well where they would now change the state (they may never
// have taken effect), and it ended with a write or with the end.
size_t SetAsideUnseen(const Model& model, std::vector<const Operation*>& ops) {
  absl::flat_hash_set<std::string> observed;
  std::vector<std::pair<const Operation*, std::string>> unknown_setters;
  for (const Operation* op : ops) {
    Model::Footprint f = model.FootprintOf(op->op);
    if (!f.shape_known) return 0;
    if (f.observes) observed.insert(*std::move(f.observes));
    if (!op->op.known && f.produces) unknown_setters.emplace_back(op, *std::move(f.produces));
  }
  absl::flat_hash_set<const Operation*> unseen;
  for (const auto& [op, produces] : unknown_setters) {
    if (!observed.contains(produces)) unseen.insert(op);
  }
  std::erase_if(ops, [&](const Operation* op) { return unseen.contains(op); });
  return unseen.size();
}

}  // namespace

LinearizabilityResult CheckOperations(const std::vector<Operation>& all_ops, const Model& model,
                                      const CheckBudget& budget) {
  LinearizabilityResult result;
  // Split by key (P-compositionality); sorted keys keep the order stable.
  std::map<std::string, std::vector<const Operation*>> parts;
  for (const Operation& op : all_ops) {
    if (model.IsNoop(op.op)) continue;
    ++result.ops;
    parts[model.partition_by_key() && op.key ? *op.key : ""].push_back(&op);
  }
  result.partitions = parts.size();
  for (auto& [key, ops] : parts) result.set_aside += SetAsideUnseen(model, ops);
  // Keys take turns of a fixed number of steps, so that one key whose
  // search explodes does not hide a violation another key shows quickly.
  // The turns are deterministic, and so is the result.
  std::vector<std::string> keys;
  std::vector<const std::vector<const Operation*>*> key_ops;
  for (const auto& [key, ops] : parts) {
    keys.push_back(key);
    key_ops.push_back(&ops);
  }
  // One memory budget for all keys: a search is built on its key's first
  // turn, is told what the others hold, and is freed once it decides.
  std::vector<std::unique_ptr<Search>> searches(keys.size());
  std::vector<uint8_t> decided(keys.size(), 0);
  std::vector<size_t> held(keys.size(), 0);
  size_t live_bytes = 0;
  constexpr uint64_t kQuantum = 1 << 14;
  size_t remaining = searches.size();
  while (remaining > 0) {
    for (size_t i = 0; i < searches.size(); ++i) {
      if (decided[i]) continue;
      if (!searches[i]) searches[i] = std::make_unique<Search>(*key_ops[i], model, budget, &result.steps);
      Search& s = *searches[i];
      s.set_others_bytes(live_bytes - held[i]);
      const Verdict v = s.RunFor(kQuantum);
      live_bytes -= held[i];
      held[i] = s.memory_bytes();
      live_bytes += held[i];
      if (!s.finished()) continue;
      --remaining;
      decided[i] = 1;
      const std::unique_ptr<Search> done = std::move(searches[i]);
      live_bytes -= held[i];
      held[i] = 0;
      result.configurations += s.configurations();
      result.states += s.states();
      if (v == Verdict::kNotLinearizable) {
        result.verdict = v;
        result.witness = s.MakeWitness(keys[i]);
        return result;
      }
      if (v == Verdict::kUnknown) {
        result.verdict = Verdict::kUnknown;
        result.unknown_reason = s.unknown_reason;
        return result;
      }
    }
  }
  result.verdict = Verdict::kLinearizable;
  return result;
}

absl::StatusOr<LinearizabilityResult> CheckLinearizability(const History& h, const Model& model,
                                                           const CheckBudget& budget,
                                                           const std::string& file) {
  absl::StatusOr<std::vector<Operation>> ops = PrepareOperations(h, model, file);
  if (!ops.ok()) return ops.status();
  return CheckOperations(*ops, model, budget);
}

}  // namespace dsim
