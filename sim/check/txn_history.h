// Transaction histories: what the isolation checker reads. Each operation
// is a transaction, a list of micro-operations `[f k v]` as Jepsen and Elle
// write them: `[:append :x 3]`, `[:r :x [1 2 3]]` (list-append) or
// `[:w :x 3]`, `[:r :x 3]` (rw-register). Keys are interned, and so is each
// (key, value) pair, as a dense "version" id: the analysis indexes arrays
// by version rather than hashing pairs. Their text is kept for witnesses.
//
//   absl::StatusOr<ParsedHistory> h = LoadHistoryFile("elle.edn");
//   absl::StatusOr<TxnHistory> t = ToTxnHistory(h->events, TxnWorkload::kListAppend, "elle.edn");
#ifndef DSIM_SIM_CHECK_TXN_HISTORY_H_
#define DSIM_SIM_CHECK_TXN_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string_view>
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
  // Append or write: the version written. Register read: the version
  // read, or kNil.
  int32_t value = kNil;
  // List read: its elements' versions are TxnHistory::elements[list_begin,
  // +list_size); list_size is -1 for a read of nil.
  int32_t list_begin = 0;
  int32_t list_size = -1;

  bool operator==(const Mop&) const = default;
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

  bool operator==(const Txn&) const = default;
};

struct TxnHistory {
  TxnWorkload workload = TxnWorkload::kListAppend;
  std::vector<Txn> txns;  // one per completed (or never completed) transaction, in completion order
  std::vector<Mop> mops;
  std::vector<int32_t> elements;        // list reads' elements, as versions
  std::vector<std::string> key_names;   // key id -> EDN text (":x", "3")
  std::vector<std::string> value_names; // version id -> the value's EDN text
  std::vector<int32_t> version_key;     // version id -> its key

  bool operator==(const TxnHistory&) const = default;
  int32_t versions() const { return static_cast<int32_t>(value_names.size()); }
  int32_t keys() const { return static_cast<int32_t>(key_names.size()); }

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

// The file as a transaction history: Elle's EDN by the fast reader where it
// can (txn_edn.cc), anything else (dsim JSON, unusual EDN, errors) by the
// general readers and ToTxnHistory. Errors are one line naming the file
// and line.
absl::StatusOr<TxnHistory> LoadTxnHistoryFile(const std::string& path, TxnWorkload workload);
// The fast reader alone: nullopt when the text is not of the shape it
// handles (the general reader then decides). Same result as the general
// path where it answers.
std::optional<TxnHistory> ParseTxnEdnFast(std::string_view text, TxnWorkload workload);

// Whether every value is written (or appended) to a key by one transaction
// only: what lets a read name its writer. The checker's verdicts assume it;
// a history that breaks it is a one-line error naming the file and line.
absl::Status CheckUniqueWrites(const TxnHistory& h, const std::string& file);

}  // namespace dsim

#endif  // DSIM_SIM_CHECK_TXN_HISTORY_H_
