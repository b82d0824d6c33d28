#include "sim/check/operations.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "sim/one_line.h"

namespace dsim {
namespace {

// A history's names (f, keys) are quoted into errors: keep them one line.
absl::Status Bad(std::string_view message) { return absl::InvalidArgumentError(OneLine(message)); }

std::string Where(const std::string& file, const HistoryEvent& e, size_t index) {
  if (e.line > 0) return absl::StrFormat("%s:%d", file, e.line);
  return absl::StrFormat("%s: event %d", file, index);
}

}  // namespace

std::string Operation::Describe() const {
  std::string result;
  if (!op.known) {
    result = "unknown (info)";
  } else if (op.failed) {
    result = "failed";
  } else if (op.f == "read" || op.f == "get" || op.f == "txn") {
    result = "-> " + op.output.ToString();
  } else {
    result = "ok";
  }
  return absl::StrFormat("process %d: %s%s%s %s (events %d..%s)", process, op.f,
                         key ? " " + *key : "", op.input.is_nil() ? "" : " " + op.input.ToString(),
                         result, call, ret == kOpen ? "end" : absl::StrFormat("%d", ret));
}

absl::StatusOr<std::vector<Operation>> PrepareOperations(const History& h, const Model& model,
                                                         const std::string& file) {
  std::vector<Operation> ops;
  ops.reserve(h.size() / 2 + 1);
  std::vector<bool> failed;
  absl::flat_hash_map<int32_t, size_t> open;  // process -> index in ops
  for (size_t i = 0; i < h.size(); ++i) {
    const HistoryEvent& e = h[i];
    if (e.type == OpType::kInvoke) {
      // A process is sequential: a new invocation while one is open means
      // the client gave up on the first (Jepsen would have used a new
      // process); the first stays open with an unknown result.
      open[e.process] = ops.size();
      Operation op;
      op.process = e.process;
      op.call = static_cast<int64_t>(i);
      op.key = e.key;
      op.op.f = e.f;
      op.op.input = e.value;
      op.op.known = false;
      ops.push_back(std::move(op));
      failed.push_back(false);
      continue;
    }
    auto it = open.find(e.process);
    if (it == open.end()) {
      return Bad(
          absl::StrFormat("%s: %s for process %d, which has no open invocation", Where(file, e, i),
                          OpTypeName(e.type), e.process));
    }
    Operation& op = ops[it->second];
    open.erase(it);
    if (e.f != op.op.f) {
      return Bad(absl::StrFormat(
          "%s: process %d completes \"%s\" but invoked \"%s\"", Where(file, e, i), e.process, e.f,
          op.op.f));
    }
    op.node = e.node;
    if (e.type == OpType::kFail) {
      failed[&op - ops.data()] = true;
      op.ret = static_cast<int64_t>(i);  // if the model keeps it as evidence
      op.op.known = true;
      op.op.failed = true;
    } else if (e.type == OpType::kOk) {
      op.ret = static_cast<int64_t>(i);
      op.op.known = true;
      op.op.output = e.value;
    }
    // info: stays open, result unknown
  }
  std::vector<Operation> kept;
  kept.reserve(ops.size());
  for (size_t k = 0; k < ops.size(); ++k) {
    if (failed[k] && !model.KeepsFailed(ops[k].op)) continue;
    if (std::string why = model.Validate(ops[k].op); !why.empty()) {
      return Bad(
          absl::StrFormat("%s: %s", Where(file, h[ops[k].call], ops[k].call), why));
    }
    kept.push_back(std::move(ops[k]));
  }
  return kept;
}

}  // namespace dsim
