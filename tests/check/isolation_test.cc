// The isolation checker on small histories, each written to show one
// anomaly (and a clean neighbour that must not show it), the model
// relations it decides with, its input errors, and two properties over
// random histories: a serial execution is never flagged, and every cycle
// reported is made of real edges and has the shape it is named by.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/check/history_io.h"
#include "sim/check/isolation.h"
#include "sim/check/isolation_models.h"
#include "sim/rng.h"
#include "tools/bench/corpus.h"
#include "tools/bench/txn_histories.h"

namespace dsim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

TxnHistory Parse(const std::string& edn, TxnWorkload w = TxnWorkload::kListAppend) {
  absl::StatusOr<ParsedHistory> p = ParseHistory(edn, "h.edn");
  EXPECT_TRUE(p.ok()) << p.status();
  absl::StatusOr<TxnHistory> h = ToTxnHistory(p->events, w, "h.edn");
  EXPECT_TRUE(h.ok()) << h.status();
  return h.ok() ? std::move(*h) : TxnHistory{};
}

IsolationResult Check(const std::string& edn, std::vector<std::string> models = {"strict-serializable"},
                      TxnWorkload w = TxnWorkload::kListAppend) {
  IsolationOptions o;
  o.consistency_models = std::move(models);
  return CheckIsolation(Parse(edn, w), o);
}

// "ok 0 [[:append :x 1]]" lines, one transaction each, completed in order.
std::string Oks(const std::vector<std::string>& txns) {
  std::string out;
  for (size_t i = 0; i < txns.size(); ++i) {
    out += absl::StrFormat("{:type :ok, :process %d, :f :txn, :value %s}\n", i, txns[i]);
  }
  return out;
}

TEST(IsolationModels, BoundariesAgreeWithElle) {
  EXPECT_THAT(Boundary({"G0"}).not_models, ElementsAre("read-uncommitted"));
  EXPECT_THAT(Boundary({"G1a"}).not_models, ElementsAre("read-committed"));
  EXPECT_THAT(Boundary({"G-single"}).not_models, ElementsAre("consistent-view"));
  EXPECT_THAT(Boundary({"internal"}).not_models, ElementsAre("read-atomic"));
  EXPECT_THAT(Boundary({"G2", "internal"}).not_models, ElementsAre("read-atomic"));
  EXPECT_THAT(Boundary({"lost-update"}).not_models, ElementsAre("cursor-stability", "update-atomic"));
  EXPECT_THAT(Boundary({"G-single-realtime"}).not_models, ElementsAre("strong-snapshot-isolation"));
  EXPECT_THAT(Boundary({"G-single-realtime"}).also_not, ElementsAre("strict-serializable"));
  EXPECT_THAT(Boundary({"cyclic-versions"}).not_models, ElementsAre("read-uncommitted"));
  EXPECT_TRUE(Boundary({}).not_models.empty());
}

TEST(IsolationModels, ProhibitedByReadCommitted) {
  EXPECT_THAT(AnomaliesProhibitedBy({"read-committed"}),
              UnorderedElementsAre("dirty-update", "G1a", "G1b", "G1c", "G1", "G0", "PL-1-cycle-exists",
                                   "PL-2-cycle-exists", "cyclic-versions", "duplicate-elements",
                                   "incompatible-order", "future-read"));
  // Serializable forbids write skew; snapshot isolation does not.
  EXPECT_TRUE(AnomaliesProhibitedBy({"serializable"}).count("G2-item"));
  EXPECT_FALSE(AnomaliesProhibitedBy({"snapshot-isolation"}).count("G2-item"));
  EXPECT_TRUE(AnomaliesProhibitedBy({"snapshot-isolation"}).count("G-single-item"));
  EXPECT_TRUE(AnomaliesProhibitedBy({"repeatable-read"}).count("lost-update"));
  EXPECT_FALSE(AnomaliesProhibitedBy({"read-committed"}).count("lost-update"));
}

TEST(IsolationModels, Names) {
  EXPECT_TRUE(IsKnownModel("serializable"));
  EXPECT_TRUE(IsKnownModel("PL-2"));
  EXPECT_FALSE(IsKnownModel("serialisable"));
  EXPECT_TRUE(IsKnownAnomaly("G2-item"));
  EXPECT_FALSE(IsKnownAnomaly("G3"));
  IsolationOptions o;
  o.consistency_models = {"snapshot-isolaton"};
  EXPECT_THAT(std::string(ValidateIsolationOptions(o).message()), HasSubstr("unknown consistency model"));
}

struct Case {
  const char* name;
  std::string history;
  std::vector<std::string> models;
  std::vector<std::string> anomalies;  // exactly what is reported
  Validity valid;
};

std::vector<Case> ListAppendCases() {
  return {
      {"G0: two writers interleave on two keys",
       Oks({"[[:append :x 1] [:append :y 1]]", "[[:append :x 2] [:append :y 2]]",
            "[[:r :x [1 2]] [:r :y [2 1]]]"}),
       {"read-uncommitted"}, {"G0"}, Validity::kInvalid},
      {"no G0 when the orders agree",
       Oks({"[[:append :x 1] [:append :y 1]]", "[[:append :x 2] [:append :y 2]]",
            "[[:r :x [1 2]] [:r :y [1 2]]]"}),
       {"serializable"}, {}, Validity::kValid},
      {"G1a: a read of a failed append",
       "{:type :fail, :process 0, :f :txn, :value [[:append :x 1]]}\n" + Oks({"[[:r :x [1]]]"}),
       {"read-committed"}, {"G1a", "empty-transaction-graph"}, Validity::kInvalid},
      {"G1b: a read of an intermediate state",
       Oks({"[[:append :x 1] [:append :x 2]]", "[[:r :x [1]]]"}), {"read-committed"}, {"G1b"},
       Validity::kInvalid},
      {"G1c: circular information flow",
       Oks({"[[:append :x 1] [:r :y [1]]]", "[[:append :y 1] [:r :x [1]]]"}), {"read-committed"}, {"G1c"},
       Validity::kInvalid},
      {"G-single-item: read skew", Oks({"[[:append :x 1] [:append :y 1]]", "[[:r :x [1]] [:r :y []]]"}),
       {"snapshot-isolation"}, {"G-single-item"}, Validity::kInvalid},
      {"write skew is G2-item: allowed by snapshot isolation",
       Oks({"[[:r :x []] [:append :y 1]]", "[[:r :y []] [:append :x 1]]"}), {"snapshot-isolation"}, {},
       Validity::kValid},
      {"write skew is G2-item: forbidden by serializable",
       Oks({"[[:r :x []] [:append :y 1]]", "[[:r :y []] [:append :x 1]]"}), {"serializable"}, {"G2-item"},
       Validity::kInvalid},
      {"lost update (P4), which Elle leaves out",
       Oks({"[[:r :x []] [:append :x 1]]", "[[:r :x []] [:append :x 2]]", "[[:r :x [1 2]]]"}),
       {"repeatable-read"}, {"G-single-item", "lost-update"}, Validity::kInvalid},
      {"internal: a read that misses the transaction's own append",
       Oks({"[[:append :x 1] [:r :x [2]]]", "[[:append :x 2]]"}), {"serializable"}, {"internal"},
       Validity::kInvalid},
      {"future read", Oks({"[[:r :x [1]] [:append :x 1]]"}), {"read-committed"},
       {"empty-transaction-graph", "future-read"}, Validity::kInvalid},
      {"dirty update: committed on top of aborted",
       "{:type :fail, :process 0, :f :txn, :value [[:append :x 1]]}\n" +
           Oks({"[[:append :x 2]]", "[[:r :x [1 2]]]"}),
       {"read-committed"}, {"G1a", "dirty-update"}, Validity::kInvalid},
      {"duplicate elements", Oks({"[[:append :x 1]]", "[[:r :x [1 1]]]"}), {"read-uncommitted"},
       {"duplicate-elements"}, Validity::kInvalid},
      {"incompatible orders", Oks({"[[:append :x 1]]", "[[:append :x 2]]", "[[:r :x [1 2]]]", "[[:r :x [2]]]"}),
       {"read-committed"}, {"incompatible-order"}, Validity::kInvalid},
      {"a stale read after the write completed: G-single-item-realtime",
       "{:type :invoke, :process 0, :f :txn, :value [[:append :x 1]]}\n"
       "{:type :ok, :process 0, :f :txn, :value [[:append :x 1]]}\n"
       "{:type :invoke, :process 1, :f :txn, :value [[:r :x nil]]}\n"
       "{:type :ok, :process 1, :f :txn, :value [[:r :x []]]}\n",
       {"strict-serializable"}, {"G-single-item-realtime"}, Validity::kInvalid},
      {"the same stale read, concurrent with the write: fine",
       "{:type :invoke, :process 0, :f :txn, :value [[:append :x 1]]}\n"
       "{:type :invoke, :process 1, :f :txn, :value [[:r :x nil]]}\n"
       "{:type :ok, :process 0, :f :txn, :value [[:append :x 1]]}\n"
       "{:type :ok, :process 1, :f :txn, :value [[:r :x []]]}\n",
       {"strict-serializable"}, {}, Validity::kValid},
      {"not reading one's own write: G-single-item-process",
       "{:type :ok, :process 0, :f :txn, :value [[:append :x 1]]}\n"
       "{:type :ok, :process 1, :f :txn, :value [[:append :x 2]]}\n"
       "{:type :ok, :process 1, :f :txn, :value [[:r :x [1]]]}\n"
       "{:type :ok, :process 2, :f :txn, :value [[:r :x [1 2]]]}\n",
       {"strong-session-snapshot-isolation"}, {"G-single-item-process"}, Validity::kInvalid},
      {"no dependencies at all: unknown", Oks({"[[:append :x 1]]"}), {"serializable"},
       {"empty-transaction-graph"}, Validity::kUnknown},
  };
}

TEST(Isolation, EachListAppendAnomalyAndItsCleanNeighbour) {
  for (const Case& c : ListAppendCases()) {
    SCOPED_TRACE(c.name);
    const IsolationResult r = Check(c.history, c.models);
    EXPECT_EQ(r.anomaly_types, c.anomalies) << r.ToText();
    EXPECT_EQ(ValidityName(r.valid), ValidityName(c.valid));
  }
}

TEST(Isolation, RwRegisterAnomalies) {
  const TxnWorkload rw = TxnWorkload::kRwRegister;
  IsolationResult r = Check(Oks({"[[:w :x 1] [:w :y 1]]", "[[:r :x 1] [:r :y nil]]"}), {"serializable"}, rw);
  EXPECT_THAT(r.anomaly_types, ElementsAre("G-single-item")) << r.ToText();
  r = Check(Oks({"[[:w :x 1] [:r :y 1]]", "[[:w :y 1] [:r :x 1]]"}), {"read-committed"}, rw);
  EXPECT_THAT(r.anomaly_types, ElementsAre("G1c")) << r.ToText();
  r = Check(Oks({"[[:w :x 1] [:r :x 2]]", "[[:w :x 2]]"}), {"serializable"}, rw);
  // The read of :x follows the transaction's own write: not an external read, so no wr edge.
  EXPECT_THAT(r.anomaly_types, ElementsAre("empty-transaction-graph", "internal")) << r.ToText();
  r = Check("{:type :fail, :process 0, :f :txn, :value [[:w :x 1]]}\n" + Oks({"[[:r :x 1]]"}),
            {"read-committed"}, rw);
  EXPECT_THAT(r.anomaly_types, ElementsAre("G1a", "empty-transaction-graph")) << r.ToText();
  r = Check(Oks({"[[:r :x nil] [:w :x 1]]", "[[:r :x nil] [:w :x 2]]"}), {"repeatable-read"}, rw);
  EXPECT_THAT(r.anomaly_types, ElementsAre("G2-item", "lost-update")) << r.ToText();
  r = Check(Oks({"[[:w :x 1]]", "[[:r :x 1]]"}), {"strict-serializable"}, rw);
  EXPECT_EQ(r.valid, Validity::kValid) << r.ToText();
  EXPECT_EQ(r.strongest_satisfied, "strict-serializable");
}

TEST(Isolation, SequentialKeysOrderVersionsAndCatchCycles) {
  // Process 0 writes 1 then reads 2 then 1 again: per-key sequential order
  // says 1 < 2 < 1.
  IsolationOptions o;
  o.consistency_models = {"serializable"};
  o.register_order.sequential_keys = true;
  const std::string h = Oks({"[[:w :x 2]]"}) +
                        "{:type :ok, :process 7, :f :txn, :value [[:w :x 1]]}\n"
                        "{:type :ok, :process 7, :f :txn, :value [[:r :x 2]]}\n"
                        "{:type :ok, :process 7, :f :txn, :value [[:r :x 1]]}\n";
  const IsolationResult r = CheckIsolation(Parse(h, TxnWorkload::kRwRegister), o);
  EXPECT_THAT(r.anomaly_types, ElementsAre("cyclic-versions")) << r.ToText();
  EXPECT_THAT(r.not_models, ElementsAre("read-uncommitted"));
}

TEST(Isolation, WitnessIsExplainedStepByStep) {
  const IsolationResult r =
      Check(Oks({"[[:r :x []] [:append :y 1]]", "[[:r :y []] [:append :x 1]]"}), {"serializable"});
  ASSERT_EQ(r.anomalies.at("G2-item").size(), 1u);
  const std::string& text = r.anomalies.at("G2-item")[0].text;
  EXPECT_THAT(text, HasSubstr("a cycle of 2 transactions"));
  EXPECT_THAT(text, HasSubstr("T1 = :index 0, process 0: [[:r :x []] [:append :y 1]]"));
  EXPECT_THAT(text, HasSubstr("observed the initial (empty) state of :y"));
  EXPECT_THAT(text, HasSubstr("a contradiction"));
  EXPECT_THAT(r.anomalies.at("G2-item")[0].ops, UnorderedElementsAre(0, 1));
}

TEST(Isolation, RealtimeWitnessIsShortened) {
  // A long chain of sequential transactions, then a read that misses the
  // first append: the witness is the append and the read, not the chain.
  std::vector<std::string> txns{"[[:append :x 1]]"};
  for (int i = 0; i < 20; ++i) txns.push_back(absl::StrFormat("[[:append :k%d 1]]", i));
  txns.push_back("[[:r :x []]]");
  std::string h;
  for (size_t i = 0; i < txns.size(); ++i) {
    h += absl::StrFormat("{:type :invoke, :process %d, :f :txn, :value %s}\n", i, txns[i]);
    h += absl::StrFormat("{:type :ok, :process %d, :f :txn, :value %s}\n", i, txns[i]);
  }
  const IsolationResult r = Check(h);
  ASSERT_TRUE(r.anomalies.count("G-single-item-realtime")) << r.ToText();
  EXPECT_THAT(r.anomalies.at("G-single-item-realtime")[0].text, HasSubstr("a cycle of 2 transactions"));
}

TEST(Isolation, ExhaustedSearchIsUnknownNotValid) {
  IsolationOptions o;
  o.consistency_models = {"serializable"};
  o.search_budget = 1;
  const IsolationResult r =
      CheckIsolation(Parse(Oks({"[[:r :x []] [:append :y 1]]", "[[:r :y []] [:append :x 1]]"})), o);
  EXPECT_TRUE(r.anomalies.count("cycle-search-timeout")) << r.ToText();
}

TEST(TxnHistory, BadInputIsAnErrorWithALine) {
  auto error = [](const std::string& edn, TxnWorkload w) {
    absl::StatusOr<ParsedHistory> p = ParseHistory(edn, "h.edn");
    EXPECT_TRUE(p.ok());
    absl::StatusOr<TxnHistory> h = ToTxnHistory(p->events, w, "h.edn");
    EXPECT_FALSE(h.ok());
    return std::string(h.status().message());
  };
  const TxnWorkload la = TxnWorkload::kListAppend;
  EXPECT_THAT(error("{:type :ok, :process 0, :f :txn, :value 3}\n", la), HasSubstr("h.edn:1: a transaction's value"));
  EXPECT_THAT(error("{:type :ok, :process 0, :f :txn, :value [[:w :x 1]]}\n", la),
              HasSubstr("the list-append workload has :r and :append"));
  EXPECT_THAT(error("{:type :ok, :process 0, :f :txn, :value [[:append :x 1]]}\n", TxnWorkload::kRwRegister),
              HasSubstr("rw-register workload has :r and :w"));
  // An invocation that never completes is a transaction: its writes must say what they write.
  EXPECT_THAT(error("{:type :invoke, :process 0, :f :txn, :value [[:append :x]]}\n", la),
              HasSubstr("h.edn:1: micro-operation [:append :x] writes nil"));
  EXPECT_THAT(error("\n{:type :ok, :process 0, :f :txn, :value [[:r :x 3]]}\n", la),
              HasSubstr("h.edn:2: micro-operation [:r :x 3]: a list-append read returns a list"));
}

TEST(TxnHistory, RepeatedWritesAreRefusedByTheCheck) {
  const TxnHistory h = Parse(Oks({"[[:append :x 1]]", "[[:append :x 1]]"}));
  EXPECT_THAT(std::string(CheckUniqueWrites(h, "h.edn").message()),
              HasSubstr("h.edn:2: 1 is written to :x again (first at line 1)"));
  // Within one transaction, a second append of the same value is its own business.
  EXPECT_TRUE(CheckUniqueWrites(Parse(Oks({"[[:append :x 1] [:append :x 1]]"})), "h.edn").ok());
}

TEST(TxnHistory, PairsInvocationsAndKeepsUnfinishedAsInfo) {
  const TxnHistory h = Parse(
      "{:type :invoke, :process 0, :f :txn, :value [[:append :x 1]], :index 4}\n"
      "{:type :invoke, :process 1, :f :txn, :value [[:append :x 2]]}\n"
      "{:type :info, :process 0, :f :txn, :value nil}\n");
  ASSERT_EQ(h.txns.size(), 2u);
  EXPECT_EQ(h.txns[0].type, OpType::kInfo);
  EXPECT_EQ(h.TxnText(h.txns[0]), "[[:append :x 1]]");  // the invocation's value
  EXPECT_EQ(h.txns[0].invoke_pos, 0);
  EXPECT_EQ(h.txns[1].type, OpType::kInfo);  // never completed
  EXPECT_EQ(h.txns[1].index, 1);
}

// Random transactions executed one at a time, each at a moment between its
// invocation and its completion: strictly serializable by construction.
std::string SerialHistory(uint64_t seed, bool list_append) {
  Rng rng(seed);
  struct T {
    int64_t invoke, at, complete;
    int process;
    std::string value;
  };
  std::vector<T> txns;
  int64_t now = 0;
  for (int i = 0; i < 40; ++i) {
    now += rng.UniformInt(1, 10);
    txns.push_back({now, 0, 0, i % 5, ""});
  }
  for (T& t : txns) {
    t.at = t.invoke + rng.UniformInt(1, 30);
    t.complete = t.at + rng.UniformInt(1, 30);
  }
  // A process runs one transaction at a time: give each its own process.
  for (size_t i = 0; i < txns.size(); ++i) txns[i].process = static_cast<int>(i);
  std::vector<size_t> order(txns.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return txns[a].at < txns[b].at; });
  std::map<int, std::vector<int>> state;
  int next_value = 1;
  for (size_t i : order) {
    std::string mops;
    const int n = static_cast<int>(rng.UniformInt(1, 4));
    for (int m = 0; m < n; ++m) {
      const int key = static_cast<int>(rng.UniformInt(0, 3));
      if (rng.Chance(0.5)) {
        if (list_append) {
          mops += absl::StrFormat("[:r %d [%s]]", key, absl::StrJoin(state[key], " "));
        } else {
          mops += state[key].empty() ? absl::StrFormat("[:r %d nil]", key)
                                     : absl::StrFormat("[:r %d %d]", key, state[key].back());
        }
      } else {
        const int v = next_value++;
        if (list_append) {
          state[key].push_back(v);
        } else {
          state[key] = {v};
        }
        mops += absl::StrFormat("[:%s %d %d]", list_append ? "append" : "w", key, v);
      }
    }
    txns[i].value = "[" + mops + "]";
  }
  std::vector<std::pair<int64_t, std::string>> events;
  for (const T& t : txns) {
    events.push_back({t.invoke * 2, absl::StrFormat("{:type :invoke, :process %d, :f :txn, :value %s}", t.process, t.value)});
    events.push_back({t.complete * 2 + 1, absl::StrFormat("{:type :ok, :process %d, :f :txn, :value %s}", t.process, t.value)});
  }
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  for (const auto& [_, e] : events) out += e + "\n";
  return out;
}

TEST(Isolation, SerialExecutionsAreNeverFlagged) {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    for (bool la : {true, false}) {
      const std::string h = SerialHistory(seed, la);
      IsolationOptions o;
      o.register_order.linearizable_keys = !la;
      const IsolationResult r = CheckIsolation(Parse(h, la ? TxnWorkload::kListAppend : TxnWorkload::kRwRegister), o);
      ASSERT_NE(r.valid, Validity::kInvalid) << "seed " << seed << (la ? " list-append\n" : " rw-register\n")
                                             << r.ToText() << h;
    }
  }
}

// The same transactions, but each reads from a snapshot taken when it was
// invoked and writes at its completion, with nobody checking for
// conflicts: reads go stale and updates get lost, and every cycle the
// checker reports must be made of edges the graph has, shaped as named.
TEST(Isolation, ReportedCyclesAreRealAndRightlyNamed) {
  int invalid = 0;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    Rng rng(seed);
    std::map<int, std::vector<int>> state;
    std::string h;
    int value = 1;
    for (int i = 0; i < 30; ++i) {
      const int key = static_cast<int>(rng.UniformInt(0, 2));
      const int other = static_cast<int>(rng.UniformInt(0, 2));
      const std::string read = absl::StrFormat("[:r %d [%s]]", other, absl::StrJoin(state[other], " "));
      const std::string txn = absl::StrFormat("[%s [:append %d %d]]", read, key, value);
      h += absl::StrFormat("{:type :ok, :process %d, :f :txn, :value %s}\n", i, txn);
      if (rng.Chance(0.7)) state[key].push_back(value);  // else the write lands later
      ++value;
    }
    absl::StatusOr<ParsedHistory> p = ParseHistory(h, "h.edn");
    ASSERT_TRUE(p.ok());
    absl::StatusOr<TxnHistory> t = ToTxnHistory(p->events, TxnWorkload::kListAppend, "h.edn");
    if (!t.ok()) continue;
    IsolationOptions o;
    o.consistency_models = {"serializable"};
    const IsolationResult r = CheckIsolation(*t, o);
    invalid += r.valid == Validity::kInvalid;
    const TxnDependencies deps = AnalyzeTransactions(*t, o, false, false);
    for (const CycleCase& c : FindCycles(deps.graph, {})) {
      if (c.steps.empty()) continue;
      for (size_t i = 0; i < c.steps.size(); ++i) {
        const CycleStep& s = c.steps[i];
        EXPECT_EQ(s.to, c.steps[(i + 1) % c.steps.size()].from);
        EXPECT_TRUE(deps.graph.Between(s.from, s.to) & s.rel) << "seed " << seed;
      }
      EXPECT_EQ(ClassifyCycle(c.steps), c.type);
    }
  }
  EXPECT_GT(invalid, 50);  // the generator does produce anomalies
}

// The fast EDN reader gives exactly the general readers' history, or
// leaves the file to them: on every Elle corpus file and a generated one.
TEST(TxnHistory, FastReaderAgreesWithTheGeneralOne) {
  int fast = 0, files = 0;
  std::vector<std::string> paths, slow;
  for (const auto& e : std::filesystem::recursive_directory_iterator(CorpusDir() + "/elle")) {
    if (e.path().extension() == ".edn") paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  const std::string generated = ::testing::TempDir() + "/generated.edn";
  std::ofstream(generated) << ToEdn(GenerateListAppend({.txns = 3000, .stale_reads = 5}));
  paths.push_back(generated);
  for (const std::string& path : paths) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    for (TxnWorkload w : {TxnWorkload::kListAppend, TxnWorkload::kRwRegister}) {
      ++files;
      std::optional<TxnHistory> quick = ParseTxnEdnFast(text.str(), w);
      const std::string name = std::filesystem::path(path).filename().string();
      const bool own = (w == TxnWorkload::kListAppend) == (name.find("rw-register") == std::string::npos);
      const bool other_workload = name.find("closed-predicate") != std::string::npos ||
                                  name.find("core_") != std::string::npos;
      if (!quick && own && !other_workload) slow.push_back(name);
      if (!quick) continue;
      ++fast;
      absl::StatusOr<ParsedHistory> p = ParseHistory(text.str(), path);
      ASSERT_TRUE(p.ok()) << path;
      absl::StatusOr<TxnHistory> general = ToTxnHistory(p->events, w, path);
      ASSERT_TRUE(general.ok()) << path << ": " << general.status();
      EXPECT_TRUE(*quick == *general) << path;
    }
  }
  // Each file is one workload's; every list-append and rw-register file
  // takes the fast path in its own workload but one with comments, and one
  // the general reader refuses too (its operations have no :process).
  EXPECT_GT(fast, 0);
  EXPECT_THAT(slow, UnorderedElementsAre("si-without-g-single.edn", "paper-example.edn"));
}

// The generator's history and the same history read back from its EDN are
// one history: the benchmark measures what a file would give.
TEST(TxnHistory, GeneratedHistoryRoundTrips) {
  const TxnHistory h = GenerateListAppend({.txns = 2000, .stale_reads = 10});
  std::optional<TxnHistory> back = ParseTxnEdnFast(ToEdn(h), TxnWorkload::kListAppend);
  ASSERT_TRUE(back.has_value());
  const IsolationResult a = CheckIsolation(h, IsolationOptions{});
  const IsolationResult b = CheckIsolation(*back, IsolationOptions{});
  EXPECT_EQ(a.anomaly_types, b.anomaly_types);
  EXPECT_EQ(a.valid, Validity::kInvalid);
  EXPECT_EQ(back->txns.size(), h.txns.size());
}

TEST(Isolation, SameHistorySameResult) {
  const std::string h = SerialHistory(7, true) + Oks({"[[:r 0 [999]]]"});
  const IsolationResult a = Check(h), b = Check(h);
  EXPECT_EQ(a.ToJson().dump(), b.ToJson().dump());
}

}  // namespace
}  // namespace dsim
