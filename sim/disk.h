// A node's durable storage, owned by the engine so that it survives crashes.
//
// A key-value store with an explicit sync. Reads see every write. A write is
// durable only once a sync that follows it has completed (in simulated time);
// a crash with `lose_unsynced` drops the writes that were not yet durable at
// the crash instant, the way a power failure drops the page cache. This is
// what makes "persist before send" a testable rule.
//
// Protocols use it through Context::disk(), which charges the write and sync
// costs to the node's CPU:
//   ctx.disk().Put("promised", Encode(ballot));
//   ctx.disk().Sync();                 // the node is busy for sync_ns
//   ctx.Send(proposer, Promise{...});  // leaves after the sync completed
#ifndef DSIM_SIM_DISK_H_
#define DSIM_SIM_DISK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "sim/time.h"

namespace dsim {

struct DiskOptions {
  int64_t write_ns = 1 * kMicrosecond;   // CPU cost of one Put or Delete
  int64_t sync_ns = 200 * kMicrosecond;  // CPU cost of one Sync (an fsync)
};

class Disk {
 public:
  using Map = absl::btree_map<std::string, std::string, std::less<>>;

  // `fold_after`: how many writes the log may hold beyond the image's size
  // before the durable ones are folded in (tests make it small).
  explicit Disk(size_t fold_after = 1024) : fold_after_(fold_after) {}

  // The latest write of `key`, synced or not.
  const std::string* Get(std::string_view key) const;
  // Everything, as reads see it (built on demand: for recovery).
  const Map& contents() const;
  // Every key starting with `prefix`, as reads see it, in key order, without
  // building a copy of the rest: fn(key, value).
  void ScanPrefix(std::string_view prefix,
                  absl::FunctionRef<void(std::string_view key, std::string_view value)> fn) const;

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  // Every write so far becomes durable at `durable_at_ns`. Writes already
  // durable by `now_ns` are folded into the durable image.
  void Sync(int64_t now_ns, int64_t durable_at_ns);
  // A crash at crash_ns: with lose_unsynced, writes not durable by then are
  // gone; otherwise the OS had flushed them and they all survive.
  void Crash(int64_t crash_ns, bool lose_unsynced);

  uint64_t writes() const { return writes_; }
  uint64_t syncs() const { return syncs_; }
  uint64_t lost_writes() const { return lost_writes_; }

 private:
  struct Write {
    // Built in place in the log: no temporary strings to move.
    Write(std::string_view k, std::optional<std::string_view> v, int64_t durable_at)
        : key(k), durable_at_ns(durable_at) {
      if (v) value.emplace(*v);
    }
    std::string key;
    std::optional<std::string> value;  // nullopt: a delete
    int64_t durable_at_ns;
  };
  void Fold(int64_t upto_ns);

  // Folding costs a hash insert per write; it waits until the log holds
  // this many writes more than the image has keys, so that a short run
  // that never reads its disk back never pays it.
  size_t fold_after_;

  // The writes in order, with the time each becomes durable (kForever: not
  // synced yet). Times never decrease along the log: a node's syncs
  // complete in order, and unsynced writes form its tail. The writes that
  // were durable at some earlier sync may have been folded into `image_`;
  // reads see the image with the log on top. contents() sorts them.
  absl::flat_hash_map<std::string, std::string> image_;
  std::vector<Write> log_;
  mutable Map merged_;  // contents(), rebuilt when asked
  uint64_t writes_ = 0;
  uint64_t syncs_ = 0;
  uint64_t lost_writes_ = 0;
};

}  // namespace dsim

#endif  // DSIM_SIM_DISK_H_
