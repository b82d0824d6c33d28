#include "tools/cli/perfetto.h"

#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "tools/cli/trace_model.h"

namespace dsim {
namespace {

using Json = nlohmann::ordered_json;

constexpr int kServersPid = 1;
constexpr int kClientsPid = 2;
constexpr int kOperationsPid = 3;

// Trace-event times are microseconds; a fraction keeps every nanosecond.
double Micros(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

class Writer {
 public:
  Writer(const PerfettoOptions& o, std::ostream& out) : options_(o), out_(out) {}

  void Write(const TraceModel& m) {
    out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
    Meta(kServersPid, -1, "process_name", options_.title.empty() ? "servers" : options_.title + ": servers");
    Meta(kClientsPid, -1, "process_name", "clients");
    Meta(kOperationsPid, -1, "process_name", "client operations");
    for (int node = 1; node <= m.max_node; ++node) {
      Meta(Pid(node), node, "thread_name",
           node <= options_.num_servers ? absl::StrFormat("n%d", node) : absl::StrFormat("client n%d", node));
      Emit({{"ph", "M"}, {"pid", Pid(node)}, {"tid", node}, {"name", "thread_sort_index"},
            {"args", {{"sort_index", node}}}});
    }
    uint64_t flow = 0;
    for (const TraceModel::Handler& h : m.handlers) {
      Json args = Json::object();
      std::string name;
      switch (h.kind) {
        case TraceModel::Handler::Kind::kDeliver: {
          const TraceModel::Message& msg = m.messages[static_cast<size_t>(h.message)];
          name = msg.type;
          args = {{"from", absl::StrFormat("n%d", msg.from)}, {"bytes", msg.bytes}};
          if (msg.duplicate) args["duplicate"] = true;
          // The arrow: from the send (inside the sender's handler) to this slice.
          ++flow;
          Emit({{"ph", "s"}, {"id", flow}, {"pid", Pid(msg.from)}, {"tid", msg.from}, {"ts", Micros(msg.sent_ns)},
                {"name", msg.type}, {"cat", "message"}});
          Emit({{"ph", "f"}, {"bp", "e"}, {"id", flow}, {"pid", Pid(h.node)}, {"tid", h.node},
                {"ts", Micros(h.t_ns)}, {"name", msg.type}, {"cat", "message"}});
          break;
        }
        case TraceModel::Handler::Kind::kTimer:
          name = absl::StrFormat("timer %d", h.tag);
          break;
        case TraceModel::Handler::Kind::kBoot:
          name = "boot";
          args = {{"incarnation", h.tag}};
          break;
      }
      Emit({{"ph", "X"}, {"pid", Pid(h.node)}, {"tid", h.node}, {"ts", Micros(h.t_ns)}, {"dur", Micros(h.cpu_ns)},
            {"name", name}, {"cat", "handler"}, {"args", args}});
    }
    for (const TraceModel::Message& msg : m.messages) {
      if (msg.dropped.empty()) continue;
      Instant(Pid(msg.from), msg.from, msg.sent_ns,
              absl::StrFormat("drop %s -> n%d (%s)", msg.type, msg.to, msg.dropped), "drop",
              {{"to", absl::StrFormat("n%d", msg.to)}, {"reason", msg.dropped}});
    }
    for (const TraceModel::NodeEvent& e : m.node_events) {
      Instant(Pid(e.node), e.node, e.t_ns, e.what, "fault", Json::object());
    }
    for (const TraceModel::Fault& f : m.faults) Instant(kServersPid, 0, f.t_ns, f.what, "fault", Json::object(), true);
    for (const TraceModel::Note& n : m.notes) {
      Instant(Pid(n.node), n.node, n.t_ns, n.kind, "note", {{"a", n.a}, {"b", n.b}, {"c", n.c}});
    }
    // Operations: async slices on their process's row, invocation to completion.
    std::set<int64_t> processes;
    for (size_t i = 0; i < m.ops.size(); ++i) {
      const TraceModel::Op& op = m.ops[i];
      if (processes.insert(op.process).second) {
        Meta(kOperationsPid, static_cast<int>(op.process), "thread_name", absl::StrFormat("process %d", op.process));
      }
      const std::string name = op.key.empty() ? op.f : absl::StrFormat("%s %s", op.f, op.key);
      Emit({{"ph", "b"}, {"cat", "op"}, {"id", i + 1}, {"pid", kOperationsPid}, {"tid", op.process},
            {"ts", Micros(op.invoke_ns)}, {"name", name}, {"args", {{"value", op.value_in}}}});
      if (op.complete_ns < 0) continue;
      Emit({{"ph", "e"}, {"cat", "op"}, {"id", i + 1}, {"pid", kOperationsPid}, {"tid", op.process},
            {"ts", Micros(op.complete_ns)}, {"name", name}, {"args", {{"type", op.type}, {"value", op.value_out}}}});
    }
    out_ << "\n]}\n";
  }

 private:
  int Pid(int node) const { return node <= options_.num_servers ? kServersPid : kClientsPid; }

  void Emit(const Json& event) {
    if (!first_) out_ << ",\n";
    first_ = false;
    out_ << event.dump();
  }

  void Meta(int pid, int tid, const char* what, const std::string& name) {
    Json m = {{"ph", "M"}, {"pid", pid}};
    if (tid >= 0) m["tid"] = tid;
    m["name"] = what;
    m["args"] = {{"name", name}};
    Emit(m);
  }

  void Instant(int pid, int tid, int64_t t, const std::string& name, const char* cat, Json args,
               bool global = false) {
    Emit({{"ph", "i"}, {"s", global ? "g" : "t"}, {"pid", pid}, {"tid", tid}, {"ts", Micros(t)}, {"name", name},
          {"cat", cat}, {"args", std::move(args)}});
  }

  const PerfettoOptions& options_;
  std::ostream& out_;
  bool first_ = true;
};

}  // namespace

absl::Status WritePerfetto(std::istream& trace, const PerfettoOptions& options, std::ostream& out) {
  absl::StatusOr<TraceModel> m = ReadTrace(trace, options.step_ns);
  if (!m.ok()) return m.status();
  Writer(options, out).Write(*m);
  return absl::OkStatus();
}

}  // namespace dsim
