// Transaction histories: what the isolation checker reads. Each operation
// is a transaction, a list of micro-operations `[f k v]` as Jepsen and Elle
// write them: `[:append :x 3]`, `[:r :x [1 2 3]]` (list-append) or
// `[:w :x 3]`, `[:r :x 3]` (rw-register). Keys and values are interned, so
// the analysis compares small integers; their text is kept for witnesses.
//
//   absl::StatusOr<ParsedHistory> h = LoadHistoryFile("elle.edn");
//   absl::StatusOr<TxnHistory> t = ToTxnHistory(h->events, TxnWorkload::kListAppend, "elle.edn");
#ifndef DSIM_SIM_CHECK_TXN_HISTORY_H_
#define DSIM_SIM_CHECK_TXN_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/history.h"

namespace dsim {

enum class TxnWorkload : uint8_t { kListAppend, kRwRegister };

struct Mop {
  enum class F : uint8_t { kRead, kAppend, kWrite };
  static constexpr int32_t kNil = -1;
  F f = F::kRead;
  int32_t key = 0;
  // Append or write: the element or value written. Register read: the
  // value read, or kNil.
  int32_t value = kNil;
  // List read: its elements are TxnHistory::elements[list_begin, +list_size);
  // list_size is -1 for a read of nil (nothing known, or the empty list).
  int32_t list_begin = 0;
  int32_t list_size = -1;
};

struct Txn {
  int64_t index = 0;     // the history's :index, else the completion's position
  int32_t process = 0;
  OpType type = OpType::kOk;  // kOk, kFail or kInfo
  int32_t first_mop = 0;
  int32_t num_mops = 0;
  // Positions of the invocation and the completion among all events: the
  // real-time order. A completion with no invocation was invoked at itself.
  int32_t invoke_pos = 0;
  int32_t complete_pos = 0;
  int32_t line = 0;
  bool has_invoke = false;  // the history holds its invocation
};

struct TxnHistory {
  TxnWorkload workload = TxnWorkload::kListAppend;
  std::vector<Txn> txns;  // one per completed (or never completed) transaction, in completion order
  std::vector<Mop> mops;
  std::vector<int32_t> elements;        // list reads' elements
  std::vector<std::string> key_names;   // key id -> EDN text (":x", "3")
  std::vector<std::string> value_names; // value id -> EDN text

  const Mop* begin(const Txn& t) const { return mops.data() + t.first_mop; }
  const Mop* end(const Txn& t) const { return mops.data() + t.first_mop + t.num_mops; }
  const int32_t* list(const Mop& m) const { return elements.data() + m.list_begin; }
  // "[[:append :x 3] [:r :y [1 2]]]"
  std::string TxnText(const Txn& t) const;
  std::string MopText(const Mop& m) const;
};

// Transactions from a parsed history. Each operation's value must be a list
// of micro-operations of the workload; anything else is an error naming the
// file and line. An invocation that never completes becomes an info
// transaction (it may have happened). Nemesis entries were dropped by the
// reader already.
absl::StatusOr<TxnHistory> ToTxnHistory(const History& h, TxnWorkload workload,
                                        const std::string& file);

// Whether every value is written (or appended) to a key by one transaction
// only: what lets a read name its writer. The checker's verdicts assume it;
// a history that breaks it is a one-line error naming the file and line.
absl::Status CheckUniqueWrites(const TxnHistory& h, const std::string& file);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_TXN_HISTORY_H_
