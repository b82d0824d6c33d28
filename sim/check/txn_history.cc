#include "sim/check/txn_history.h"

#include <deque>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "sim/assert.h"

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
  absl::Status Error(const HistoryEvent& ev, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrFormat("%s:%d: %s", file_, ev.line, what));
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
    const Value nil;
    const Value& v = parts.size() == 3 ? parts[2] : nil;
    if (mop.f == Mop::F::kRead && list_append) {
      if (v.is_nil()) return mop;
      if (!v.is_list()) return Error(ev, absl::StrFormat("micro-operation %s: a list-append read returns a list", m.ToString()));
      mop.list_begin = static_cast<int32_t>(out_.elements.size());
      mop.list_size = static_cast<int32_t>(v.as_list().size());
      for (const Value& e : v.as_list()) out_.elements.push_back(InternValue(e));
      return mop;
    }
    if (v.is_list()) return Error(ev, absl::StrFormat("micro-operation %s: the value is not a list", m.ToString()));
    if (mop.f != Mop::F::kRead && v.is_nil() && ev.type != OpType::kInvoke) {
      return Error(ev, absl::StrFormat("micro-operation %s writes nil", m.ToString()));
    }
    mop.value = v.is_nil() ? Mop::kNil : InternValue(v);
    return mop;
  }

  int32_t InternValue(const Value& v) { return Intern(value_ids_, out_.value_names, v.ToString()); }

  const std::string& file_;
  TxnHistory out_;
  absl::flat_hash_map<std::string, int32_t> key_ids_;
  absl::flat_hash_map<std::string, int32_t> value_ids_;
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
  Builder b(workload, file);
  TxnHistory& out = b.out();
  // Invocations waiting for their completion, per process, oldest first.
  std::map<int32_t, std::deque<int32_t>> pending;
  std::vector<int32_t> invoke_event;  // txn -> event position of its invocation
  for (size_t pos = 0; pos < h.size(); ++pos) {
    const HistoryEvent& ev = h[pos];
    if (ev.type == OpType::kInvoke) {
      pending[ev.process].push_back(static_cast<int32_t>(pos));
      continue;
    }
    Txn t;
    t.index = ev.index >= 0 ? ev.index : static_cast<int64_t>(pos);
    t.process = ev.process;
    t.type = ev.type;
    t.complete_pos = t.invoke_pos = static_cast<int32_t>(pos);
    t.line = ev.line;
    std::deque<int32_t>& waiting = pending[ev.process];
    if (!waiting.empty()) {
      t.invoke_pos = waiting.front();
      t.has_invoke = true;
      waiting.pop_front();
    }
    // An info without a value says nothing new: take the invocation's.
    const HistoryEvent& source = ev.value.is_nil() && t.has_invoke ? h[t.invoke_pos] : ev;
    if (absl::Status s = b.AddMops(source, t); !s.ok()) return s;
    out.txns.push_back(t);
  }
  // Invocations that never completed may have happened: info transactions.
  std::vector<Txn> unfinished;
  for (const auto& [process, waiting] : pending) {
    for (int32_t pos : waiting) {
      const HistoryEvent& ev = h[pos];
      Txn t;
      t.index = ev.index >= 0 ? ev.index : pos;
      t.process = process;
      t.type = OpType::kInfo;
      t.invoke_pos = pos;
      t.complete_pos = static_cast<int32_t>(h.size());
      t.line = ev.line;
      t.has_invoke = true;
      if (absl::Status s = b.AddMops(ev, t); !s.ok()) return s;
      unfinished.push_back(t);
    }
  }
  std::sort(unfinished.begin(), unfinished.end(),
            [](const Txn& a, const Txn& b) { return a.invoke_pos < b.invoke_pos; });
  out.txns.insert(out.txns.end(), unfinished.begin(), unfinished.end());
  for (const Txn& t : out.txns) DSIM_ASSERT(t.first_mop + t.num_mops <= static_cast<int32_t>(out.mops.size()));
  return std::move(out);
}

absl::Status CheckUniqueWrites(const TxnHistory& h, const std::string& file) {
  absl::flat_hash_map<uint64_t, int32_t> writer;
  for (int32_t i = 0; i < static_cast<int32_t>(h.txns.size()); ++i) {
    const Txn& t = h.txns[i];
    for (const Mop* m = h.begin(t); m != h.end(t); ++m) {
      if (m->f == Mop::F::kRead) continue;
      const uint64_t slot = (static_cast<uint64_t>(static_cast<uint32_t>(m->key)) << 32) |
                            static_cast<uint32_t>(m->value);
      auto [it, fresh] = writer.try_emplace(slot, i);
      if (!fresh && it->second != i) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s:%d: %s is written to %s again (first at line %d): the isolation checker needs every "
            "value written to a key once",
            file, t.line, h.value_names[m->value], h.key_names[m->key], h.txns[it->second].line));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace dsim
