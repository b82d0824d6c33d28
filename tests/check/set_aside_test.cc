// Unknown operations whose state nobody observed are set aside before the
// search (linearizability.h). These tests show when that happens, that it
// turns searches that would explode into quick answers, and, against a
// brute-force reference on thousands of random small histories, that it
// never changes a verdict.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "sim/check/operations.h"
#include "sim/rng.h"
#include "tests/check/test_histories.h"

namespace dsim {
namespace {

using namespace dsim::testing;  // NOLINT

LinearizabilityResult Lin(const History& h, const std::string& model_name, ModelOptions o = {},
                          CheckBudget budget = {}) {
  auto m = MakeModel(model_name, o);
  EXPECT_TRUE(m.ok());
  absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h, **m, budget);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : LinearizabilityResult{.verdict = Verdict::kUnknown};
}

// 16 timed-out writes of values no read returned, all open to the end, and
// a stale read: without setting them aside the search tries every subset
// of them at every point before it can say no.
History ManyUnseenTimeouts(bool stale) {
  History h;
  for (int p = 1; p <= 16; ++p) {
    h.push_back(Inv(p, "write", I(100 + p)));
    h.push_back(Info(p, "write", I(100 + p)));
  }
  h.push_back(Inv(50, "write", I(1)));
  h.push_back(Ok(50, "write", I(1)));
  h.push_back(Inv(51, "write", I(2)));
  h.push_back(Ok(51, "write", I(2)));
  h.push_back(Inv(52, "read"));
  h.push_back(Ok(52, "read", I(stale ? 1 : 2)));
  return h;
}

TEST(SetAside, UnknownWritesNobodyReadAreNotSearched) {
  CheckBudget small;
  small.max_steps = 5000;
  LinearizabilityResult bad = Lin(ManyUnseenTimeouts(true), "register", {}, small);
  EXPECT_EQ(bad.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(bad.set_aside, 16u);
  EXPECT_EQ(bad.ops, 19u) << "still counted as checked";
  LinearizabilityResult good = Lin(ManyUnseenTimeouts(false), "register", {}, small);
  EXPECT_EQ(good.verdict, Verdict::kLinearizable);
  EXPECT_EQ(good.set_aside, 16u);
}

TEST(SetAside, AnUnknownWriteSomeoneReadStays) {
  // w(1) timed out; reads 0 then 1: only it explains the 1.
  const History h = {Inv(1, "write", I(1)), Info(1, "write", I(1)), Inv(2, "read"), Ok(2, "read", I(0)),
                     Inv(2, "read"), Ok(2, "read", I(1))};
  LinearizabilityResult r = Lin(h, "register", {.init = I(0)});
  EXPECT_EQ(r.verdict, Verdict::kLinearizable);
  EXPECT_EQ(r.set_aside, 0u);
  // A cas that expected its value also saw it.
  const History cas = {Inv(1, "write", I(1)), Info(1, "write", I(1)), Inv(2, "cas", L({I(1), I(2)})),
                       Ok(2, "cas", L({I(1), I(2)}))};
  r = Lin(cas, "cas-register", {.init = I(0)});
  EXPECT_EQ(r.verdict, Verdict::kLinearizable);
  EXPECT_EQ(r.set_aside, 0u);
}

TEST(SetAside, NothingOnAKeyWithAppendsOrObservedFailures) {
  // kv: an unknown put nobody read is set aside, unless the key has an
  // append, whose result depends on the state before it.
  const History put = {Inv(1, "put", S("x"), "k"), Info(1, "put", S("x"), "k"), Inv(2, "get", Nil(), "k"),
                       Ok(2, "get", S(""), "k")};
  EXPECT_EQ(Lin(put, "kv").set_aside, 1u);
  History append = put;
  append.push_back(Inv(3, "append", S("y"), "k"));
  append.push_back(Ok(3, "append", S("y"), "k"));
  append.push_back(Inv(2, "get", Nil(), "k"));
  append.push_back(Ok(2, "get", S("xy"), "k"));
  LinearizabilityResult r = Lin(append, "kv");
  EXPECT_EQ(r.set_aside, 0u);
  EXPECT_EQ(r.verdict, Verdict::kLinearizable) << "the unknown put explains \"xy\"";
  // A kept failed cas says "not 1", which no single state captures.
  const History failed = {Inv(1, "write", I(1)), Ok(1, "write", I(1)),   Inv(2, "write", I(3)),
                          Info(2, "write", I(3)), Inv(3, "cas", L({I(1), I(2)})), Fail(3, "cas", L({I(1), I(2)}))};
  r = Lin(failed, "cas-register", {.failed_cas_observed = true});
  EXPECT_EQ(r.set_aside, 0u);
  EXPECT_EQ(r.verdict, Verdict::kLinearizable) << "the unknown write of 3 explains the failure";
}

// The reference: every order of the operations that respects real time,
// each unknown one taken or not. Exponential; fine for eight operations.
bool BruteForce(const std::vector<Operation>& ops, const Model& m, std::vector<uint8_t>& used, size_t placed,
                const std::string& state) {
  bool all_known_placed = true;
  for (size_t i = 0; i < ops.size(); ++i) all_known_placed = all_known_placed && (used[i] || !ops[i].op.known);
  if (all_known_placed) return true;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (used[i]) continue;
    bool minimal = true;  // nothing unplaced completed before it began
    for (size_t j = 0; j < ops.size() && minimal; ++j) {
      minimal = used[j] || j == i || ops[j].ret >= ops[i].call;
    }
    if (!minimal) continue;
    used[i] = 1;
    if (std::optional<std::string> next = m.Step(state, ops[i].op); next && BruteForce(ops, m, used, placed + 1, *next)) {
      used[i] = 0;
      return true;
    }
    if (!ops[i].op.known && BruteForce(ops, m, used, placed, state)) {  // never took effect
      used[i] = 0;
      return true;
    }
    used[i] = 0;
  }
  return false;
}

// A random history of three sequential processes over values 0..2: every
// operation invoked, then completed ok, fail or info at a random later
// point; results are random, so both verdicts come up.
History RandomHistory(Rng& rng, bool with_cas) {
  History h;
  std::vector<int> open(3, -1);  // the f of each process's open operation
  std::vector<Value> input(3);
  int invoked = 0;
  const char* fs[] = {"read", "write", "cas"};
  while (invoked < 7 || open[0] >= 0 || open[1] >= 0 || open[2] >= 0) {
    const int p = static_cast<int>(rng.Uniform(3));
    if (open[p] < 0) {
      if (invoked >= 7) continue;
      ++invoked;
      open[p] = static_cast<int>(rng.Uniform(with_cas ? 3 : 2));
      input[p] = open[p] == 0   ? Nil()
                 : open[p] == 1 ? I(rng.UniformInt(0, 2))
                                : L({I(rng.UniformInt(0, 2)), I(rng.UniformInt(0, 2))});
      h.push_back(Inv(p + 1, fs[open[p]], input[p]));
      continue;
    }
    const uint64_t outcome = rng.Uniform(6);
    const std::string f = fs[open[p]];
    if (outcome == 0) {
      h.push_back(Info(p + 1, f, input[p]));
    } else if (outcome == 1 && f == "cas") {
      h.push_back(Fail(p + 1, f, input[p]));
    } else {
      h.push_back(Ok(p + 1, f, f == "read" ? I(rng.UniformInt(0, 2)) : input[p]));
    }
    open[p] = -1;
  }
  return h;
}

TEST(SetAside, NeverChangesAVerdict) {
  Rng rng(20261203);
  int set_aside_histories = 0, linearizable = 0;
  for (int i = 0; i < 4000; ++i) {
    const bool with_cas = i % 2 == 1;
    const bool observed = i % 4 == 3;
    const History h = RandomHistory(rng, with_cas);
    auto m = MakeModel(with_cas ? "cas-register" : "register", {.init = I(0), .failed_cas_observed = observed});
    ASSERT_TRUE(m.ok());
    absl::StatusOr<std::vector<Operation>> ops = PrepareOperations(h, **m, "random");
    ASSERT_TRUE(ops.ok()) << ops.status();
    std::vector<uint8_t> used(ops->size(), 0);
    const bool reference = BruteForce(*ops, **m, used, 0, (*m)->Init());
    const LinearizabilityResult r = CheckOperations(*ops, **m, {});
    ASSERT_EQ(r.verdict, reference ? Verdict::kLinearizable : Verdict::kNotLinearizable)
        << "history " << i << " (" << (with_cas ? "cas-register" : "register") << ")";
    set_aside_histories += r.set_aside > 0;
    linearizable += reference;
  }
  // The sample exercises both verdicts and the pruning itself.
  EXPECT_GT(set_aside_histories, 200);
  EXPECT_GT(linearizable, 400);
  EXPECT_LT(linearizable, 3600);
}

}  // namespace
}  // namespace dsim
