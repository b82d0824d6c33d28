#include "sim/check/atomic_commit.h"

#include "absl/strings/str_format.h"
#include "sim/time.h"

namespace dsim {
namespace {

void Fail(Finding& f, const std::string& what) {
  if (f.violations++ == 0) f.detail = what;
  f.ok = false;
}

const char* Word(bool commit) { return commit ? "commit" : "abort"; }

}  // namespace

AtomicCommitReport CheckAtomicCommit(const std::map<std::string, std::set<int32_t>>& participants,
                                     const std::vector<Vote>& votes,
                                     const std::vector<CommitDecision>& decisions) {
  AtomicCommitReport r;
  // Earliest yes vote per (tx, node).
  std::map<std::pair<std::string, int32_t>, int64_t> yes_at;
  for (const Vote& v : votes) {
    if (!v.yes) continue;
    auto key = std::make_pair(v.tx, v.node);
    auto it = yes_at.find(key);
    if (it == yes_at.end() || v.time_ns < it->second) yes_at[key] = v.time_ns;
  }
  std::map<std::string, const CommitDecision*> first;
  std::map<std::pair<std::string, int32_t>, bool> by_node;
  std::set<std::string> committed, aborted;
  for (const CommitDecision& d : decisions) {
    auto [it, fresh] = first.emplace(d.tx, &d);
    if (!fresh && it->second->commit != d.commit) {
      Fail(r.agreement,
           absl::StrFormat("tx %s: n%d decided %s at %s but n%d decided %s at %s", d.tx,
                           it->second->node, Word(it->second->commit),
                           FormatDuration(it->second->time_ns), d.node, Word(d.commit),
                           FormatDuration(d.time_ns)));
    }
    auto [nit, nfresh] = by_node.emplace(std::make_pair(d.tx, d.node), d.commit);
    if (!nfresh && nit->second != d.commit) {
      Fail(r.no_reversal, absl::StrFormat("tx %s: n%d decided %s, then %s at %s", d.tx, d.node,
                                          Word(nit->second), Word(d.commit), FormatDuration(d.time_ns)));
    }
    (d.commit ? committed : aborted).insert(d.tx);
    if (d.commit) {
      auto p = participants.find(d.tx);
      if (p == participants.end()) continue;
      for (int32_t node : p->second) {
        auto y = yes_at.find({d.tx, node});
        if (y == yes_at.end() || y->second > d.time_ns) {
          Fail(r.unanimity, absl::StrFormat("tx %s: n%d decided commit at %s but n%d had not voted yes",
                                            d.tx, d.node, FormatDuration(d.time_ns), node));
          break;
        }
      }
    }
  }
  r.committed = static_cast<int>(committed.size());
  r.aborted = static_cast<int>(aborted.size());
  if (r.agreement.ok) {
    r.agreement.detail = absl::StrFormat("%d committed, %d aborted, no split decision", r.committed, r.aborted);
  }
  if (r.no_reversal.ok) r.no_reversal.detail = "no decision changed";
  if (r.unanimity.ok) r.unanimity.detail = "every commit had every participant's yes";
  return r;
}

Finding CheckMoneyConserved(const std::vector<BalanceRead>& reads, int64_t total) {
  Finding f;
  for (const BalanceRead& r : reads) {
    int64_t sum = 0;
    for (size_t i = 0; i < r.balances.size(); ++i) {
      sum += r.balances[i];
      if (r.balances[i] < 0) {
        Fail(f, absl::StrFormat("read at %s: account %d holds %d", FormatDuration(r.time_ns), i,
                                r.balances[i]));
      }
    }
    if (sum != total) {
      Fail(f, absl::StrFormat("read at %s: balances sum to %d, not %d", FormatDuration(r.time_ns),
                              sum, total));
    }
  }
  if (f.ok) f.detail = absl::StrFormat("%d reads, each summing to %d", reads.size(), total);
  return f;
}

}  // namespace dsim
