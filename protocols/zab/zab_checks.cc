#include "protocols/zab/zab_checks.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/check/broadcast.h"
#include "sim/time.h"

namespace dsim::zab {
namespace {

void Fail(Finding& f, const std::string& what) {
  if (f.violations++ == 0) f.detail = what;
  f.ok = false;
}

std::string Text(const ZabLog& log, ValueId v) {
  return TxnText(MustDecode<Txn>(log.value(v), "a delivered transaction"));
}

}  // namespace

ZabFindings CheckZab(const ZabLog& log) {
  ZabFindings z;
  // Ordered broadcast, over readable transactions.
  std::map<std::tuple<NodeId, uint32_t, uint32_t>, DeliverySequence> seqs;
  std::map<std::tuple<NodeId, uint32_t, uint32_t>, std::vector<ValueId>> raw;
  for (const ZabLog::Delivery& d : log.deliveries) {
    const auto key = std::make_tuple(d.server, d.incarnation, d.sequence);
    DeliverySequence& s = seqs[key];
    if (s.label.empty()) {
      s.label = absl::StrFormat("n%d (incarnation %d, sync %d)", d.server, d.incarnation, d.sequence);
    }
    s.items.push_back({d.zxid, Text(log, d.value)});
    raw[key].push_back(d.value);
  }
  std::vector<DeliverySequence> sequences;
  const std::vector<ValueId>* longest = nullptr;
  const DeliverySequence* longest_seq = nullptr;
  for (auto& [key, s] : seqs) {
    sequences.push_back(s);
    if (longest == nullptr || s.items.size() > longest->size()) {
      longest = &raw[key];
      longest_seq = &s;
    }
  }
  std::vector<Delivered> broadcasts;
  for (const ZabLog::Broadcast& b : log.broadcasts) broadcasts.push_back({b.zxid, Text(log, b.value)});
  const BroadcastReport r = CheckOrderedBroadcast(sequences, broadcasts);
  z.agreement = r.prefix_order;
  z.integrity = r.integrity;
  if (!r.no_duplicates.ok) Fail(z.integrity, r.no_duplicates.detail);
  z.primary_order = r.primary_order;
  if (longest != nullptr) {
    for (size_t i = 0; i < longest->size(); ++i) {
      LogEntry e;
      e.zxid = longest_seq->items[i].zxid;
      e.txn = MustDecode<Txn>(log.value((*longest)[i]), "a delivered transaction");
      z.committed.push_back(std::move(e));
    }
  }

  // Primary integrity: a leader of epoch e established a history that holds
  // every transaction of an earlier epoch that anyone ever delivers.
  std::map<Zxid, const ZabLog::Delivery*> first_delivery;
  for (const ZabLog::Delivery& d : log.deliveries) first_delivery.emplace(d.zxid, &d);
  for (const ZabLog::Establishment& est : log.establishments) {
    for (auto it = first_delivery.upper_bound(est.history_end); it != first_delivery.end(); ++it) {
      if (EpochOf(it->first) >= est.epoch) break;
      Fail(z.primary_integrity,
           absl::StrFormat("n%d established epoch %d at %s with a history ending at %s, but n%d delivered "
                           "%s \"%s\" of epoch %d at %s",
                           est.leader, est.epoch, FormatDuration(est.time_ns), FormatZxid(est.history_end),
                           it->second->server, FormatZxid(it->first), Text(log, it->second->value),
                           EpochOf(it->first), FormatDuration(it->second->time_ns)));
    }
  }
  if (z.primary_integrity.ok) {
    z.primary_integrity.detail = absl::StrFormat(
        "%d established leaders each held every earlier-epoch transaction delivered", log.establishments.size());
  }

  // One established leader per epoch.
  std::map<uint32_t, const ZabLog::Establishment*> by_epoch;
  for (const ZabLog::Establishment& est : log.establishments) {
    auto [it, fresh] = by_epoch.emplace(est.epoch, &est);
    if (!fresh && it->second->leader != est.leader) {
      Fail(z.one_leader_per_epoch,
           absl::StrFormat("epoch %d was established by n%d at %s and by n%d at %s", est.epoch,
                           it->second->leader, FormatDuration(it->second->time_ns), est.leader,
                           FormatDuration(est.time_ns)));
    }
  }
  if (z.one_leader_per_epoch.ok) {
    z.one_leader_per_epoch.detail = absl::StrFormat("%d epochs, one leader each", by_epoch.size());
  }

  // Epochs on disk never go back; currentEpoch never passes acceptedEpoch.
  std::map<NodeId, std::pair<uint32_t, uint32_t>> epochs;  // accepted, current
  int writes = 0;
  for (const ZabLog::EpochWrite& w : log.epoch_writes) {
    ++writes;
    auto& [accepted, current] = epochs[w.server];
    uint32_t& slot = w.accepted ? accepted : current;
    const char* name = w.accepted ? "acceptedEpoch" : "currentEpoch";
    if (w.epoch < slot) {
      Fail(z.epoch_monotonic, absl::StrFormat("n%d wrote %s %d after %d", w.server, name, w.epoch, slot));
    }
    slot = w.epoch;
    if (current > accepted) {
      Fail(z.epoch_monotonic,
           absl::StrFormat("n%d has currentEpoch %d above acceptedEpoch %d", w.server, current, accepted));
    }
  }
  if (z.epoch_monotonic.ok) z.epoch_monotonic.detail = absl::StrFormat("%d durable epoch writes, none went back", writes);
  return z;
}

Finding CheckExclusiveHolds(const RecipeLog& log, const char* what) {
  Finding f;
  std::vector<RecipeLog::Hold> holds = log.holds;
  std::sort(holds.begin(), holds.end(),
            [](const RecipeLog::Hold& a, const RecipeLog::Hold& b) { return a.start_ns < b.start_ns; });
  const RecipeLog::Hold* open = nullptr;  // the hold that ends last so far
  auto end = [](const RecipeLog::Hold& h) { return h.end_ns < 0 ? INT64_MAX : h.end_ns; };
  for (const RecipeLog::Hold& h : holds) {
    if (open != nullptr && h.start_ns < end(*open)) {
      Fail(f, absl::StrFormat("n%d %s (token %s) from %s while n%d still did (token %s, since %s, until %s)",
                              h.client, what, FormatZxid(h.token), FormatDuration(h.start_ns), open->client,
                              FormatZxid(open->token), FormatDuration(open->start_ns),
                              open->end_ns < 0 ? "the end" : FormatDuration(open->end_ns)));
    }
    if (open == nullptr || end(h) > end(*open)) open = &h;
  }
  if (f.ok) f.detail = absl::StrFormat("%d holds, never two at once", holds.size());
  return f;
}

Finding CheckResourceExclusive(const RecipeLog& log) {
  Finding f;
  int64_t highest = 0;
  NodeId highest_client = 0;
  int accepted = 0, refused = 0;
  for (const RecipeLog::Use& u : log.uses) {
    if (!u.accepted) {
      ++refused;
      continue;
    }
    ++accepted;
    if (u.token < highest) {
      Fail(f, absl::StrFormat("at %s the resource accepted a write from n%d with token %s after n%d's with "
                              "token %s: two holders wrote interleaved",
                              FormatDuration(u.time_ns), u.client, FormatZxid(u.token), highest_client,
                              FormatZxid(highest)));
    }
    if (u.token >= highest) {
      highest = u.token;
      highest_client = u.client;
    }
  }
  if (f.ok) {
    f.detail = absl::StrFormat("%d writes accepted in token order, %d stale ones refused", accepted, refused);
  }
  return f;
}

Finding CheckTerms(const RecipeLog& log) {
  Finding f;
  std::map<int64_t, NodeId> leader_of;
  std::vector<RecipeLog::Hold> holds = log.holds;
  std::sort(holds.begin(), holds.end(),
            [](const RecipeLog::Hold& a, const RecipeLog::Hold& b) { return a.start_ns < b.start_ns; });
  int64_t last = 0;
  for (const RecipeLog::Hold& h : holds) {
    auto [it, fresh] = leader_of.emplace(h.token, h.client);
    if (!fresh && it->second != h.client) {
      Fail(f, absl::StrFormat("term %s was led by n%d and by n%d", FormatZxid(h.token), it->second, h.client));
    }
    if (h.token < last) {
      Fail(f, absl::StrFormat("n%d began leading term %s at %s, after term %s had begun",
                              h.client, FormatZxid(h.token), FormatDuration(h.start_ns), FormatZxid(last)));
    }
    last = std::max(last, h.token);
  }
  if (f.ok) f.detail = absl::StrFormat("%d terms, one leader each, in increasing order", leader_of.size());
  return f;
}

DataTree Replay(const std::vector<LogEntry>& committed) {
  DataTree t;
  for (const LogEntry& e : committed) t.Apply(e.zxid, e.txn);
  return t;
}

QueueFindings CheckQueue(const History& h, const std::vector<LogEntry>& committed) {
  QueueFindings q;
  // Items by what the committed history did with their nodes.
  auto item_of = [](const std::string& path) -> int64_t {
    const size_t a = path.find("/q-"), b = path.rfind('-');
    if (a == std::string::npos || b <= a + 3) return 0;
    int64_t v = 0;
    for (size_t i = a + 3; i < b; ++i) v = v * 10 + (path[i] - '0');
    return v;
  };
  std::set<int64_t> created;
  std::string last_taken;
  for (const LogEntry& e : committed) {
    if (e.txn.path.rfind("/queue/", 0) != 0) continue;
    if (e.txn.kind == Txn::kCreate) created.insert(item_of(e.txn.path));
    if (e.txn.kind == Txn::kDelete) {
      // Sequence numbers are the last ten characters.
      const std::string seq = e.txn.path.substr(e.txn.path.size() - 10);
      if (!last_taken.empty() && seq < last_taken) {
        Fail(q.fifo, absl::StrFormat("%s was taken at %s, after item %s", e.txn.path, FormatZxid(e.zxid),
                                     last_taken));
      }
      last_taken = std::max(last_taken, seq);
    }
  }
  std::map<int64_t, int> taken;
  for (const HistoryEvent& e : h) {
    if (e.type != OpType::kOk) continue;
    if (e.f == "enqueue") {
      ++q.enqueued;
      if (!created.count(e.value.as_int())) {
        Fail(q.no_loss, absl::StrFormat("item %d was acknowledged at %s but is not in the committed history",
                                        e.value.as_int(), FormatDuration(e.time_ns)));
      }
    }
    if (e.f == "dequeue") {
      ++q.dequeued;
      if (++taken[e.value.as_int()] == 2) {
        Fail(q.no_duplicate, absl::StrFormat("item %d was dequeued twice", e.value.as_int()));
      }
    }
  }
  const DataTree tree = Replay(committed);
  q.left = static_cast<int>(tree.Children("/queue").size());
  if (q.no_loss.ok) {
    q.no_loss.detail = absl::StrFormat("%d acknowledged enqueues, all committed (%d still queued)", q.enqueued, q.left);
  }
  if (q.no_duplicate.ok) q.no_duplicate.detail = absl::StrFormat("%d dequeues, no item twice", q.dequeued);
  if (q.fifo.ok) q.fifo.detail = "items left the queue in the order they entered it";
  return q;
}

Finding CheckConfigConverged(const RecipeLog& log, const std::vector<NodeId>& subscribers, int64_t final_version) {
  Finding f;
  std::map<NodeId, int64_t> last;
  for (const RecipeLog::Seen& s : log.seen) last[s.client] = s.version;
  for (NodeId c : subscribers) {
    auto it = last.find(c);
    const int64_t v = it == last.end() ? -1 : it->second;
    if (v != final_version) {
      Fail(f, absl::StrFormat("subscriber n%d ended on version %s, but version %d is the last committed", c,
                              v < 0 ? "(none)" : absl::StrCat(v), final_version));
    }
  }
  if (final_version < log.published) {
    Fail(f, absl::StrFormat("version %d was acknowledged, but the committed value is %d", log.published,
                            final_version));
  }
  if (f.ok) {
    f.detail = absl::StrFormat("%d subscribers all ended on version %d", subscribers.size(), final_version);
  }
  return f;
}

Finding CheckConfigMonotonic(const RecipeLog& log) {
  Finding f;
  std::map<NodeId, int64_t> last;
  for (const RecipeLog::Seen& s : log.seen) {
    auto [it, fresh] = last.emplace(s.client, s.version);
    if (!fresh && s.version < it->second) {
      Fail(f, absl::StrFormat("subscriber n%d read version %d at %s after version %d", s.client, s.version,
                              FormatDuration(s.time_ns), it->second));
    }
    it->second = std::max(it->second, s.version);
  }
  if (f.ok) f.detail = absl::StrFormat("%d reads, no subscriber went back", log.seen.size());
  return f;
}

Finding CheckMembership(const RecipeLog& log, const std::set<std::string>& final_group,
                        const std::set<std::string>& must_be_in, const std::set<std::string>& must_be_out) {
  Finding f;
  const std::string group = absl::StrJoin(final_group, " ");
  if (log.views.empty()) {
    Fail(f, "the monitor never listed the group");
  } else {
    const std::set<std::string> view(log.views.back().members.begin(), log.views.back().members.end());
    if (view != final_group) {
      Fail(f, absl::StrFormat("the monitor's last view [%s] at %s is not the group [%s]",
                              absl::StrJoin(view, " "), FormatDuration(log.views.back().time_ns), group));
    }
  }
  for (const std::string& m : must_be_in) {
    if (!final_group.count(m)) Fail(f, absl::StrFormat("%s is alive but not in the group [%s]", m, group));
  }
  for (const std::string& m : must_be_out) {
    if (final_group.count(m)) {
      Fail(f, absl::StrFormat("%s died more than a session timeout ago but is still in the group [%s]", m, group));
    }
  }
  if (f.ok) f.detail = absl::StrFormat("the monitor ended on the group [%s], the members alive", group);
  return f;
}

}  // namespace dsim::zab
