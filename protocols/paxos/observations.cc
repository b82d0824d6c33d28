#include "protocols/paxos/observations.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"

#include "absl/strings/str_format.h"
#include "sim/time.h"

namespace dsim::paxos {
namespace {

void Fail(Finding& f, const std::string& what) {
  if (f.violations++ == 0) f.detail = what;
  f.ok = false;
}

}  // namespace

void PaxosLog::Settle() {
  std::vector<AcceptedEvent> kept;
  for (AcceptedEvent& a : accepted) {
    if (!sim_->Survived(a.stamp)) continue;
    a.time_ns = Simulator::StampTime(a.stamp);
    kept.push_back(a);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const AcceptedEvent& x, const AcceptedEvent& y) { return x.time_ns < y.time_ns; });
  accepted = std::move(kept);
  for (auto& [acceptor, writes] : promise_writes) {
    std::vector<PromiseWrite> w;
    for (PromiseWrite& p : writes) {
      if (!sim_->Survived(p.stamp)) continue;
      p.time_ns = Simulator::StampTime(p.stamp);
      w.push_back(p);
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
  std::map<int64_t, std::map<ValueId, int64_t>> chosen_at;  // instance -> value -> time
  for (const AcceptedEvent& a : log.accepted) {
    Vote& v = votes[{a.instance, a.ballot, a.value}];
    v.acceptors |= 1ull << (a.acceptor - 1);
    if (v.chosen_at < 0 && __builtin_popcountll(v.acceptors) >= quorum) {
      v.chosen_at = a.time_ns;
      auto& values = chosen_at[a.instance];
      if (!values.count(a.value)) values[a.value] = a.time_ns;
    }
  }
  auto show = [&](ValueId v) {
    return values.describe ? values.describe(log.value(v)) : log.value(v);
  };
  for (const auto& [instance, chosen_values] : chosen_at) {
    r.chosen[instance] = log.value(chosen_values.begin()->first);
    if (chosen_values.size() > 1) {
      std::vector<std::pair<int64_t, ValueId>> order;
      for (const auto& [v, t] : chosen_values) order.push_back({t, v});
      std::sort(order.begin(), order.end());
      Fail(r.agreement, absl::StrFormat("instance %d: \"%s\" was chosen at %s and \"%s\" at %s",
                                        instance, show(order[0].second), FormatDuration(order[0].first),
                                        show(order[1].second), FormatDuration(order[1].first)));
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
      auto v = it->second.find(l.value);
      chosen = v != it->second.end() && v->second <= l.time_ns;
    }
    if (!chosen) {
      Fail(r.learned_chosen,
           absl::StrFormat("n%d learned \"%s\" for instance %d at %s, but no quorum had accepted it",
                           l.node, show(l.value), l.instance, FormatDuration(l.time_ns)));
    }
  }
  // P4
  std::map<std::pair<int64_t, Ballot>, ValueId> sent;
  for (const AcceptSentEvent& a : log.accept_sent) {
    auto [it, fresh] = sent.emplace(std::make_pair(a.instance, a.ballot), a.value);
    if (!fresh && it->second != a.value) {
      Fail(r.unique_ballot, absl::StrFormat("instance %d ballot %s carried \"%s\" and \"%s\"", a.instance,
                                            FormatBallot(a.ballot), show(it->second), show(a.value)));
    }
  }
  // P5: per acceptor, across incarnations, `promised` never goes down.
  for (const auto& [acceptor, writes] : log.promise_writes) {
    Ballot high = 0;
    for (const PromiseWrite& w : writes) {
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
  std::map<std::pair<NodeId, Ballot>, std::vector<const PromiseEvent*>> received;
  for (const PromiseEvent& p : log.promises) received[{p.proposer, p.ballot}].push_back(&p);
  for (const AcceptSentEvent& a : log.accept_sent) {
    auto it = received.find({a.proposer, a.ballot});
    if (it == received.end()) continue;  // e.g. a leader's steady state: phase 1 was earlier
    std::set<NodeId> counted;
    Ballot best = 0;
    ValueId best_value = 0;
    for (const PromiseEvent* p : it->second) {
      if (p->time_ns > a.time_ns || static_cast<int>(counted.size()) >= quorum) break;
      if (!counted.insert(p->acceptor).second) continue;
      for (const Reported& rep : p->reported) {
        if (rep.instance == a.instance && rep.ballot > best) {
          best = rep.ballot;
          best_value = rep.value;
        }
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

}  // namespace dsim::paxos
