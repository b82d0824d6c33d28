// The Perfetto export and the HTML report, on real runs: the structure the
// viewers need, every event of the run accounted for. The report in a
// browser is tests/tools/report_browser_test.sh.
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/runner.h"
#include "tests/testing/scenario_test_base.h"
#include "tools/cli/html_report.h"
#include "tools/cli/perfetto.h"
#include "tools/cli/trace_model.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ViewersTest : public ScenarioTestBase {
 protected:
  ViewersTest() : ScenarioTestBase("scenarios") {}
  // Runs `file` with `seed`, keeping the JSON-lines trace.
  RunReport Run(const std::string& file, uint64_t seed) {
    scenario_ = Load(file);
    lines_.str("");
    lines_.clear();
    return RunScenario(scenario_, {.seed = seed, .trace = &lines_});
  }
  std::stringstream Lines() { return std::stringstream(lines_.str()); }

  Scenario scenario_;
  std::stringstream lines_;
};

// Every handler is a slice, every delivery a flow from its send, every
// crash an instant, every operation an async slice; the document is the
// trace-event JSON Perfetto reads.
TEST_F(ViewersTest, PerfettoHasASliceForEveryHandlerAndAFlowForEveryDelivery) {
  const RunReport r = Run("zab/bugs/ack_before_persist.json", 153);
  std::stringstream in = Lines();
  std::stringstream out;
  ASSERT_TRUE(WritePerfetto(in, {.num_servers = 3, .step_ns = scenario_.sim.step_ns}, out).ok());
  const nlohmann::json doc = nlohmann::json::parse(out.str());
  ASSERT_TRUE(doc.contains("traceEvents") && doc["traceEvents"].is_array());
  std::map<std::string, int> phases;
  std::map<uint64_t, int> flow_starts, flow_ends, op_begins, op_ends;
  std::set<std::pair<int, int>> named_tracks, used_tracks;
  int crashes = 0;
  for (const nlohmann::json& e : doc["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph") && e.contains("pid")) << e.dump();
    const std::string ph = e["ph"];
    ++phases[ph];
    if (ph == "M") {
      if (e["name"] == "thread_name") named_tracks.insert({e["pid"].get<int>(), e["tid"].get<int>()});
      continue;
    }
    ASSERT_TRUE(e.contains("ts") && e["ts"].is_number() && e["ts"].get<double>() >= 0) << e.dump();
    if (ph == "X") {
      ASSERT_TRUE(e["dur"].is_number() && e["dur"].get<double>() > 0) << e.dump();
      used_tracks.insert({e["pid"].get<int>(), e["tid"].get<int>()});
    }
    if (ph == "s") ++flow_starts[e["id"].get<uint64_t>()];
    if (ph == "f") {
      ++flow_ends[e["id"].get<uint64_t>()];
      EXPECT_EQ(e["bp"], "e");
    }
    if (ph == "b") ++op_begins[e["id"].get<uint64_t>()];
    if (ph == "e") ++op_ends[e["id"].get<uint64_t>()];
    if (ph == "i" && e["name"] == "crash") ++crashes;
  }
  EXPECT_EQ(phases["X"], static_cast<int>(r.stats.events)) << "a slice per handled event";
  EXPECT_EQ(flow_starts.size(), r.stats.messages_delivered);
  EXPECT_EQ(flow_starts, flow_ends) << "every arrow has both ends";
  EXPECT_EQ(crashes, static_cast<int>(r.stats.crashes));
  EXPECT_GT(crashes, 0);
  size_t invokes = 0;
  for (const HistoryEvent& e : r.history) invokes += e.type == OpType::kInvoke ? 1 : 0;
  EXPECT_EQ(op_begins.size(), invokes);
  for (const auto& [id, n] : op_ends) EXPECT_EQ(op_begins[id], n);
  for (const auto& track : used_tracks) EXPECT_TRUE(named_tracks.count(track)) << track.first << "/" << track.second;
  EXPECT_GT(phases["i"], crashes) << "drops and faults are instants too";
}

// Writing the viewers changes nothing in the run, and the same seed writes
// the same bytes.
TEST_F(ViewersTest, SameSeedSameFilesAndTheTraceHashUnchanged) {
  const RunReport a = Run("zab/bugs/ack_before_persist.json", 153);
  std::stringstream lines_a = Lines();
  const RunReport quiet = RunScenario(scenario_, {.seed = 153});
  EXPECT_EQ(a.trace_hash, quiet.trace_hash) << "the written trace (cpu lines included) is not in the hash";
  const RunReport b = Run("zab/bugs/ack_before_persist.json", 153);
  std::stringstream lines_b = Lines();
  EXPECT_EQ(lines_a.str(), lines_b.str());
  std::stringstream perfetto_a, perfetto_b, html_a, html_b;
  ASSERT_TRUE(WritePerfetto(lines_a, {.num_servers = 3}, perfetto_a).ok());
  ASSERT_TRUE(WritePerfetto(lines_b, {.num_servers = 3}, perfetto_b).ok());
  EXPECT_EQ(perfetto_a.str(), perfetto_b.str());
  lines_a = Lines();
  lines_b = Lines();
  ASSERT_TRUE(WriteHtmlReport(scenario_, a, lines_a, html_a).ok());
  ASSERT_TRUE(WriteHtmlReport(scenario_, b, lines_b, html_b).ok());
  EXPECT_EQ(html_a.str(), html_b.str());
}

// Both viewers work on every protocol family: a slice per handled event.
TEST_F(ViewersTest, EveryProtocolWritesBothViews) {
  for (const char* file : {"heartbeat/crash_nemesis.json", "paxos/single_nemesis.json", "paxos/kv_nemesis.json",
                           "commit/2pc_nemesis.json", "commit/3pc_crash_nemesis.json", "zab/kv_nemesis.json",
                           "zab/lock_pause.json"}) {
    SCOPED_TRACE(file);
    const RunReport r = Run(file, 3);
    std::stringstream in = Lines();
    std::stringstream perfetto;
    ASSERT_TRUE(WritePerfetto(in, {.num_servers = scenario_.sim.num_servers, .step_ns = scenario_.sim.step_ns},
                              perfetto).ok());
    size_t slices = 0;
    const nlohmann::json doc = nlohmann::json::parse(perfetto.str());
    for (const nlohmann::json& e : doc["traceEvents"]) slices += e["ph"] == "X" ? 1 : 0;
    EXPECT_EQ(slices, r.stats.events);
    in = Lines();
    std::stringstream html;
    ASSERT_TRUE(WriteHtmlReport(scenario_, r, in, html).ok());
    EXPECT_THAT(html.str(), HasSubstr(scenario_.name));
  }
}

TEST_F(ViewersTest, TraceModelMatchesTheRunsCounts) {
  const RunReport r = Run("paxos/bugs/lease_without_margin.json", 4);
  std::stringstream in = Lines();
  absl::StatusOr<TraceModel> m = ReadTrace(in, scenario_.sim.step_ns);
  ASSERT_TRUE(m.ok()) << m.status();
  size_t delivered = 0, dropped = 0;
  for (const TraceModel::Message& msg : m->messages) {
    delivered += msg.delivered_ns >= 0 ? 1 : 0;
    dropped += msg.dropped.empty() ? 0 : 1;
    if (msg.delivered_ns >= 0) {
      EXPECT_GE(msg.delivered_ns, msg.sent_ns);
    }
  }
  EXPECT_EQ(delivered, r.stats.messages_delivered);
  EXPECT_EQ(dropped, r.stats.messages_dropped);
  EXPECT_EQ(m->handlers.size(), r.stats.events);
  EXPECT_EQ(m->max_node, scenario_.sim.num_servers + scenario_.sim.num_clients);
}

TEST_F(ViewersTest, UnreadableTraceLineIsNamed) {
  std::stringstream in("{\"t\":1,\"ev\":\"boot\",\"node\":1,\"incarnation\":0}\nnot json\n");
  absl::StatusOr<TraceModel> m = ReadTrace(in, 10);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("trace line 2"));
  std::stringstream orphan("{\"t\":1,\"ev\":\"deliver\",\"node\":2,\"from\":1,\"type\":\"x\",\"sent\":7}\n");
  EXPECT_THAT(ReadTrace(orphan, 10).status().message(), HasSubstr("never sent"));
}

// The report is one file: its data inline, nothing fetched, the witness's
// operations named so that the page can draw them.
TEST_F(ViewersTest, ReportIsSelfContainedAndCarriesTheWitness) {
  const RunReport r = Run("paxos/bugs/lease_without_margin.json", 4);
  ASSERT_FALSE(r.pass);
  std::stringstream in = Lines();
  std::stringstream out;
  ASSERT_TRUE(WriteHtmlReport(scenario_, r, in, out).ok());
  const std::string page = out.str();
  EXPECT_THAT(page, Not(HasSubstr("http://")));
  EXPECT_THAT(page, Not(HasSubstr("https://")));
  EXPECT_THAT(page, Not(HasSubstr("<script src")));
  EXPECT_THAT(page, Not(HasSubstr("/*DSIM_DATA*/")));
  const std::string open = "<script type=\"application/json\" id=\"data\">";
  const size_t from = page.find(open);
  ASSERT_NE(from, std::string::npos);
  const size_t to = page.find("</script>", from);
  const nlohmann::json data = nlohmann::json::parse(page.substr(from + open.size(), to - from - open.size()));
  EXPECT_EQ(data["meta"]["seed"], 4);
  EXPECT_EQ(data["meta"]["verdict"], "fail");
  EXPECT_FALSE(data["witness_ops"].empty()) << "the stale read and its concurrent operations";
  EXPECT_EQ(data["nodes"].size(), 9u);
  EXPECT_EQ(data["handlers"].size(), r.stats.events);
  bool named = false;
  for (const nlohmann::json& v : data["violations"]) named |= v["check"] == "linearizable";
  EXPECT_TRUE(named);
  EXPECT_FALSE(data["bands"].empty()) << "the nemesis partitioned the servers";
  // Drops say why and when: the partitions dropped messages at their send.
  ASSERT_FALSE(data["drop_reasons"].empty());
  size_t drops = 0;
  for (const nlohmann::json& m : data["messages"]) {
    ASSERT_EQ(m.size(), 8u);
    if (m[5].get<int>() & 1) {
      ++drops;
      EXPECT_GE(m[6].get<int>(), 0);
      EXPECT_GE(m[7].get<int64_t>(), m[0].get<int64_t>());
    }
  }
  EXPECT_EQ(drops, r.stats.messages_dropped);
}

}  // namespace
}  // namespace dsim
