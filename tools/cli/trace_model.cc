#include "tools/cli/trace_model.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace dsim {

absl::StatusOr<TraceModel> ReadTrace(std::istream& trace, int64_t step_ns) {
  TraceModel m;
  // A send is known by its sender and the sender's Lamport time after it.
  std::map<std::pair<int, int64_t>, size_t> sent;
  std::map<int64_t, size_t> pending_op;  // process -> its open operation
  std::string line;
  size_t line_no = 0;
  while (std::getline(trace, line)) {
    ++line_no;
    if (line.empty()) continue;
    const nlohmann::json e = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!e.is_object() || !e.contains("t") || !e["t"].is_number_integer() || !e.contains("ev") ||
        !e["ev"].is_string()) {
      return absl::InvalidArgumentError(absl::StrFormat("trace line %d: not a dsim trace event", line_no));
    }
    const int64_t t = e["t"].get<int64_t>();
    const std::string ev = e["ev"].get<std::string>();
    auto num = [&](const char* key) {
      const auto it = e.find(key);
      return it != e.end() && it->is_number_integer() ? it->get<int64_t>() : int64_t{0};
    };
    auto str = [&](const char* key) {
      const auto it = e.find(key);
      return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto node = [&](const char* key) {
      const int id = static_cast<int>(num(key));
      m.max_node = std::max(m.max_node, id);
      return id;
    };
    if (ev == "send") {
      TraceModel::Message msg{.sent_ns = t, .from = node("from"), .to = node("to"), .type = str("type"),
                              .bytes = num("bytes"), .sender_lamport = num("lc")};
      sent[{msg.from, msg.sender_lamport}] = m.messages.size();
      m.messages.push_back(std::move(msg));
    } else if (ev == "deliver" || ev == "drop") {
      const int from = node("from");
      const int to = node(ev == "deliver" ? "node" : "to");
      auto it = sent.find({from, num("sent")});
      if (it == sent.end()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("trace line %d: a %s of a message never sent (n%d, lamport %d)", line_no, ev, from,
                            num("sent")));
      }
      size_t index = it->second;
      TraceModel::Message& first = m.messages[index];
      if (first.delivered_ns >= 0 || !first.dropped.empty()) {  // the network's second copy
        TraceModel::Message copy = first;
        copy.delivered_ns = -1;
        copy.dropped.clear();
        copy.dropped_ns = -1;
        copy.duplicate = true;
        index = m.messages.size();
        m.messages.push_back(std::move(copy));
      }
      TraceModel::Message& msg = m.messages[index];
      if (ev == "drop") {
        msg.dropped = str("reason");
        // A drop on the way out is stamped with the handler's start, the send
        // with its time inside the handler (after the CPU charged before it).
        msg.dropped_ns = std::max(t, msg.sent_ns);
      } else {
        msg.delivered_ns = t;
        m.handlers.push_back({.t_ns = t, .node = to, .cpu_ns = step_ns, .kind = TraceModel::Handler::Kind::kDeliver,
                              .message = static_cast<int64_t>(index)});
      }
    } else if (ev == "timer") {
      m.handlers.push_back({.t_ns = t, .node = node("node"), .cpu_ns = step_ns,
                            .kind = TraceModel::Handler::Kind::kTimer, .tag = num("tag")});
    } else if (ev == "boot") {
      m.handlers.push_back({.t_ns = t, .node = node("node"), .cpu_ns = step_ns,
                            .kind = TraceModel::Handler::Kind::kBoot, .tag = num("incarnation")});
    } else if (ev == "cpu") {
      const int id = node("node");
      for (auto h = m.handlers.rbegin(); h != m.handlers.rend(); ++h) {
        if (h->node == id) {
          h->cpu_ns += num("ns");
          break;
        }
      }
    } else if (ev == "crash" || ev == "restart") {
      m.node_events.push_back({t, node("node"), ev});
    } else if (ev == "note") {
      m.notes.push_back({t, node("node"), str("kind"), num("a"), num("b"), num("c")});
    } else if (ev == "fault") {
      m.faults.push_back({t, str("what")});
    } else if (ev == "op") {
      const int64_t process = num("process");
      const std::string type = str("type");
      const std::string value = e.contains("value") ? e["value"].dump() : "null";
      if (type == "invoke") {
        pending_op[process] = m.ops.size();
        m.ops.push_back({.client = node("client"), .process = process, .invoke_ns = t, .f = str("f"), .key = str("key"), .value_in = value});
      } else if (auto it = pending_op.find(process); it != pending_op.end()) {
        TraceModel::Op& op = m.ops[it->second];
        op.complete_ns = t;
        op.type = type;
        op.value_out = value;
        pending_op.erase(it);
      }
    }
  }
  return m;
}

}  // namespace dsim
