#include "sim/check/txn_history.h"

#include <deque>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "sim/assert.h"
#include "sim/one_line.h"
#include "sim/check/txn_assemble.h"

namespace dsim {
namespace {

class Builder {
 public:
  Builder(TxnWorkload workload, const std::string& file) : file_(file) { out_.workload = workload; }

  // The micro-operations of one event's value, appended to the history.
  absl::Status AddMops(const HistoryEvent& ev, Txn& txn) {
    txn.first_mop = static_cast<int32_t>(out_.mops.size());
    if (ev.value.is_nil()) return absl::OkStatus();  // an invocation or info with no value
    if (!ev.value.is_list()) return Error(ev, "a transaction's value is a list of [f k v] micro-operations");
    for (const Value& m : ev.value.as_list()) {
      absl::StatusOr<Mop> mop = ParseMop(ev, m);
      if (!mop.ok()) return mop.status();
      out_.mops.push_back(*mop);
    }
    txn.num_mops = static_cast<int32_t>(out_.mops.size()) - txn.first_mop;
    return absl::OkStatus();
  }

  TxnHistory& out() { return out_; }

 private:
  // One line, even when it quotes a value with a newline in it.
  absl::Status Error(const HistoryEvent& ev, const std::string& what) const {
    return absl::InvalidArgumentError(OneLine(absl::StrFormat("%s:%d: %s", file_, ev.line, what)));
  }

  static int32_t Intern(absl::flat_hash_map<std::string, int32_t>& ids,
                        std::vector<std::string>& names, std::string text) {
    auto [it, added] = ids.try_emplace(text, static_cast<int32_t>(names.size()));
    if (added) names.push_back(std::move(text));
    return it->second;
  }

  absl::StatusOr<Mop> ParseMop(const HistoryEvent& ev, const Value& m) {
    if (!m.is_list() || m.as_list().size() < 2 || m.as_list().size() > 3 ||
        !m.as_list()[0].is_string()) {
      return Error(ev, absl::StrFormat("malformed micro-operation %s (expected [f k v])", m.ToString()));
    }
    const std::vector<Value>& parts = m.as_list();
    std::string f = parts[0].as_string();
    if (!f.empty() && f[0] == ':') f = f.substr(1);
    const bool list_append = out_.workload == TxnWorkload::kListAppend;
    Mop mop;
    if (f == "r") {
      mop.f = Mop::F::kRead;
    } else if (f == "append" && list_append) {
      mop.f = Mop::F::kAppend;
    } else if (f == "w" && !list_append) {
      mop.f = Mop::F::kWrite;
    } else {
      return Error(ev, absl::StrFormat("micro-operation %s: the %s workload has %s", m.ToString(),
                                       list_append ? "list-append" : "rw-register",
                                       list_append ? ":r and :append" : ":r and :w"));
    }
    if (parts[1].is_list()) return Error(ev, absl::StrFormat("micro-operation %s: a key is not a list", m.ToString()));
    mop.key = Intern(key_ids_, out_.key_names, parts[1].ToString());
    if (mop.key >= static_cast<int32_t>(version_ids_.size())) version_ids_.resize(mop.key + 1);
    const Value nil;
    const Value& v = parts.size() == 3 ? parts[2] : nil;
    if (mop.f == Mop::F::kRead && list_append) {
      if (v.is_nil()) return mop;
      if (!v.is_list()) return Error(ev, absl::StrFormat("micro-operation %s: a list-append read returns a list", m.ToString()));
      mop.list_begin = static_cast<int32_t>(out_.elements.size());
      mop.list_size = static_cast<int32_t>(v.as_list().size());
      for (const Value& e : v.as_list()) out_.elements.push_back(InternVersion(mop.key, e));
      return mop;
    }
    if (v.is_list()) return Error(ev, absl::StrFormat("micro-operation %s: the value is not a list", m.ToString()));
    // An invocation's value can become its transaction's (it may never
    // complete), so a write of nil is refused there too.
    if (mop.f != Mop::F::kRead && v.is_nil()) {
      return Error(ev, absl::StrFormat("micro-operation %s writes nil", m.ToString()));
    }
    mop.value = v.is_nil() ? Mop::kNil : InternVersion(mop.key, v);
    return mop;
  }

  // The version id of `v` as a value of `key`.
  int32_t InternVersion(int32_t key, const Value& v) {
    const int32_t id = Intern(version_ids_[key], out_.value_names, v.ToString());
    if (id == static_cast<int32_t>(out_.version_key.size())) out_.version_key.push_back(key);
    return id;
  }

  const std::string& file_;
  TxnHistory out_;
  absl::flat_hash_map<std::string, int32_t> key_ids_;
  std::vector<absl::flat_hash_map<std::string, int32_t>> version_ids_;  // per key: value text -> version
};

// The parsed history's events, for AssembleTxns.
class HistoryEvents {
 public:
  HistoryEvents(const History& h, TxnWorkload workload, const std::string& file) : h_(h), b_(workload, file) {}
  TxnHistory& out() { return b_.out(); }
  OpType type(size_t i) const { return h_[i].type; }
  int32_t process(size_t i) const { return h_[i].process; }
  int64_t index(size_t i) const { return h_[i].index; }
  int32_t line(size_t i) const { return h_[i].line; }
  bool has_value(size_t i) const { return !h_[i].value.is_nil(); }
  absl::Status AddMops(size_t i, Txn& t) { return b_.AddMops(h_[i], t); }

 private:
  const History& h_;
  Builder b_;
};

}  // namespace

std::string TxnHistory::MopText(const Mop& m) const {
  std::string out = "[";
  out += m.f == Mop::F::kRead ? ":r " : m.f == Mop::F::kAppend ? ":append " : ":w ";
  out += key_names[m.key];
  out += " ";
  if (m.f == Mop::F::kRead && workload == TxnWorkload::kListAppend) {
    if (m.list_size < 0) {
      out += "nil";
    } else {
      out += "[";
      for (int32_t i = 0; i < m.list_size; ++i) {
        if (i > 0) out += " ";
        out += value_names[list(m)[i]];
      }
      out += "]";
    }
  } else {
    out += m.value == Mop::kNil ? "nil" : value_names[m.value];
  }
  return out + "]";
}

std::string TxnHistory::TxnText(const Txn& t) const {
  std::string out = "[";
  for (const Mop* m = begin(t); m != end(t); ++m) {
    if (m != begin(t)) out += " ";
    out += MopText(*m);
  }
  return out + "]";
}

absl::StatusOr<TxnHistory> ToTxnHistory(const History& h, TxnWorkload workload,
                                        const std::string& file) {
  HistoryEvents events(h, workload, file);
  return AssembleTxns(events, h.size());
}

absl::Status CheckUniqueWrites(const TxnHistory& h, const std::string& file) {
  std::vector<int32_t> writer(h.versions(), -1);
  for (int32_t i = 0; i < static_cast<int32_t>(h.txns.size()); ++i) {
    const Txn& t = h.txns[i];
    for (const Mop* m = h.begin(t); m != h.end(t); ++m) {
      if (m->f == Mop::F::kRead) continue;
      int32_t& w = writer[m->value];
      if (w >= 0 && w != i) {
        return absl::InvalidArgumentError(OneLine(absl::StrFormat(
            "%s:%d: %s is written to %s again (first at line %d): the isolation checker needs every "
            "value written to a key once",
            file, t.line, h.value_names[m->value], h.key_names[m->key], h.txns[w].line)));
      }
      w = i;
    }
  }
  return absl::OkStatus();
}

}  // namespace dsim
