// The key-value workload: registers /k0, /k1, ... written with setData (or
// create, the first time) and read three ways - a plain getData, answered
// by whichever server the client is connected to, or sync then getData.
// The history records `write`, `read` and `sync-read`; the checks hold
// writes with sync reads to linearizability and plain reads only to
// sequential consistency (shared/docs/protocols.md 2.7, 4.2).
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "protocols/zab/recipes.h"

namespace dsim::zab {
namespace {

class KvWorkload : public Workload {
 public:
  KvWorkload(const ClientOptions& o, bool reader) : o_(o), reader_(reader) {}

  void OnConnected(ZkClient& c) override {
    if (!started_) {
      started_ = true;
      c.After(c.ctx().rng().UniformInt(0, o_.think_ns), kNext);
      return;
    }
    if (waiting_) {
      waiting_ = false;
      Next(c);
    }
  }

  void OnTimer(ZkClient& c, uint64_t tag) override {
    if (tag == kNext) Next(c);
  }

  void OnResult(ZkClient& c, uint64_t tag, const Response* r) override {
    if (r == nullptr) {  // the connection was lost: the outcome is unknown
      if (tag == kSync) return;  // the read behind it reports
      Finish(c, OpType::kInfo, f_ == "write" ? Value::Int(value_) : Value::Nil());
      return;
    }
    switch (tag) {
      case kSync:
        return;
      case kRead: {
        if (r->err == Err::kNoNode) return Finish(c, OpType::kOk, Value::Nil());
        int64_t v = 0;
        if (r->err != Err::kOk || !absl::SimpleAtoi(r->data, &v)) return Finish(c, OpType::kFail, Value::Nil());
        return Finish(c, OpType::kOk, Value::Int(v));
      }
      case kSet:
        if (r->err == Err::kOk) return Finish(c, OpType::kOk, Value::Int(value_));
        if (r->err == Err::kNoNode && ++attempts_ < 4) {
          c.Call(Request{.op = Request::kCreate, .path = Path(), .data = absl::StrCat(value_)}, kCreate);
          return;
        }
        return Finish(c, OpType::kFail, Value::Int(value_));
      case kCreate:
        if (r->err == Err::kOk) return Finish(c, OpType::kOk, Value::Int(value_));
        if (r->err == Err::kNodeExists && ++attempts_ < 4) {  // someone else created it first
          c.Call(Request{.op = Request::kSetData, .path = Path(), .data = absl::StrCat(value_)}, kSet);
          return;
        }
        return Finish(c, OpType::kFail, Value::Int(value_));
    }
  }

 private:
  enum Tag : uint64_t { kNext = 1, kRead, kSync, kSet, kCreate };

  std::string Path() const { return "/" + key_; }

  void Next(ZkClient& c) {
    if (c.stopped()) {
      if (o_.resume_ns > c.ctx().Now()) c.After(o_.resume_ns - c.ctx().Now(), kNext);
      return;
    }
    if (!c.connected()) {
      waiting_ = true;  // OnConnected resumes
      return;
    }
    Rng& rng = c.ctx().rng();
    key_ = absl::StrCat("k", rng.UniformInt(0, o_.keys - 1));
    // A reader draws from the reads of the mix only.
    const int writes = reader_ ? 0 : o_.write_weight;
    const int total = o_.read_weight + writes + o_.sync_read_weight;
    const int pick = static_cast<int>(rng.UniformInt(0, std::max(total, 1) - 1)) + (o_.write_weight - writes);
    attempts_ = 0;
    if (pick < o_.write_weight) {
      f_ = "write";
      value_ = static_cast<int64_t>(c.ctx().id()) * 1'000'000 + (++unique_);
      c.Record(OpType::kInvoke, f_, key_, Value::Int(value_));
      c.Call(Request{.op = Request::kSetData, .path = Path(), .data = absl::StrCat(value_)}, kSet);
      return;
    }
    f_ = pick < o_.write_weight + o_.read_weight ? "read" : "sync-read";
    c.Record(OpType::kInvoke, f_, key_, Value::Nil());
    // The session's FIFO order puts the read after the sync.
    if (f_ == "sync-read") c.Call(Request{.op = Request::kSync, .path = Path()}, kSync);
    c.Call(Request{.op = Request::kGetData, .path = Path()}, kRead);
  }

  void Finish(ZkClient& c, OpType type, Value v) {
    c.Record(type, f_, key_, std::move(v));
    if (type == OpType::kInfo) c.NewProcess();
    c.After(c.ctx().rng().UniformInt(0, o_.think_ns), kNext);
  }

  const ClientOptions& o_;
  const bool reader_;
  bool started_ = false;
  bool waiting_ = false;
  std::string f_, key_;
  int64_t value_ = 0;
  int attempts_ = 0;
  int64_t unique_ = 0;
};

}  // namespace

std::unique_ptr<Workload> MakeKvWorkload(const ClientOptions& o, bool reader) {
  return std::make_unique<KvWorkload>(o, reader);
}

}  // namespace dsim::zab
