// A run's JSON-lines trace (dsim run --trace) read back into what the
// viewers draw: handler slices, messages from send to delivery or drop,
// crashes and restarts, protocol notes, faults and client operations. The
// Perfetto export and the HTML report both read a run through this.
//
//   std::stringstream lines;  RunScenario(s, {.seed = 4, .trace = &lines});
//   absl::StatusOr<TraceModel> m = ReadTrace(lines, s.sim.step_ns);
#ifndef DSIM_TOOLS_CLI_TRACE_MODEL_H_
#define DSIM_TOOLS_CLI_TRACE_MODEL_H_

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace dsim {

struct TraceModel {
  struct Handler {
    enum class Kind : uint8_t { kDeliver, kTimer, kBoot };
    int64_t t_ns = 0;
    int node = 0;
    int64_t cpu_ns = 0;  // the step plus what the handler charged
    Kind kind = Kind::kDeliver;
    int64_t tag = 0;       // a timer's tag, a boot's incarnation
    int64_t message = -1;  // the delivered message (an index into messages)
  };
  struct Message {
    int64_t sent_ns = 0;
    int from = 0;
    int to = 0;
    std::string type;
    int64_t bytes = 0;
    int64_t delivered_ns = -1;  // -1: not delivered
    std::string dropped;        // why, when it was dropped
    int64_t dropped_ns = -1;    // when
    bool duplicate = false;     // a second copy the network made
    int64_t sender_lamport = 0;
  };
  struct NodeEvent {  // crash, restart
    int64_t t_ns = 0;
    int node = 0;
    std::string what;
  };
  struct Note {
    int64_t t_ns = 0;
    int node = 0;
    std::string kind;
    int64_t a = 0, b = 0, c = 0;
  };
  struct Fault {
    int64_t t_ns = 0;
    std::string what;
  };
  struct Op {
    int client = 0;  // the client node that ran it
    int64_t process = 0;
    int64_t invoke_ns = 0;
    int64_t complete_ns = -1;  // -1: still pending at the end
    std::string type = "pending";  // ok, fail, info or pending
    std::string f;
    std::string key;        // empty for unkeyed models
    std::string value_in;   // as JSON text
    std::string value_out;  // as JSON text
  };

  std::vector<Handler> handlers;
  std::vector<Message> messages;
  std::vector<NodeEvent> node_events;
  std::vector<Note> notes;
  std::vector<Fault> faults;
  std::vector<Op> ops;
  int max_node = 0;
};

// An error names the line that could not be read.
absl::StatusOr<TraceModel> ReadTrace(std::istream& trace, int64_t step_ns);

}  // namespace dsim

#endif  // DSIM_TOOLS_CLI_TRACE_MODEL_H_
