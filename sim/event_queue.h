// The engine's event queue: a 4-ary min-heap of 16-byte entries ordered by
// (time, sequence number). The sequence number is the insertion order, so
// events at the same time run in the order they were scheduled - the one tie
// break that every run agrees on.
//
// An entry carries a 32-bit slot (the caller's event record); the queue
// itself never allocates once its vector has grown to the peak size.
//
//   EventQueue q;
//   q.Push(/*time_ns=*/500, /*slot=*/7);
//   EventQueue::Entry e = q.Pop();   // e.time() == 500, e.slot() == 7
#ifndef DSIM_SIM_EVENT_QUEUE_H_
#define DSIM_SIM_EVENT_QUEUE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/assert.h"

namespace dsim {

class EventQueue {
 public:
  // Packs (time, seq, slot) into one 128-bit key so that ordering is a single
  // unsigned comparison: time (sign-flipped) in the high 64 bits, then the
  // 32-bit sequence number, then the slot.
  struct Entry {
    unsigned __int128 key;
    int64_t time() const {
      return static_cast<int64_t>(static_cast<uint64_t>(key >> 64) ^ kSignBit);
    }
    uint32_t seq() const { return static_cast<uint32_t>(static_cast<uint64_t>(key) >> 32); }
    uint32_t slot() const { return static_cast<uint32_t>(key); }
  };

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  int64_t top_time() const { return heap_.front().time(); }
  void Reserve(size_t n) { heap_.reserve(n); }

  void Push(int64_t time_ns, uint32_t slot) {
    if (__builtin_expect(next_seq_ > kMaxSeq, 0)) Renumber();
    const Entry e{Make(time_ns, static_cast<uint32_t>(next_seq_++), slot)};
    heap_.push_back(e);
    SiftUp(heap_.size() - 1, e);
  }

  // REQUIRES: !empty().
  Entry Pop() {
    DSIM_ASSERT(!heap_.empty());
    const Entry top = heap_.front();
    const Entry last = heap_.back();
    heap_.pop_back();
    const size_t n = heap_.size();
    if (n == 0) return top;
    // Bottom-up: walk the hole at the root down to a leaf along the smallest
    // children, then sift `last` up from there.
    // `last` came from the bottom, so it rarely climbs far.
    Entry* h = heap_.data();
    size_t i = 0;
    for (;;) {
      const size_t c = (i << 2) + 1;
      if (c >= n) break;
      const size_t end = c + 4 < n ? c + 4 : n;
      size_t m = c;
      for (size_t k = c + 1; k < end; ++k) m = h[k].key < h[m].key ? k : m;
      h[i] = h[m];
      i = m;
    }
    SiftUp(i, last);
    return top;
  }

  // Calls fn(time_ns, slot) -> new time_ns for every pending entry, keeping
  // each entry's sequence number, then restores the heap order. O(n); used
  // for rare re-timing (a node's clock rate changed under its timers).
  template <class Fn>
  void Retime(Fn fn) {
    for (Entry& e : heap_) {
      const int64_t t = fn(e.time(), e.slot());
      e.key = Make(t, e.seq(), e.slot());
    }
    Rebuild();
  }

  // For tests: force the sequence counter near its limit.
  void SetNextSeqForTest(uint64_t seq) { next_seq_ = seq; }

 private:
  static constexpr uint64_t kSignBit = 1ull << 63;
  static constexpr uint64_t kMaxSeq = 0xFFFFFFFFull;

  static unsigned __int128 Make(int64_t time_ns, uint32_t seq, uint32_t slot) {
    const uint64_t hi = static_cast<uint64_t>(time_ns) ^ kSignBit;
    const uint64_t lo = (static_cast<uint64_t>(seq) << 32) | slot;
    return (static_cast<unsigned __int128>(hi) << 64) | lo;
  }

  void SiftUp(size_t i, Entry e) {
    while (i > 0) {
      const size_t parent = (i - 1) >> 2;
      if (heap_[parent].key <= e.key) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  void SiftDown(size_t i, Entry e) {
    const size_t n = heap_.size();
    for (;;) {
      const size_t first = (i << 2) + 1;
      if (first >= n) break;
      size_t best = first;
      const size_t end = std::min(first + 4, n);
      for (size_t c = first + 1; c < end; ++c) {
        if (heap_[c].key < heap_[best].key) best = c;
      }
      if (e.key <= heap_[best].key) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  void Rebuild() {
    if (heap_.size() < 2) return;
    for (size_t i = (heap_.size() - 2) / 4 + 1; i-- > 0;) SiftDown(i, heap_[i]);
  }

  // Sequence numbers are 32 bits. When they run out, renumber the pending
  // entries 0..n-1 in their current order: relative order (and so the run)
  // is unchanged.
  void Renumber() {
    std::sort(heap_.begin(), heap_.end(),
              [](const Entry& a, const Entry& b) { return a.key < b.key; });
    for (size_t i = 0; i < heap_.size(); ++i) {
      heap_[i].key = Make(heap_[i].time(), static_cast<uint32_t>(i), heap_[i].slot());
    }
    next_seq_ = heap_.size();  // a sorted array is a valid heap
  }

  std::vector<Entry> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace dsim

#endif  // DSIM_SIM_EVENT_QUEUE_H_
