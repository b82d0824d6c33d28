// Building blocks shared by the linearizability and sequential-consistency
// searches: interned model states with memoised transitions, and a set of
// visited (operations done, state) configurations keyed by a Zobrist hash.
#ifndef DSIM_SIM_CHECK_SEARCH_SUPPORT_H_
#define DSIM_SIM_CHECK_SEARCH_SUPPORT_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/check/model.h"
#include "sim/rng.h"

namespace dsim {

// The default StateMachine: the model's state strings interned as small
// integers, each (state, operation) step computed once.
class InterningMachine : public StateMachine {
 public:
  InterningMachine(const Model& model, std::vector<const ModelOp*> ops)
      : model_(model), ops_(std::move(ops)) {
    init_ = Intern(model.Init());
  }

  uint32_t Init() override { return init_; }

  int64_t Step(uint32_t state, uint32_t op) override {
    const uint64_t key = (static_cast<uint64_t>(state) << 32) | op;
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    const std::optional<std::string> next = model_.Step(states_[state], *ops_[op]);
    const int64_t result = next ? static_cast<int64_t>(Intern(*next)) : kIllegal;
    memo_.emplace(key, result);
    return result;
  }

  std::string Describe(uint32_t state) const override { return model_.DescribeState(states_[state]); }
  size_t num_states() const override { return states_.size(); }
  // Approximate: the memo table and the interned states.
  size_t memory_bytes() const override { return memo_.size() * 24 + state_bytes_; }

 private:
  uint32_t Intern(const std::string& s) {
    auto [it, inserted] = ids_.try_emplace(s, static_cast<uint32_t>(states_.size()));
    if (inserted) {
      states_.push_back(s);
      state_bytes_ += 2 * (s.size() + sizeof(std::string)) + 16;
    }
    return it->second;
  }

  const Model& model_;
  std::vector<const ModelOp*> ops_;
  absl::flat_hash_map<uint64_t, int64_t> memo_;  // (state, op) -> next; lookups only
  std::vector<std::string> states_;
  absl::flat_hash_map<std::string, uint32_t> ids_;  // lookups only
  size_t state_bytes_ = 0;
  uint32_t init_ = 0;
};

// Per-operation random words; the XOR of those of a set is the set's hash,
// updated in O(1) as operations are added and removed.
inline std::vector<uint64_t> ZobristWords(size_t n) {
  std::vector<uint64_t> z(n);
  Rng rng(0x5EEDF00Dull);
  for (uint64_t& w : z) w = rng.Next64();
  return z;
}

// A set of (bitset of n operations, state) configurations.
class VisitedSet {
 public:
  explicit VisitedSet(size_t n_ops)
      : words_((n_ops + 63) / 64),
        per_chunk_(std::max<size_t>(1, kChunkBytes / (std::max<size_t>(1, words_) * sizeof(uint64_t)))) {
    table_.resize(1024);
  }

  // Inserts the configuration; false if it was already there.
  bool Insert(uint64_t set_hash, uint32_t state, const uint64_t* bits) {
    const uint64_t h = Mix(set_hash, state);
    if ((size_ + 1) * 2 > table_.size()) Grow();
    size_t i = h & (table_.size() - 1);
    for (;;) {
      Slot& s = table_[i];
      if (s.entry == 0) {
        s.hash = h;
        s.state = state;
        s.entry = static_cast<uint32_t>(size_ + 1);
        if (size_ % per_chunk_ == 0) {
          chunks_.emplace_back(new uint64_t[per_chunk_ * words_]);
        }
        if (words_ > 0) std::memcpy(Bits(size_), bits, words_ * sizeof(uint64_t));  // no operations: no bits
        ++size_;
        return true;
      }
      if (s.hash == h && s.state == state &&
          (words_ == 0 || std::memcmp(Bits(s.entry - 1), bits, words_ * sizeof(uint64_t)) == 0)) {
        return false;
      }
      i = (i + 1) & (table_.size() - 1);
    }
  }

  size_t size() const { return size_; }
  // What the set holds, counted at its peak: the table three times over, as
  // it is while it doubles (old and new both live). The bitsets live in
  // fixed chunks, so they grow smoothly, never by copying.
  size_t memory_bytes() const {
    return chunks_.size() * per_chunk_ * words_ * sizeof(uint64_t) + 3 * table_.capacity() * sizeof(Slot);
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t state = 0;
    uint32_t entry = 0;  // 1-based index into the arena; 0: empty
  };
  static uint64_t Mix(uint64_t set_hash, uint32_t state) {
    uint64_t x = set_hash ^ (static_cast<uint64_t>(state) * 0x9E3779B97F4A7C15ull);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    return x ^ (x >> 29);
  }
  void Grow() {
    std::vector<Slot> old = std::move(table_);
    table_.assign(old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.entry == 0) continue;
      size_t i = s.hash & (table_.size() - 1);
      while (table_[i].entry != 0) i = (i + 1) & (table_.size() - 1);
      table_[i] = s;
    }
  }

  static constexpr size_t kChunkBytes = 1 << 20;
  uint64_t* Bits(size_t entry) const {
    return chunks_[entry / per_chunk_].get() + (entry % per_chunk_) * words_;
  }

  size_t words_;
  size_t per_chunk_;  // bitsets per chunk
  size_t size_ = 0;
  std::vector<Slot> table_;
  std::vector<std::unique_ptr<uint64_t[]>> chunks_;
};

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_SEARCH_SUPPORT_H_
