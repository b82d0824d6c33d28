// kv: a map from keys to strings, every key starting as "" (or --init), with
// get, put and append, as in Porcupine's kv tests. Histories split by key, so
// the model sees one key at a time.
#include <cstring>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "sim/check/model.h"

namespace dsim {
namespace {

std::string AsText(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_int()) return absl::StrFormat("%d", v.as_int());
  return "";
}

bool IsGet(const ModelOp& op) { return op.f == "get" || op.f == "read"; }

// A key's value as a path in a trie of the written pieces: a put starts a
// path from the root, an append extends it, so a new state costs one lookup
// instead of a copy of an ever longer string. Two paths that spell the same
// string are distinct states; that only costs memoisation, never
// correctness. A get compares its result with the path's pieces, back to
// front, without building the string.
class KvMachine : public StateMachine {
 public:
  KvMachine(const std::string& init, const std::vector<const ModelOp*>& ops) {
    nodes_.push_back({0, 0, 0});  // the root: ""
    init_ = init.empty() ? 0 : Child(0, Piece(init));
    for (const ModelOp* op : ops) {
      Compiled c;
      if (IsGet(*op)) {
        c.kind = kGet;
        c.free = !op->known;
        c.text = AsText(op->output);
      } else {
        c.kind = op->f == "append" ? kAppend : kPut;
        c.text = AsText(op->input);
        c.piece = Piece(c.text);
      }
      ops_.push_back(std::move(c));
    }
  }

  uint32_t Init() override { return init_; }

  int64_t Step(uint32_t state, uint32_t op) override {
    const Compiled& c = ops_[op];
    switch (c.kind) {
      case kGet: {
        if (c.free) return state;
        const uint64_t key = (static_cast<uint64_t>(state) << 32) | op;
        auto it = get_memo_.find(key);
        const bool ok = it != get_memo_.end() ? it->second
                                              : get_memo_.emplace(key, Spells(state, c.text)).first->second;
        return ok ? state : kIllegal;
      }
      case kAppend:
        return c.text.empty() ? state : Child(state, c.piece);
      case kPut:
        return c.text.empty() ? 0 : Child(0, c.piece);
    }
    return kIllegal;
  }

  std::string Describe(uint32_t state) const override {
    std::vector<uint32_t> pieces;
    for (uint32_t n = state; n != 0; n = nodes_[n].parent) pieces.push_back(nodes_[n].piece);
    std::string s;
    for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) s += pieces_[*it];
    return absl::StrFormat("\"%s\"", s);
  }
  size_t num_states() const override { return nodes_.size(); }
  size_t memory_bytes() const override {
    return nodes_.size() * (sizeof(Node) + 24) + get_memo_.size() * 24;
  }

 private:
  enum Kind : uint8_t { kGet, kPut, kAppend };
  struct Compiled {
    Kind kind = kGet;
    bool free = false;
    uint32_t piece = 0;
    std::string text;
  };
  struct Node {
    uint32_t parent;
    uint32_t piece;
    uint64_t length;  // of the whole string
  };
  uint32_t Piece(const std::string& s) {
    auto [it, inserted] = piece_ids_.try_emplace(s, static_cast<uint32_t>(pieces_.size()));
    if (inserted) pieces_.push_back(s);
    return it->second;
  }
  uint32_t Child(uint32_t parent, uint32_t piece) {
    const uint64_t key = (static_cast<uint64_t>(parent) << 32) | piece;
    auto [it, inserted] = children_.try_emplace(key, static_cast<uint32_t>(nodes_.size()));
    if (inserted) nodes_.push_back({parent, piece, nodes_[parent].length + pieces_[piece].size()});
    return it->second;
  }
  bool Spells(uint32_t node, const std::string& s) const {
    if (nodes_[node].length != s.size()) return false;
    size_t end = s.size();
    for (uint32_t n = node; n != 0; n = nodes_[n].parent) {
      const std::string& p = pieces_[nodes_[n].piece];
      end -= p.size();
      if (s.compare(end, p.size(), p) != 0) return false;
    }
    return true;
  }

  std::vector<Compiled> ops_;
  std::vector<Node> nodes_;
  std::vector<std::string> pieces_;
  absl::flat_hash_map<std::string, uint32_t> piece_ids_;  // lookups only
  absl::flat_hash_map<uint64_t, uint32_t> children_;      // lookups only
  absl::flat_hash_map<uint64_t, bool> get_memo_;          // lookups only
  uint32_t init_ = 0;
};

class KvModel : public Model {
 public:
  explicit KvModel(const ModelOptions& o) : init_(o.init ? AsText(*o.init) : "") {}
  std::string name() const override { return "kv"; }
  std::string Validate(const ModelOp& op) const override {
    if (IsGet(op)) return "";
    if (op.f == "put" || op.f == "write" || op.f == "append") {
      if (!op.input.is_string() && !op.input.is_int()) {
        return absl::StrFormat("%s needs a string value, got %s", op.f, op.input.ToString());
      }
      return "";
    }
    return absl::StrFormat("the kv model has no operation \"%s\" (it has get, put, append)", op.f);
  }
  std::string Init() const override { return init_; }
  bool IsNoop(const ModelOp& op) const override { return IsGet(op) && !op.known; }
  bool IsReadOnly(const ModelOp& op) const override { return IsGet(op); }
  Footprint FootprintOf(const ModelOp& op) const override {
    if (IsGet(op)) return {.shape_known = true, .observes = AsText(op.output)};
    if (op.f == "append") return {};  // leaves a state that depends on the one before
    return {.shape_known = true, .produces = AsText(op.input)};
  }
  // The plain string semantics; the checkers use KvMachine, which agrees.
  std::optional<std::string> Step(const std::string& state, const ModelOp& op) const override {
    if (IsGet(op)) {
      if (!op.known || AsText(op.output) == state) return state;
      return std::nullopt;
    }
    if (op.f == "append") return state + AsText(op.input);
    return AsText(op.input);
  }
  std::string DescribeState(const std::string& state) const override {
    return absl::StrFormat("\"%s\"", state);
  }
  std::unique_ptr<StateMachine> Compile(const std::vector<const ModelOp*>& ops) const override {
    return std::make_unique<KvMachine>(init_, ops);
  }

 private:
  std::string init_;
};

}  // namespace

std::unique_ptr<Model> MakeKvModel(const ModelOptions& options) {
  return std::make_unique<KvModel>(options);
}

}  // namespace dsim
