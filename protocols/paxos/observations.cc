#include "protocols/paxos/observations.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "sim/run_checks.h"
#include "sim/time.h"

namespace dsim::paxos {
namespace {

void Fail(Finding& f, const std::string& what) {
  if (f.violations++ == 0) f.detail = what;
  f.ok = false;
}

}  // namespace

void PaxosLog::Settle(const Observer& observer) {
  std::vector<AcceptedEvent> kept;
  kept.reserve(accepted.size());
  for (const AcceptedEvent& a : accepted) {
    if (observer.Survived(a.stamp)) kept.push_back(a);
  }
  const auto by_time = [](const AcceptedEvent& a, const AcceptedEvent& b) { return a.time_ns < b.time_ns; };
  if (!std::is_sorted(kept.begin(), kept.end(), by_time)) std::stable_sort(kept.begin(), kept.end(), by_time);
  accepted = std::move(kept);
  for (std::vector<PromiseWrite>& writes : promise_writes) {
    std::vector<PromiseWrite> w;
    w.reserve(writes.size());
    for (const PromiseWrite& p : writes) {
      if (observer.Survived(p.stamp)) w.push_back(p);
    }
    writes = std::move(w);
  }
}

PaxosFindings CheckPaxos(const PaxosLog& log, int quorum, const ValueSemantics& values) {
  PaxosFindings r;
  const std::string& noop = values.noop;
  // P1: chosen(i) = values accepted by a quorum in one ballot. A restarted
  // acceptor is the same acceptor: its earlier acceptances still count.
  struct Vote {
    uint64_t acceptors = 0;  // one bit per acceptor
    int64_t chosen_at = -1;
  };
  // Looked up only, never iterated.
  absl::flat_hash_map<std::tuple<int64_t, Ballot, ValueId>, Vote> votes;
  // Instance -> (value, when first chosen), sorted by value before use.
  absl::flat_hash_map<int64_t, std::vector<std::pair<ValueId, int64_t>>> chosen_at;
  for (const AcceptedEvent& a : log.accepted) {
    Vote& v = votes[{a.instance, a.ballot, a.value}];
    v.acceptors |= 1ull << (a.acceptor - 1);
    if (v.chosen_at < 0 && __builtin_popcountll(v.acceptors) >= quorum) {
      v.chosen_at = a.time_ns;
      auto& chosen_values = chosen_at[a.instance];
      auto same = [&](const std::pair<ValueId, int64_t>& c) { return c.first == a.value; };
      if (std::none_of(chosen_values.begin(), chosen_values.end(), same)) {
        chosen_values.push_back({a.value, a.time_ns});
      }
    }
  }
  std::vector<std::pair<int64_t, const std::vector<std::pair<ValueId, int64_t>>*>> by_instance;
  // Each instance's values in the order they were chosen (by value at one
  // time), so that the first chosen is the one reported.
  const auto earlier = [](const std::pair<ValueId, int64_t>& a, const std::pair<ValueId, int64_t>& b) {
    return std::tie(a.second, a.first) < std::tie(b.second, b.first);
  };
  for (auto& [instance, chosen_values] : chosen_at) {
    std::sort(chosen_values.begin(), chosen_values.end(), earlier);
    by_instance.push_back({instance, &chosen_values});
  }
  std::sort(by_instance.begin(), by_instance.end());
  auto show = [&](ValueId v) {
    return values.describe ? values.describe(log.value(v)) : log.value(v);
  };
  for (const auto& [instance, values_at] : by_instance) {
    const auto& chosen_values = *values_at;
    r.chosen[instance] = log.value(chosen_values.begin()->first);
    if (chosen_values.size() > 1) {
      const auto& [first, first_at] = chosen_values[0];
      const auto& [second, second_at] = chosen_values[1];
      Fail(r.agreement, absl::StrFormat("instance %d: \"%s\" was chosen at %s and \"%s\" at %s", instance,
                                        show(first), FormatDuration(first_at), show(second),
                                        FormatDuration(second_at)));
    }
    // P2
    for (const auto& [id, t] : chosen_values) {
      const std::string& v = log.value(id);
      if (v != noop && !log.proposed.count(values.proposal_of ? values.proposal_of(v) : v)) {
        Fail(r.validity, absl::StrFormat("instance %d: \"%s\" was chosen but never proposed", instance, show(id)));
      }
    }
  }
  // P3
  for (const LearnEvent& l : log.learned) {
    bool chosen = false;
    if (auto it = chosen_at.find(l.instance); it != chosen_at.end()) {
      for (const auto& [value, t] : it->second) chosen = chosen || (value == l.value && t <= l.time_ns);
    }
    if (!chosen) {
      Fail(r.learned_chosen,
           absl::StrFormat("n%d learned \"%s\" for instance %d at %s, but no quorum had accepted it",
                           l.node, show(l.value), l.instance, FormatDuration(l.time_ns)));
    }
  }
  // P4
  absl::flat_hash_map<std::pair<int64_t, Ballot>, ValueId> sent;
  for (const AcceptSentEvent& a : log.accept_sent) {
    auto [it, fresh] = sent.emplace(std::make_pair(a.instance, a.ballot), a.value);
    if (!fresh && it->second != a.value) {
      Fail(r.unique_ballot, absl::StrFormat("instance %d ballot %s carried \"%s\" and \"%s\"", a.instance,
                                            FormatBallot(a.ballot), show(it->second), show(a.value)));
    }
  }
  // P5: per acceptor, across incarnations, `promised` never goes down.
  for (size_t acceptor = 0; acceptor < log.promise_writes.size(); ++acceptor) {
    Ballot high = 0;
    for (const PromiseWrite& w : log.promise_writes[acceptor]) {
      const int64_t t = w.time_ns;
      const Ballot b = w.ballot;
      if (b < high) {
        Fail(r.monotonic, absl::StrFormat("acceptor n%d promised %s at %s after promising %s",
                                          acceptor, FormatBallot(b), FormatDuration(t), FormatBallot(high)));
      }
      high = std::max(high, b);
    }
  }
  // P6: each phase 2 value is the one with the highest accepted ballot among
  // the first quorum of promises its proposer received for that ballot (or
  // anything, when none of them reported one).
  // Per (proposer, ballot): the first promise of each acceptor, up to a
  // quorum of them in the order received, and after each k of those the
  // highest-ballot report per instance. A phase 2 message counts the
  // promises that had arrived when it was sent.
  struct PhaseOne {
    std::vector<const PromiseEvent*> counted;
    std::vector<absl::flat_hash_map<int64_t, Reported>> best;  // best[k]: over counted[0..k]
  };
  absl::flat_hash_map<std::pair<NodeId, Ballot>, PhaseOne> received;
  for (const PromiseEvent& p : log.promises) {
    PhaseOne& one = received[{p.proposer, p.ballot}];
    if (static_cast<int>(one.counted.size()) >= quorum) continue;
    const auto same = [&](const PromiseEvent* q) { return q->acceptor == p.acceptor; };
    if (std::any_of(one.counted.begin(), one.counted.end(), same)) continue;
    one.counted.push_back(&p);
    one.best.push_back(one.best.empty() ? absl::flat_hash_map<int64_t, Reported>() : one.best.back());
    for (const Reported& rep : p.reported) {
      Reported& b = one.best.back().try_emplace(rep.instance, Reported{rep.instance, 0, 0}).first->second;
      if (rep.ballot > b.ballot) b = rep;
    }
  }
  for (const AcceptSentEvent& a : log.accept_sent) {
    auto it = received.find(std::make_pair(a.proposer, a.ballot));
    if (it == received.end()) continue;  // e.g. a leader's steady state: phase 1 was earlier
    const PhaseOne& one = it->second;
    size_t k = 0;
    while (k < one.counted.size() && one.counted[k]->time_ns <= a.time_ns) ++k;
    Ballot best = 0;
    ValueId best_value = 0;
    if (k > 0) {
      if (auto b = one.best[k - 1].find(a.instance); b != one.best[k - 1].end()) {
        best = b->second.ballot;
        best_value = b->second.value;
      }
    }
    if (best != 0 && best_value != a.value) {
      Fail(r.safe_proposal,
           absl::StrFormat("n%d proposed \"%s\" for instance %d in ballot %s, but its promises "
                           "reported \"%s\" accepted in ballot %s",
                           a.proposer, show(a.value), a.instance, FormatBallot(a.ballot),
                           show(best_value), FormatBallot(best)));
    }
  }
  if (r.agreement.ok) r.agreement.detail = absl::StrFormat("%d instances chosen, one value each", r.chosen.size());
  if (r.validity.ok) r.validity.detail = "every chosen value was proposed";
  if (r.learned_chosen.ok) r.learned_chosen.detail = absl::StrFormat("%d learn events, all chosen", log.learned.size());
  if (r.unique_ballot.ok) r.unique_ballot.detail = "one value per instance and ballot";
  if (r.monotonic.ok) r.monotonic.detail = "no acceptor's promise went down";
  if (r.safe_proposal.ok) r.safe_proposal.detail = "every phase 2 value followed its phase 1";
  return r;
}

void ReportPaxosFindings(const PaxosFindings& f, const std::set<std::string>& checks, RunOutcome& out) {
  ReportFinding(checks, "agreement", f.agreement, out);
  ReportFinding(checks, "validity", f.validity, out);
  ReportFinding(checks, "learned_chosen", f.learned_chosen, out);
  ReportFinding(checks, "unique_ballot", f.unique_ballot, out);
  ReportFinding(checks, "acceptor_monotonic", f.monotonic, out);
  ReportFinding(checks, "safe_proposal", f.safe_proposal, out);
}

}  // namespace dsim::paxos
