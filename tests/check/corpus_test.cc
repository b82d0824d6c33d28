// Every history in ../shared/corpus with a known verdict gets that verdict.
#include <string>

#include "gtest/gtest.h"
#include "sim/check/history_io.h"
#include "sim/check/linearizability.h"
#include "tools/bench/corpus.h"

namespace dsim {
namespace {

TEST(Corpus, EveryKnownVerdictMatches) {
  absl::StatusOr<std::vector<CorpusEntry>> entries = ReadCorpusManifest(CorpusDir());
  ASSERT_TRUE(entries.ok()) << entries.status()
                            << " (the corpus is read from ../shared/corpus, or $DSIM_CORPUS)";
  int checked = 0, linearizable = 0, violations = 0;
  for (const CorpusEntry& e : *entries) {
    if (e.expected == Verdict::kUnknown) continue;
    SCOPED_TRACE(e.path);
    absl::StatusOr<ParsedHistory> h = LoadHistoryFile(CorpusDir() + "/" + e.path);
    ASSERT_TRUE(h.ok()) << h.status();
    absl::StatusOr<std::unique_ptr<Model>> m = MakeModel(e.model_name, e.options);
    ASSERT_TRUE(m.ok());
    absl::StatusOr<LinearizabilityResult> r = CheckLinearizability(h->events, **m, {}, e.path);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(VerdictName(r->verdict), std::string(VerdictName(e.expected)));
    if (r->verdict == Verdict::kNotLinearizable) {
      ++violations;
      ASSERT_TRUE(r->witness.has_value());
      EXPECT_GT(r->witness->prefix_events, 0);
      EXPECT_FALSE(r->witness->states.empty());
    }
    linearizable += r->verdict == Verdict::kLinearizable;
    ++checked;
  }
  EXPECT_EQ(checked, 230);
  EXPECT_EQ(linearizable, 23 + 3 + 113 + 1);
  EXPECT_EQ(violations, 79 + 3 + 7 + 1);
}

}  // namespace
}  // namespace dsim
