// The engine's event queue: a radix heap of 16-byte entries ordered by
// (time, sequence number). The sequence number is the insertion order, so
// events at the same time run in the order they were scheduled - the one tie
// break that every run agrees on.
//
// A simulation never schedules into its past, so the keys it pops never
// decrease. A radix heap exploits that: an entry sits in the bucket named by
// the highest bit in which its key differs from the last key popped, and
// only moves to a lower bucket when that bucket's turn comes. Each entry
// moves a few times in its life instead of climbing a heap of log(n) levels,
// and the buckets are scanned in order, which keeps large queues (a million
// pending timers) out of the cache-miss regime of a binary or 4-ary heap.
// A key below the last one popped is still accepted (tests do it): the queue
// then rebuilds itself around the new minimum, in O(n).
//
// An entry carries a 32-bit slot (the caller's event record); the queue
// itself never allocates once its chunk pool has grown to the peak size.
//
//   EventQueue q;
//   q.Push(/*time_ns=*/500, /*slot=*/7);
//   EventQueue::Entry e = q.Pop();   // e.time() == 500, e.slot() == 7
#ifndef DSIM_SIM_EVENT_QUEUE_H_
#define DSIM_SIM_EVENT_QUEUE_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/assert.h"

namespace dsim {

class EventQueue {
 public:
  using Key = unsigned __int128;

  // Packs (time, seq, slot) into one 128-bit key so that ordering is a single
  // unsigned comparison: time (sign-flipped) in the high 64 bits, then the
  // 32-bit sequence number, then the slot. Keys are unique (so is seq).
  struct Entry {
    Key key;
    int64_t time() const {
      return static_cast<int64_t>(static_cast<uint64_t>(key >> 64) ^ kSignBit);
    }
    uint32_t seq() const { return static_cast<uint32_t>(static_cast<uint64_t>(key) >> 32); }
    uint32_t slot() const { return static_cast<uint32_t>(key); }
  };

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // REQUIRES: !empty().
  int64_t top_time() {
    Settle();
    return Entry{front_.back()}.time();
  }

  // The slot of the earliest entry (REQUIRES: !empty()): what the loop
  // prefetches while it handles the current one.
  uint32_t top_slot() {
    Settle();
    return Entry{front_.back()}.slot();
  }

  EventQueue() { front_.reserve(4 * kSortAtMost); }

  void Reserve(size_t n) { pool_.reserve(n / kChunkKeys + kBuckets); }

  void Push(int64_t time_ns, uint32_t slot) {
    if (__builtin_expect(next_seq_ > kMaxSeq, 0)) Renumber();
    Insert(Make(time_ns, static_cast<uint32_t>(next_seq_++), slot));
  }

  // REQUIRES: !empty().
  Entry Pop() {
    DSIM_ASSERT(size_ > 0);
    Settle();
    const Key k = front_.back();
    front_.pop_back();
    --size_;
    return Entry{k};
  }

  // Calls fn(time_ns, slot) -> new time_ns for every pending entry, keeping
  // each entry's sequence number, then rebuilds the buckets. O(n); used for
  // rare re-timing (a node's clock rate changed under its timers).
  template <class Fn>
  void Retime(Fn fn) {
    std::vector<Key> all = TakeAll();
    for (Key& k : all) {
      const Entry e{k};
      k = Make(fn(e.time(), e.slot()), e.seq(), e.slot());
    }
    Rebuild(all);
  }

  // For tests: force the sequence counter near its limit.
  void SetNextSeqForTest(uint64_t seq) { next_seq_ = seq; }

 private:
  static constexpr uint64_t kSignBit = 1ull << 63;
  static constexpr uint64_t kMaxSeq = 0xFFFFFFFFull;
  // Bucket 0 holds the key equal to last_; bucket b >= 1 the keys whose
  // highest bit differing from last_ is bit b - 1.
  static constexpr int kBuckets = 129;
  // A bucket this small is sorted whole when its turn comes.
  static constexpr size_t kSortAtMost = 64;

  static Key Make(int64_t time_ns, uint32_t seq, uint32_t slot) {
    const uint64_t hi = static_cast<uint64_t>(time_ns) ^ kSignBit;
    const uint64_t lo = (static_cast<uint64_t>(seq) << 32) | slot;
    return (static_cast<Key>(hi) << 64) | lo;
  }

  __attribute__((always_inline)) static int BucketOf(Key k, Key last) {
    const Key x = k ^ last;
    const uint64_t hi = static_cast<uint64_t>(x >> 64);
    if (hi != 0) return 128 - __builtin_clzll(hi);
    const uint64_t lo = static_cast<uint64_t>(x);
    return lo == 0 ? 0 : 64 - __builtin_clzll(lo);
  }

  // Buckets are singly linked lists of fixed-size chunks drawn from one
  // pool, so memory follows the total number of pending keys rather than
  // each bucket's own peak: once the pool has grown to the largest queue
  // the run has seen, nothing is allocated.
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  static constexpr uint32_t kChunkKeys = 31;
  struct Chunk {
    Key keys[kChunkKeys];
    uint32_t next;
    uint32_t count;
  };
  struct Bucket {
    uint32_t head = kNone;
    uint32_t size = 0;
  };

  uint32_t NewChunk() {
    uint32_t c = free_;
    if (c != kNone) {
      free_ = pool_[c].next;
    } else {
      c = static_cast<uint32_t>(pool_.size());
      pool_.emplace_back();
    }
    pool_[c].count = 0;
    return c;
  }
  void FreeChunk(uint32_t c) {
    pool_[c].next = free_;
    free_ = c;
  }

  __attribute__((always_inline)) void Put(Key k) {
    const int b = BucketOf(k, last_);
    Bucket& bucket = buckets_[b];
    if (bucket.head == kNone || pool_[bucket.head].count == kChunkKeys) {
      const uint32_t c = NewChunk();
      pool_[c].next = bucket.head;
      bucket.head = c;
    }
    Chunk& chunk = pool_[bucket.head];
    chunk.keys[chunk.count++] = k;
    ++bucket.size;
    nonempty_[b >> 6] |= 1ull << (b & 63);
  }

  // Empties bucket b, calling fn(key) for each of its keys; fn may Put keys
  // into other buckets (a chunk is freed only once it has been read).
  template <class Fn>
  void Drain(int b, Fn fn) {
    uint32_t c = buckets_[b].head;
    buckets_[b] = Bucket{};
    nonempty_[b >> 6] &= ~(1ull << (b & 63));
    while (c != kNone) {
      const uint32_t n = pool_[c].count;
      for (uint32_t i = 0; i < n; ++i) fn(pool_[c].keys[i]);
      const uint32_t next = pool_[c].next;
      FreeChunk(c);
      c = next;
    }
  }

  Key MinOf(int b) const {
    Key m = ~Key{0};
    for (uint32_t c = buckets_[b].head; c != kNone; c = pool_[c].next) {
      const Chunk& chunk = pool_[c];
      for (uint32_t i = 0; i < chunk.count; ++i) m = chunk.keys[i] < m ? chunk.keys[i] : m;
    }
    return m;
  }

  void Insert(Key k) {
    if (k < last_) {
      if (__builtin_expect(front_.empty(), 0)) {
        // Into the past: rebuild around the new minimum.
        std::vector<Key> all = TakeAll();
        all.push_back(k);
        Rebuild(all);
        return;
      }
      // Within the sorted front (kept in descending order): a branch-free
      // binary search for the first smaller key, and one move of the
      // smaller keys.
      const Key* base = front_.data();
      size_t n = front_.size();
      while (n > 1) {
        const size_t half = n / 2;
        base += static_cast<size_t>(base[half - 1] > k) * half;
        n -= half;
      }
      const size_t at = static_cast<size_t>(base - front_.data()) + static_cast<size_t>(base[0] > k);
      front_.insert(front_.begin() + static_cast<std::ptrdiff_t>(at), k);
    } else {
      Put(k);
    }
    ++size_;
  }

  int LowestNonempty() const {
    for (int w = 0; w < 3; ++w) {
      if (nonempty_[w] != 0) return w * 64 + __builtin_ctzll(nonempty_[w]);
    }
    return -1;
  }

  // Makes front_ hold the smallest keys, sorted in descending order (the
  // minimum at the back), with last_ = the largest of them.
  // REQUIRES: !empty().
  void Settle() {
    while (front_.empty()) {
      const int b = LowestNonempty();
      DSIM_ASSERT(b >= 0);
      if (buckets_[b].size <= kSortAtMost) {
        // Every key left in the buckets is above this whole bucket: sort it
        // into the front instead of splitting it bit by bit.
        Drain(b, [this](Key k) { front_.push_back(k); });
        std::sort(front_.begin(), front_.end(), [](Key a, Key c) { return a > c; });
        last_ = front_.front();
        continue;
      }
      last_ = MinOf(b);
      // Every key in bucket b differs from the new last_ below bit b - 1, so
      // each lands in a lower bucket; the minimum itself lands in bucket 0.
      Drain(b, [this](Key k) { Put(k); });
    }
  }

  std::vector<Key> TakeAll() {
    std::vector<Key> all;
    all.reserve(size_);
    all.insert(all.end(), front_.begin(), front_.end());
    front_.clear();
    for (int b = 0; b < kBuckets; ++b) Drain(b, [&all](Key k) { all.push_back(k); });
    size_ = 0;
    return all;
  }

  void Rebuild(const std::vector<Key>& all) {
    if (all.empty()) return;
    last_ = *std::min_element(all.begin(), all.end());
    for (const Key k : all) Put(k);
    size_ = all.size();
  }

  // Sequence numbers are 32 bits. When they run out, renumber the pending
  // entries 0..n-1 in their current order: relative order (and so the run)
  // is unchanged.
  void Renumber() {
    std::vector<Key> all = TakeAll();
    std::sort(all.begin(), all.end());
    for (size_t i = 0; i < all.size(); ++i) {
      const Entry e{all[i]};
      all[i] = Make(e.time(), static_cast<uint32_t>(i), e.slot());
    }
    last_ = 0;
    Rebuild(all);
    next_seq_ = all.size();
  }

  // The smallest pending keys, sorted in descending order; every key in the
  // buckets is above all of them.
  std::vector<Key> front_;
  std::array<Bucket, kBuckets> buckets_;
  std::vector<Chunk> pool_;
  uint32_t free_ = kNone;
  std::array<uint64_t, 3> nonempty_ = {0, 0, 0};
  Key last_ = 0;  // every key in the buckets is >= last_; front_ is <= it
  size_t size_ = 0;
  uint64_t next_seq_ = 0;
};

}  // namespace dsim

#endif  // DSIM_SIM_EVENT_QUEUE_H_
