#include "sim/check/sequential.h"

#include <map>
#include <memory>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/check/search_support.h"

namespace dsim {

SequentialResult CheckSequentialConsistency(const std::vector<Operation>& all_ops,
                                            const Model& model, const CheckBudget& budget) {
  SequentialResult result;
  // Operations per key (each key its own state machine) and per process (in
  // invocation order).
  std::map<std::string, std::vector<const Operation*>> by_key;
  std::map<int32_t, std::vector<const Operation*>> by_process;
  for (const Operation& op : all_ops) {
    if (model.IsNoop(op.op)) continue;
    ++result.ops;
    by_key[model.partition_by_key() && op.key ? *op.key : ""].push_back(&op);
    by_process[op.process].push_back(&op);
  }
  struct Ref {
    uint32_t key;
    uint32_t local;  // index within its key's machine
  };
  std::map<const Operation*, Ref> refs;
  std::vector<std::unique_ptr<StateMachine>> machines;
  for (const auto& [key, ops] : by_key) {
    std::vector<const ModelOp*> mops;
    for (size_t i = 0; i < ops.size(); ++i) {
      refs[ops[i]] = {static_cast<uint32_t>(machines.size()), static_cast<uint32_t>(i)};
      mops.push_back(&ops[i]->op);
    }
    machines.push_back(model.Compile(mops));
  }
  std::vector<std::vector<Ref>> seq;  // per process
  std::vector<std::vector<const Operation*>> seq_ops;
  for (const auto& [p, ops] : by_process) {
    seq.emplace_back();
    seq_ops.push_back(ops);
    for (const Operation* op : ops) seq.back().push_back(refs[op]);
  }
  const size_t P = seq.size(), K = machines.size();
  std::vector<std::vector<bool>> read_only(P);
  for (size_t p = 0; p < P; ++p) {
    for (const Operation* op : seq_ops[p]) read_only[p].push_back(model.IsReadOnly(op->op));
  }
  // A configuration: positions (P words) then states (K words).
  std::vector<uint64_t> config(P + K, 0);
  for (size_t k = 0; k < K; ++k) config[P + k] = machines[k]->Init();
  std::vector<uint64_t> zobrist = ZobristWords(P + K);
  auto word_hash = [&](size_t i, uint64_t v) {
    uint64_t x = (v + 1) * 0x9E3779B97F4A7C15ull ^ zobrist[i];
    x ^= x >> 29;
    return x * 0xBF58476D1CE4E5B9ull;
  };
  uint64_t hash = 0;
  for (size_t i = 0; i < P + K; ++i) hash ^= word_hash(i, config[i]);
  VisitedSet visited((P + K) * 64);
  visited.Insert(hash, 0, config.data());

  // Moves from a configuration: 0..P-1 apply process p's next operation;
  // P..2P-1 skip it, when its outcome is unknown (it never took effect).
  // Two things keep the walk short on real histories:
  //  - A read-only operation that is legal now is taken alone, without
  //    trying the others: it changes no state, so moving it ahead of
  //    whatever an order does next keeps that order legal, and no order is
  //    lost. A lagging reader becomes a straight walk instead of a backtrack.
  //  - Otherwise moves are tried in the order the operations were invoked:
  //    histories are mostly close to real time, and the first order tried
  //    usually works.
  constexpr size_t kNone = SIZE_MAX;
  struct Frame {
    size_t moved = kNone;  // the move that led here
    uint64_t old_state = 0;
    bool started = false;
    size_t forced = kNone;  // a read-only move taken alone
    uint64_t tried_apply = 0, tried_skip = 0;  // by process (P <= 64)
    size_t next_move = 0;                      // in index order (P > 64)
  };
  auto pick = [&](Frame& f) -> size_t {
    if (!f.started) {
      f.started = true;
      for (size_t p = 0; p < P; ++p) {
        if (config[p] >= seq[p].size() || !read_only[p][config[p]]) continue;
        const Ref r = seq[p][config[p]];
        if (machines[r.key]->Step(static_cast<uint32_t>(config[P + r.key]), r.local) != StateMachine::kIllegal) {
          f.forced = p;
          return p;
        }
      }
    }
    if (f.forced != kNone) return kNone;  // taken already
    if (P > 64) return f.next_move < 2 * P ? f.next_move++ : kNone;
    for (int skip = 0; skip < 2; ++skip) {
      uint64_t& tried = skip ? f.tried_skip : f.tried_apply;
      size_t best = kNone;
      int64_t best_call = INT64_MAX;
      for (size_t p = 0; p < P; ++p) {
        if ((tried >> p & 1) || config[p] >= seq[p].size()) continue;
        const Operation* op = seq_ops[p][config[p]];
        if (skip && op->ret != Operation::kOpen) continue;
        if (op->call < best_call) {
          best_call = op->call;
          best = p;
        }
      }
      if (best != kNone) {
        tried |= 1ull << best;
        return skip ? P + best : best;
      }
    }
    return kNone;
  };
  std::vector<Frame> stack(1);
  size_t placed = 0, best_placed = 0;
  std::vector<uint64_t> best_config = config;
  uint64_t steps = 0;
  while (!stack.empty()) {
    if ((++steps & 1023) == 0) {
      if ((budget.max_steps != 0 && steps > budget.max_steps) || (budget.expired && budget.expired()) ||
          visited.memory_bytes() > budget.max_memory_bytes) {
        result.verdict = Verdict::kUnknown;
        result.steps = steps;
        result.detail = "budget exhausted";
        return result;
      }
    }
    if (placed == result.ops) {
      result.steps = steps;
      result.detail = absl::StrFormat("an order of all %d operations keeps every process's order",
                                      result.ops);
      return result;
    }
    Frame& f = stack.back();
    bool descended = false;
    for (size_t move = pick(f); move != kNone; move = pick(f)) {
      const size_t p = move % P;
      if (config[p] >= seq[p].size()) continue;
      const Ref r = seq[p][config[p]];
      // A move takes process p's next operation: applied to its key's state
      // (move < P), or skipped, which only an unknown operation may be.
      const uint64_t old = config[P + r.key];
      uint64_t next = old;
      if (move >= P) {
        if (seq_ops[p][config[p]]->ret != Operation::kOpen) continue;
      } else {
        const int64_t stepped = machines[r.key]->Step(static_cast<uint32_t>(old), r.local);
        if (stepped == StateMachine::kIllegal) continue;
        next = static_cast<uint64_t>(stepped);
      }
      // (When the state does not change its two words cancel out.)
      const uint64_t h = hash ^ word_hash(p, config[p]) ^ word_hash(p, config[p] + 1) ^
                         word_hash(P + r.key, old) ^ word_hash(P + r.key, next);
      ++config[p];
      config[P + r.key] = next;
      if (!visited.Insert(h, 0, config.data())) {
        --config[p];
        config[P + r.key] = old;
        continue;
      }
      hash = h;
      ++placed;
      if (placed > best_placed) {
        best_placed = placed;
        best_config = config;
      }
      stack.push_back({.moved = move, .old_state = old});
      descended = true;
      break;
    }
    if (descended) continue;
    // Backtrack: undo the step that led here.
    const Frame done = stack.back();
    stack.pop_back();
    if (done.moved == kNone) break;
    const size_t p = done.moved % P;
    --config[p];
    if (done.moved >= P) {  // undo a skip: the state did not change
      hash ^= word_hash(p, config[p] + 1) ^ word_hash(p, config[p]);
      --placed;
      continue;
    }
    const Ref r = seq[p][config[p]];
    hash ^= word_hash(p, config[p] + 1) ^ word_hash(p, config[p]) ^
            word_hash(P + r.key, config[P + r.key]) ^ word_hash(P + r.key, done.old_state);
    config[P + r.key] = done.old_state;
    --placed;
  }
  result.verdict = Verdict::kNotLinearizable;
  result.steps = steps;
  std::vector<std::string> blocked;
  for (size_t p = 0; p < P; ++p) {
    if (best_config[p] < seq[p].size()) {
      const Ref r = seq[p][best_config[p]];
      blocked.push_back(absl::StrFormat("%s (state %s)", seq_ops[p][best_config[p]]->Describe(),
                                        machines[r.key]->Describe(static_cast<uint32_t>(best_config[P + r.key]))));
    }
  }
  result.detail = absl::StrFormat(
      "no order keeps every process's order: the best placed %d of %d operations, then each "
      "process's next operation was illegal: %s",
      best_placed, result.ops, absl::StrJoin(blocked, "; "));
  return result;
}

}  // namespace dsim
