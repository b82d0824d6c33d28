// The queue recipe: producers create persistent sequential nodes under
// /queue, the item's value in the name ("q-6000001-0000000012"); consumers
// list /queue and delete the smallest node they can - the delete that
// succeeds is the one that took the item. The history records `enqueue`
// and `dequeue` with the item as value.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "protocols/zab/recipes.h"

namespace dsim::zab {
namespace {

// "q-<value>-<10 digits>" -> value; 0 if malformed.
int64_t ItemOf(const std::string& name) {
  const size_t a = name.find('-'), b = name.rfind('-');
  int64_t v = 0;
  if (a == std::string::npos || b <= a || !absl::SimpleAtoi(name.substr(a + 1, b - a - 1), &v)) return 0;
  return v;
}

std::string SeqOf(const std::string& name) { return name.size() >= 10 ? name.substr(name.size() - 10) : name; }

class QueueWorkload : public Workload {
 public:
  QueueWorkload(const ClientOptions& o, bool producer) : o_(o), producer_(producer) {}

  void OnConnected(ZkClient& c) override {
    if (!started_) {
      started_ = true;
      c.Call(Request{.op = Request::kCreate, .path = "/queue"}, kParent);
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
    switch (tag) {
      case kParent:
        if (r == nullptr) {
          started_ = false;  // try again on the next connection
          return;
        }
        return Think(c);
      case kEnqueue:
        if (r == nullptr) return Finish(c, OpType::kInfo);
        return Finish(c, r->err == Err::kOk ? OpType::kOk : OpType::kFail);
      case kList:
        if (r == nullptr || r->err != Err::kOk) return Think(c);
        candidates_ = r->children;
        std::sort(candidates_.begin(), candidates_.end(),
                  [](const std::string& a, const std::string& b) { return SeqOf(a) < SeqOf(b); });
        next_ = 0;
        return TryTake(c);
      case kDequeue:
        if (r == nullptr) return Finish(c, OpType::kInfo);
        if (r->err == Err::kOk) return Finish(c, OpType::kOk);
        c.Record(OpType::kFail, "dequeue", std::nullopt, Value::Int(item_));  // taken by another consumer
        return TryTake(c);
    }
  }

 private:
  enum Tag : uint64_t { kNext = 1, kParent, kEnqueue, kList, kDequeue };

  void Think(ZkClient& c) { c.After(c.ctx().rng().UniformInt(0, o_.think_ns), kNext); }

  void Next(ZkClient& c) {
    if (c.stopped()) return;
    if (!c.connected()) {
      waiting_ = true;
      return;
    }
    if (producer_) {
      item_ = static_cast<int64_t>(c.ctx().id()) * 1'000'000 + (++unique_);
      c.Record(OpType::kInvoke, "enqueue", std::nullopt, Value::Int(item_));
      c.Call(Request{.op = Request::kCreate, .path = absl::StrCat("/queue/q-", item_, "-"), .sequential = true},
             kEnqueue);
      return;
    }
    c.Call(Request{.op = Request::kGetChildren, .path = "/queue"}, kList);
  }

  // Take the smallest item still there: try each in order until a delete
  // succeeds.
  void TryTake(ZkClient& c) {
    while (next_ < candidates_.size()) {
      const std::string& name = candidates_[next_++];
      item_ = ItemOf(name);
      if (item_ == 0) continue;
      c.Record(OpType::kInvoke, "dequeue", std::nullopt, Value::Int(item_));
      c.Call(Request{.op = Request::kDelete, .path = "/queue/" + name}, kDequeue);
      return;
    }
    Think(c);  // nothing left that we saw
  }

  void Finish(ZkClient& c, OpType type) {
    c.Record(type, producer_ ? "enqueue" : "dequeue", std::nullopt, Value::Int(item_));
    if (type == OpType::kInfo) c.NewProcess();
    Think(c);
  }

  const ClientOptions& o_;
  const bool producer_;
  bool started_ = false, waiting_ = false;
  int64_t item_ = 0, unique_ = 0;
  std::vector<std::string> candidates_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Workload> MakeQueueWorkload(const ClientOptions& o, bool producer) {
  return std::make_unique<QueueWorkload>(o, producer);
}

}  // namespace dsim::zab
