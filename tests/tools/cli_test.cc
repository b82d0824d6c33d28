#include "tools/cli/cli.h"

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "tests/testing/test_protocols.h"
#include "tools/cli/builtin.h"
#include "tools/cli/fuzz_results.h"
#include "tools/cli/report.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    RegisterBuiltinProtocols(registry_);
    testing::RegisterTestProtocols(registry_);
  }
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), "dsim");
    out_.str("");
    err_.str("");
    return RunCli(args, registry_, {out_, err_});
  }
  static std::string Src(const std::string& rel) { return std::string(DSIM_SOURCE_DIR) + "/" + rel; }
  static std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }
  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  ProtocolRegistry registry_;
  std::ostringstream out_, err_;
};

TEST_F(CliTest, Help) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("dsim run FILE"));
  EXPECT_THAT(out_.str(), HasSubstr("dsim fuzz FILE --seeds=A..B"));
  EXPECT_EQ(Run({"run", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("--seed"));
  EXPECT_THAT(out_.str(), HasSubstr("run with this seed"));
  EXPECT_EQ(Run({"fuzz", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("--jobs"));
  EXPECT_EQ(Run({}), 2);
}

TEST_F(CliTest, BadCommandLineIsExitTwo) {
  EXPECT_EQ(Run({"explode"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown command"));
  EXPECT_EQ(Run({"run", Src("scenarios/heartbeat/partition.json"), "--sede=3"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown flag --sede"));
  EXPECT_EQ(Run({"run", Src("scenarios/heartbeat/partition.json"), "--seed=abc"}), 2);
  EXPECT_EQ(Run({"run", Src("scenarios/heartbeat/partition.json"), "--jobs=2"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("does not apply"));
  EXPECT_EQ(Run({"run"}), 2);
  EXPECT_EQ(Run({"run", "/nonexistent.json"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("/nonexistent.json: cannot open the file"));
}

TEST_F(CliTest, BadScenarioIsOneLineAndExitTwo) {
  const std::string path = Write("bad.json", R"({"name": "x", "protocol": "heartbeat",
      "nodes": 3, "duration": "1s", "faults": [{"at": "1x", "kind": "heal"}]})");
  EXPECT_EQ(Run({"run", path}), 2);
  EXPECT_EQ(err_.str(), path + ": /faults/0/at: malformed duration \"1x\" (expected a number "
                               "and a unit: ns, us, ms, s or m, such as \"250us\")\n");
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..3"}), 2);
}

TEST_F(CliTest, RunPrintsSummaryEndingInVerdictAndHash) {
  EXPECT_EQ(Run({"run", Src("scenarios/heartbeat/partition.json")}), 0);
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("no_false_suspicion"));
  EXPECT_THAT(out, ::testing::MatchesRegex("(.|\n)*verdict   pass  trace [0-9a-f]{16}\n$"));
}

TEST_F(CliTest, RunJson) {
  EXPECT_EQ(Run({"run", Src("scenarios/heartbeat/partition.json"), "--json", "--seed", "3"}), 0);
  const nlohmann::json j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["scenario"], "heartbeat-partition");
  EXPECT_EQ(j["seed"], 3);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_EQ(j["violations"].size(), 1u);
  EXPECT_EQ(j["violations"][0]["check"], "no_false_suspicion");
  EXPECT_EQ(j["trace_hash"].get<std::string>().size(), 16u);
  for (const char* k : {"events", "messages_sent", "messages_delivered", "messages_dropped",
                        "sim_time_ns", "wall_time_ms"}) {
    EXPECT_TRUE(j["stats"].contains(k)) << k;
  }
}

TEST_F(CliTest, FailingRunIsExitOneWithReplay) {
  const std::string path = Src("scenarios/heartbeat/bugs/wall_clock_timeout.json");
  int failing_seed = -1;
  for (int seed = 1; seed <= 30 && failing_seed < 0; ++seed) {
    if (Run({"run", path, "--seed=" + std::to_string(seed)}) == 1) failing_seed = seed;
  }
  ASSERT_GT(failing_seed, 0);
  EXPECT_THAT(out_.str(), HasSubstr("replay    dsim run " + path + " --seed=" +
                                    std::to_string(failing_seed)));
  EXPECT_THAT(out_.str(), HasSubstr("verdict   FAIL"));
}

TEST_F(CliTest, TraceAndHistoryFiles) {
  const std::string trace = ::testing::TempDir() + "/t.jsonl";
  const std::string history = ::testing::TempDir() + "/h.json";
  EXPECT_EQ(Run({"run", Src("tests/data/counter_crashes.json"), "--trace=" + trace,
                 "--history=" + history}),
            0);
  std::ifstream t(trace);
  std::string first;
  std::getline(t, first);
  EXPECT_TRUE(nlohmann::json::accept(first)) << first;
  std::ifstream h(history);
  const nlohmann::json hist = nlohmann::json::parse(h);
  ASSERT_GT(hist.size(), 100u);
  EXPECT_EQ(hist[0]["type"], "invoke");
  EXPECT_EQ(hist[0]["f"], "incr");
}

TEST_F(CliTest, FuzzReportsFailingSeedsWithReplayCommands) {
  const std::string path = Src("scenarios/heartbeat/bugs/wall_clock_timeout.json");
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..20", "--jobs=2"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("failing seeds:"));
  EXPECT_THAT(out_.str(), HasSubstr("dsim run " + path + " --seed="));
  EXPECT_EQ(Run({"fuzz", Src("scenarios/heartbeat/crash_nemesis.json"), "--seeds=1..8"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("8 seeds"));
  EXPECT_THAT(out_.str(), HasSubstr("0 failed"));
}

// Shards of one range, merged, give the single run's summary; a missing
// shard is named; one seed that two files disagree on is refused.
TEST_F(CliTest, FuzzShardsMergeIntoTheWholeRun) {
  const std::string path = Src("scenarios/heartbeat/bugs/wall_clock_timeout.json");
  const std::string dir = ::testing::TempDir();
  ASSERT_EQ(Run({"fuzz", path, "--seeds=1..30"}), 1);
  const std::string whole = out_.str();
  std::vector<std::string> shards;
  for (int k = 0; k < 3; ++k) {
    shards.push_back(absl::StrCat(dir, "/shard", k, ".jsonl"));
    EXPECT_EQ(Run({"fuzz", path, "--seeds=1..30", absl::StrCat("--shard=", k, "/3"), "--out=" + shards.back()}), 1);
    EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat("shard ", k, "/3: ", 1 + 10 * k, "..", 10 + 10 * k)));
  }
  EXPECT_EQ(Run({"merge", shards[0], shards[1], shards[2]}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("seeds 1..30  from 3 files"));
  EXPECT_THAT(out_.str(), HasSubstr("every seed of the range is there"));
  // The failing-seed block is the single run's, line for line.
  const std::string merged = out_.str();
  EXPECT_EQ(merged.substr(merged.find("failing seeds:")), whole.substr(whole.find("failing seeds:")));
  EXPECT_EQ(Run({"merge", shards[0], shards[2], "--seeds=1..30"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("missing 10 seeds: 11..20"));
  EXPECT_EQ(Run({"merge", shards[0], shards[0]}), 1);  // the same runs twice: fine
  EXPECT_THAT(out_.str(), HasSubstr("10 seeds in two files, identical"));
  // A clean shard set with a seed missing is "unknown", exit 3.
  const std::string clean = Src("scenarios/heartbeat/crash_nemesis.json");
  ASSERT_EQ(Run({"fuzz", clean, "--seeds=1..4", "--out=" + dir + "/clean.jsonl"}), 0);
  EXPECT_EQ(Run({"merge", dir + "/clean.jsonl", "--seeds=1..5"}), 3);
  EXPECT_THAT(out_.str(), HasSubstr("missing 1 seed: 5"));
  EXPECT_EQ(Run({"merge", dir + "/clean.jsonl"}), 0);
  // Same seed, another trace: refused.
  std::ifstream in(shards[0]);
  std::string first_line;
  std::getline(in, first_line);
  const size_t h = first_line.find("\"trace_hash\":\"") + 14;
  first_line.replace(h, 4, first_line.substr(h, 4) == "0000" ? "1111" : "0000");
  const std::string forged = Write("forged.jsonl", first_line + "\n");
  EXPECT_EQ(Run({"merge", shards[0], forged}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("seed 1 has trace"));
  EXPECT_EQ(Run({"merge", dir + "/clean.jsonl", shards[0]}), 2);  // two scenarios
  EXPECT_THAT(err_.str(), HasSubstr("holds scenario"));
  EXPECT_EQ(Run({"merge", Write("junk.jsonl", "{\"seed\": 1}\n")}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("junk.jsonl:1: not a dsim fuzz result"));
}

// A run cut short leaves whole lines; --resume runs only the rest, and the
// file ends as a single run's would, in some order.
TEST_F(CliTest, FuzzResumesACutRun) {
  const std::string path = Src("scenarios/heartbeat/bugs/wall_clock_timeout.json");
  const std::string full = ::testing::TempDir() + "/full.jsonl";
  ASSERT_EQ(Run({"fuzz", path, "--seeds=1..12", "--out=" + full}), 1);
  std::vector<std::string> lines;
  {
    std::ifstream in(full);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
  }
  ASSERT_EQ(lines.size(), 12u);
  // The first five seeds finished; the sixth was being written when the node died.
  std::string cut;
  for (int i = 0; i < 5; ++i) cut += lines[i] + "\n";
  const std::string part = Write("part.jsonl", cut + lines[5].substr(0, 40));
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..12", "--out=" + part, "--resume"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("7 seeds in"));
  EXPECT_THAT(out_.str(), HasSubstr("resumed: 5 seeds were already in"));
  auto strip = [](const std::string& file) {
    std::ifstream in(file);
    std::vector<std::string> v;
    for (std::string l; std::getline(in, l);) v.push_back(l.substr(0, l.find(",\"wall_time_ms\"")));
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(strip(part), strip(full));
  // Resuming a finished file runs nothing.
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..12", "--out=" + part, "--resume"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("0 seeds in"));
  EXPECT_EQ(strip(part), strip(full));
  // A results file of another scenario is not resumed.
  EXPECT_EQ(Run({"fuzz", Src("scenarios/heartbeat/crash_nemesis.json"), "--seeds=1..12", "--out=" + part,
                 "--resume"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("holds results of scenario"));
}

// --for stops taking seeds when the budget is spent and says what is left.
TEST_F(CliTest, FuzzForStopsAndNamesTheRest) {
  const std::string path = Src("scenarios/heartbeat/crash_nemesis.json");
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..1000000", "--for=1ns"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("stopped: --for=1ns spent; not run: "));
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..3", "--for=60s"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("3 seeds in"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("not run")));
}

TEST_F(CliTest, ShardAndResumeFlagErrors) {
  const std::string path = Src("scenarios/heartbeat/partition.json");
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..10", "--shard=3/3"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("the shard index 3 is not in 0..2"));
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..10", "--shard=1"}), 2);
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..2", "--shard=0/3"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("more shards than the 2 seeds"));
  unsetenv("JOB_COMPLETION_INDEX");
  unsetenv("SLURM_ARRAY_TASK_ID");
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..10", "--shard=auto/2"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("JOB_COMPLETION_INDEX"));
  setenv("SLURM_ARRAY_TASK_ID", "1", 1);
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..10", "--shard=auto/2"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("shard 1/2: 6..10"));
  setenv("JOB_COMPLETION_INDEX", "0", 1);  // Kubernetes first
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..10", "--shard=auto/2"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("shard 0/2: 1..5"));
  unsetenv("JOB_COMPLETION_INDEX");
  unsetenv("SLURM_ARRAY_TASK_ID");
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..10", "--resume"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("give --out=FILE"));
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..10", "--for=soon"}), 2);
}

// A table of regression seeds: rows that reproduce, one that must now pass,
// and one that does not reproduce.
TEST_F(CliTest, ReplayATableOfSeeds) {
  const std::string table = Write(
      "seeds.tsv", absl::StrCat("# scenario\tseed\tcheck\n",
                                Src("scenarios/heartbeat/bugs/wall_clock_timeout.json"), "\t1\tno_false_suspicion\n",
                                Src("scenarios/heartbeat/crash_nemesis.json"), "\t3\t-\n"));
  EXPECT_EQ(Run({"replay", table}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("no_false_suspicion fails, as recorded"));
  EXPECT_THAT(out_.str(), HasSubstr("2 rows, 2 as recorded, 0 not"));
  const std::string wrong = Write(
      "wrong.tsv", absl::StrCat(Src("scenarios/heartbeat/crash_nemesis.json"), "\t3\tcrash_detected\tnote\n"));
  EXPECT_EQ(Run({"replay", wrong}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("FAIL"));
  EXPECT_THAT(out_.str(), HasSubstr("expected crash_detected to fail"));
  EXPECT_EQ(Run({"replay", Write("bad.tsv", "\n# c\nscenarios/x.json\tseven\tagreement\n")}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("bad.tsv:3: expected scenario<TAB>seed<TAB>check"));
  EXPECT_EQ(Run({"replay", Write("missing.tsv", "/nonexistent.json\t1\tagreement\n")}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("missing.tsv:1:"));
}

// --swarm: the run prints what its seed drew, fuzz lines store it, and the
// replay command of a failing seed carries --swarm and gives the same run.
TEST_F(CliTest, SwarmDrawsArePrintedStoredAndReplayed) {
  const std::string path = Src("scenarios/heartbeat/bugs/wall_clock_timeout.json");
  const std::string out = ::testing::TempDir() + "/swarm.jsonl";
  ASSERT_EQ(Run({"fuzz", path, "--seeds=1..20", "--swarm", "--jobs=2", "--out=" + out}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("--swarm\n"));
  std::ifstream in(out);
  nlohmann::json failing;
  for (std::string l; std::getline(in, l);) {
    const nlohmann::json j = nlohmann::json::parse(l);
    ASSERT_TRUE(j.contains("swarm")) << l;
    EXPECT_TRUE(j["swarm"].contains("/nemesis/weights/crash"));
    if (j["verdict"] == "fail" && failing.is_null()) failing = j;
  }
  ASSERT_FALSE(failing.is_null());
  const std::string seed = absl::StrCat("--seed=", failing["seed"].get<uint64_t>());
  EXPECT_EQ(failing["replay"], absl::StrCat("dsim run ", path, " ", seed, " --swarm"));
  EXPECT_EQ(Run({"run", path, seed, "--swarm", "--json"}), 1);
  const nlohmann::json replayed = nlohmann::json::parse(out_.str());
  EXPECT_EQ(replayed["trace_hash"], failing["trace_hash"]);
  EXPECT_EQ(replayed["swarm"], failing["swarm"]);
  EXPECT_EQ(Run({"run", path, seed, "--swarm"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("swarm     /nemesis/weights/crash="));
  EXPECT_EQ(Run({"run", Src("scenarios/heartbeat/partition.json"), "--swarm"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("has no \"nemesis\""));
}

// dsim hunt: every stream finds the planted bug and names the seed; a
// clean scenario finds nothing, and the budget is the lower bound shown.
TEST_F(CliTest, HuntMeasuresSeedsToFind) {
  const std::string bug = Src("scenarios/heartbeat/bugs/wall_clock_timeout.json");
  EXPECT_EQ(Run({"hunt", bug, "--streams=3", "--jobs=2"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("found in 3 of 3 streams; seeds to find: median "));
  EXPECT_THAT(out_.str(), HasSubstr("  stream 2: seed 20000"));
  EXPECT_THAT(out_.str(), HasSubstr("dsim run " + bug + " --seed=30000"));
  EXPECT_EQ(Run({"hunt", bug, "--streams=2", "--swarm"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("--swarm"));
  EXPECT_EQ(Run({"hunt", Src("scenarios/heartbeat/crash_nemesis.json"), "--streams=2", "--max-seeds=5"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("found in 0 of 2 streams; seeds to find: median 5, worst 5 (or more"));
  EXPECT_THAT(out_.str(), HasSubstr("stream 1: nothing in 5 seeds"));
  // --find counts only evidence against the named check.
  EXPECT_EQ(Run({"hunt", bug, "--streams=2", "--find=no_false_suspicion"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("find: no_false_suspicion fails"));
  EXPECT_EQ(Run({"hunt", bug, "--streams=2", "--find=nonexistent"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("runs no such check"));
  EXPECT_EQ(Run({"hunt", bug, "--streams=0"}), 2);
  EXPECT_EQ(Run({"hunt", bug, "--max-seeds=1000000"}), 2);
}

TEST_F(CliTest, FuzzFlagErrors) {
  const std::string path = Src("scenarios/heartbeat/partition.json");
  EXPECT_EQ(Run({"fuzz", path}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--seeds=A..B is required"));
  EXPECT_EQ(Run({"fuzz", path, "--seeds=5..1"}), 2);
  EXPECT_EQ(Run({"fuzz", path, "--seeds=a..b"}), 2);
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..2", "--jobs=0"}), 2);
  // The whole 64-bit range is 2^64 seeds: once it wrapped to none and passed.
  EXPECT_EQ(Run({"fuzz", path, "--seeds=0..18446744073709551615"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("at most 100000000 seeds per batch"));
}

// A write that fails (here: the device is full) is an error, not exit 0 with
// nothing written; a history path that cannot be opened fails before the run.
TEST_F(CliTest, FailedWritesAreExitTwo) {
  const std::string path = Src("scenarios/heartbeat/partition.json");
  EXPECT_EQ(Run({"run", path, "--history=/dev/full"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--history=/dev/full: the write failed"));
  EXPECT_EQ(Run({"run", path, "--trace=/dev/full"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--trace=/dev/full: the write failed"));
  EXPECT_EQ(Run({"fuzz", path, "--seeds=1..2", "--out=/dev/full"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--out=/dev/full: the write failed"));
  EXPECT_EQ(Run({"run", path, "--history=/nonexistent/h.json"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("cannot write the file"));
  EXPECT_EQ(out_.str(), "") << "refused before the run";
}

TEST(FactText, LongFactsAreCutBetweenElementsNeverInsideOne) {
  EXPECT_EQ(FactText(nlohmann::json(7)), "7");
  EXPECT_EQ(FactText(nlohmann::json::parse("[1,2,3]")), "[1,2,3]");
  nlohmann::json ballots = nlohmann::json::array();
  for (int i = 0; i < 1000; ++i) ballots.push_back(1000000 + i);
  const std::string text = FactText(ballots);
  EXPECT_EQ(text.substr(0, 17), "[1000000,1000001,");
  EXPECT_THAT(text, ::testing::EndsWith(", ... 988 more of 1000]"));
  EXPECT_LE(text.size(), 140u);
  nlohmann::json counts = nlohmann::json::object();
  for (int i = 0; i < 50; ++i) counts["writes_ok_" + std::to_string(i)] = i;
  EXPECT_THAT(FactText(counts), ::testing::MatchesRegex(R"(\{"writes_ok_0":0,.*"writes_ok_[0-9]+":[0-9]+, \.\.\. [0-9]+ more of 50\})"));
  const std::string words(200, 'x');
  EXPECT_EQ(FactText(nlohmann::json("leader n1 then " + words)), "leader n1 then ... (215 chars)");
}

// A failed cas is evidence on a Jepsen log (Porcupine's etcd rule) and
// dropped elsewhere (Knossos' rule), unless --failed-cas says which.
TEST_F(CliTest, FailedCasRuleFollowsTheFormatUnlessTold) {
  const std::string log = Write("cas.log",
                                "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
                                "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
                                "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]\n"
                                "INFO  jepsen.util - 0\t:fail\t:cas\t[1 2]\n");
  const std::string edn = Write("cas.edn",
                                "[{:process 0 :type :invoke :f :write :value 1}\n"
                                " {:process 0 :type :ok :f :write :value 1}\n"
                                " {:process 0 :type :invoke :f :cas :value [1 2]}\n"
                                " {:process 0 :type :fail :f :cas :value [1 2]}]\n");
  EXPECT_EQ(Run({"check", "--model=cas-register", log}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("cas [1 2] failed"));
  EXPECT_EQ(Run({"check", "--model=cas-register", "--failed_cas=dropped", log}), 0);
  EXPECT_EQ(Run({"check", "--model=cas-register", edn}), 0);
  EXPECT_EQ(Run({"check", "--model=cas-register", "--failed_cas=observed", edn}), 1);
  EXPECT_EQ(Run({"check", "--model=cas-register", "--failed_cas=sometimes", edn}), 2);
}

TEST(SeedRange, AtMostOneHundredMillionSeeds) {
  EXPECT_TRUE(ParseSeedRange("1..100000000").ok());
  EXPECT_FALSE(ParseSeedRange("0..100000000").ok());
  EXPECT_TRUE(ParseSeedRange("18446744073709551615").ok());
  const auto top = ParseSeedRange("18446744073709551610..18446744073709551615");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->second - top->first, 5u);
}

TEST_F(CliTest, SeedFlagTakesAnyUnsigned64BitSeedAndNothingElse) {
  const std::string path = Src("scenarios/heartbeat/partition.json");
  for (const char* bad : {"--seed=-5", "--seed=-1", "--seed=18446744073709551616", "--seed=+3", "--seed=1e3"}) {
    EXPECT_EQ(Run({"run", path, bad}), 2) << bad;
    EXPECT_THAT(err_.str(), HasSubstr("expected a seed from 0 to 18446744073709551615")) << bad;
  }
  // The largest seed runs, and replays the same.
  const auto verdict = [this] { return out_.str().substr(out_.str().rfind("verdict")); };
  ASSERT_EQ(Run({"run", path, "--seed=18446744073709551615"}), 0);
  const std::string first = verdict();
  ASSERT_EQ(Run({"run", path, "--seed=18446744073709551615"}), 0);
  EXPECT_EQ(verdict(), first);
  ASSERT_EQ(Run({"run", path, "--seed=18446744073709551614"}), 0);
  EXPECT_NE(verdict(), first) << "another seed, another trace";
}

TEST_F(CliTest, DiffFindsTheFirstDifference) {
  const std::string a = Write("a.jsonl", "{\"t\":1}\n{\"t\":2}\n{\"t\":3}\n");
  const std::string b = Write("b.jsonl", "{\"t\":1}\n{\"t\":2}\n{\"t\":4}\n");
  EXPECT_EQ(Run({"diff", a, a}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("identical: 3 events"));
  EXPECT_EQ(Run({"diff", a, b}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("traces differ at event 2 (line 3)"));
  EXPECT_THAT(out_.str(), HasSubstr("- "));
  EXPECT_THAT(out_.str(), HasSubstr("{\"t\":4}"));
  EXPECT_EQ(Run({"diff", a, "/nonexistent"}), 2);
}

TEST_F(CliTest, DiffOfTwoSeedsShowsWhereTheyPart) {
  const std::string a = ::testing::TempDir() + "/s1.jsonl";
  const std::string b = ::testing::TempDir() + "/s2.jsonl";
  const std::string path = Src("tests/data/chaos_pingpong.json");
  EXPECT_EQ(Run({"run", path, "--seed=1", "--trace=" + a}), 0);
  EXPECT_EQ(Run({"run", path, "--seed=1", "--trace=" + b}), 0);
  EXPECT_EQ(Run({"diff", a, b}), 0);
  EXPECT_EQ(Run({"run", path, "--seed=2", "--trace=" + b}), 0);
  EXPECT_EQ(Run({"diff", a, b}), 1);
}

TEST_F(CliTest, CheckExitCodesAndJson) {
  const std::string good = Write("good.edn",
      "[{:process 0, :type :invoke, :f :write, :value 1}\n"
      " {:process 0, :type :ok, :f :write, :value 1}\n"
      " {:process 1, :type :invoke, :f :read, :value nil}\n"
      " {:process 1, :type :ok, :f :read, :value 1}]\n");
  EXPECT_EQ(Run({"check", "--model=register", good}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("linearizable"));
  const std::string bad = Write("bad.edn",
      "[{:process 0, :type :invoke, :f :write, :value 1}\n"
      " {:process 0, :type :ok, :f :write, :value 1}\n"
      " {:process 1, :type :invoke, :f :read, :value nil}\n"
      " {:process 1, :type :ok, :f :read, :value 2}]\n");
  EXPECT_EQ(Run({"check", "--model=register", bad}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("the shortest prefix that cannot be linearized"));
  EXPECT_EQ(Run({"check", "--model=register", bad, "--json"}), 1);
  const nlohmann::json j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["verdict"], "not-linearizable");
  EXPECT_EQ(j["ops"], 2);
  EXPECT_EQ(j["partitions"], 1);
  EXPECT_EQ(j["set_aside"], 0) << "it has no unknown operation";
  EXPECT_TRUE(j.contains("elapsed_ms"));
  EXPECT_EQ(j["witness"]["prefix_events"], 4);
  // Knossos conventions: registers start at 0 and a nil read says nothing.
  const std::string knossos = Write("k.edn",
      "[{:process 1, :type :invoke, :f :read, :value nil}\n"
      " {:process 1, :type :ok, :f :read, :value 0}\n"
      " {:process 1, :type :invoke, :f :read, :value nil}\n"
      " {:process 1, :type :ok, :f :read, :value nil}]\n");
  EXPECT_EQ(Run({"check", "--model=cas-register", knossos}), 1);
  EXPECT_EQ(Run({"check", "--model=cas-register", "--init=0", "--nil-read=unknown", knossos}), 0);
}

TEST_F(CliTest, CheckUnknownWithinTheBudget) {
  std::string text = "[";
  for (int p = 0; p < 16; ++p) text += "{:process " + std::to_string(p) + ", :type :invoke, :f :write, :value " + std::to_string(p) + "}\n";
  for (int p = 0; p < 16; ++p) text += "{:process " + std::to_string(p) + ", :type :ok, :f :write, :value " + std::to_string(p) + "}\n";
  text += "{:process 99, :type :invoke, :f :read, :value nil}\n{:process 99, :type :ok, :f :read, :value 77}]";
  const std::string hard = Write("hard.edn", text);
  EXPECT_EQ(Run({"check", "--model=register", hard, "--timeout=1ns", "--json"}), 3);
  EXPECT_EQ(nlohmann::json::parse(out_.str())["verdict"], "unknown");
  EXPECT_EQ(Run({"check", "--model=register", hard, "--memory=1MiB", "--json"}), 3);
  EXPECT_THAT(nlohmann::json::parse(out_.str())["reason"].get<std::string>(),
              HasSubstr("memory budget of 1 MiB exhausted"));
  EXPECT_EQ(Run({"check", "--model=register", hard, "--memory=1GiB"}), 1);
  for (const char* bad : {"--memory=1KiB", "--memory=lots", "--memory=4GB", "--memory=-1GiB",
                          "--memory=99999999999TiB", "--memory=GiB"}) {
    EXPECT_EQ(Run({"check", "--model=register", hard, bad}), 2) << bad;
    EXPECT_THAT(err_.str(), HasSubstr("expected a size from 1MiB")) << bad;
  }
}

TEST(ByteSize, UnitsAndRange) {
  EXPECT_EQ(*ParseByteSize("1MiB"), 1u << 20);
  EXPECT_EQ(*ParseByteSize("512MiB"), 512u << 20);
  EXPECT_EQ(*ParseByteSize("4GiB"), 4ull << 30);
  EXPECT_EQ(*ParseByteSize("2048KiB"), 2u << 20);
  EXPECT_EQ(*ParseByteSize("1024TiB"), 1ull << 50);
  EXPECT_FALSE(ParseByteSize("1025TiB").ok());
  EXPECT_FALSE(ParseByteSize("1023KiB").ok());
  EXPECT_FALSE(ParseByteSize("+4GiB").ok());
  EXPECT_FALSE(ParseByteSize("4 GiB").ok());
  EXPECT_FALSE(ParseByteSize("").ok());
}

// dsim check reads what a ZooKeeper run records and agrees with the run's
// own linearizable check: a clean seed passes, a planted bug's seed fails.
TEST_F(CliTest, CheckReadsAZooKeeperHistory) {
  const std::string clean = ::testing::TempDir() + "/zk_clean.json";
  const std::string buggy = ::testing::TempDir() + "/zk_bug.json";
  ASSERT_EQ(Run({"run", Src("scenarios/zab/kv_nemesis.json"), "--history=" + clean}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("ok   linearizable"));
  EXPECT_EQ(Run({"check", "--model=zookeeper", clean}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("linearizable (zookeeper model"));
  // The register model does not know sync-read: a one-line error, exit 2.
  EXPECT_EQ(Run({"check", "--model=register", clean}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("no operation \"sync-read\""));
  Run({"run", Src("scenarios/zab/bugs/ack_before_persist.json"), "--seed=153", "--history=" + buggy});
  EXPECT_THAT(out_.str(), HasSubstr("FAIL linearizable"));
  EXPECT_EQ(Run({"check", "--model=zookeeper", buggy}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("not-linearizable (zookeeper model"));
}

TEST_F(CliTest, CheckBadInput) {
  const std::string bad = Write("broken.edn", "[{:process 0, :type :invoke, :f :write, :value 1}\n {:process 0 :type :what}]");
  EXPECT_EQ(Run({"check", "--model=register", bad}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("broken.edn:2: :type must be one of"));
  EXPECT_EQ(Run({"check", "--model=raft-log", bad}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown model"));
  EXPECT_EQ(Run({"check", "--model=register", "/nonexistent.edn"}), 2);
  EXPECT_EQ(Run({"check", "--model=register", bad, "--timeout=soon"}), 2);
  EXPECT_EQ(Run({"check", "--model=register", bad, "--nil-read=maybe"}), 2);
  const std::string orphan = Write("orphan.edn", "[{:process 0, :type :ok, :f :write, :value 1}]");
  EXPECT_EQ(Run({"check", "--model=register", orphan}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("orphan.edn:1: ok for process 0"));
}

// The isolation checker as a user runs it: exit 0 valid, 1 invalid with
// the cycle explained, 3 unknown, 2 bad input naming the file and line.
TEST_F(CliTest, CheckIsolation) {
  const std::string skew = Write("skew.edn",
                                 "{:type :ok, :process 0, :f :txn, :value [[:r :x []] [:append :y 1]]}\n"
                                 "{:type :ok, :process 1, :f :txn, :value [[:r :y []] [:append :x 1]]}\n");
  EXPECT_EQ(Run({"check", "--model=list-append", skew}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("skew.edn: invalid (list-append, 2 transactions"));
  EXPECT_THAT(out_.str(), HasSubstr("G2-item (1 found)"));
  EXPECT_THAT(out_.str(), HasSubstr("not repeatable-read"));
  EXPECT_THAT(out_.str(), HasSubstr("consistent with snapshot-isolation\nviolates repeatable-read"));
  EXPECT_EQ(Run({"check", "--model=list-append", skew, "--consistency-models=snapshot-isolation"}), 0);
  EXPECT_EQ(Run({"check", "--model=list-append", skew, "--consistency-models=", "--anomalies=:G0,G1"}), 0);
  EXPECT_EQ(Run({"check", "--model=list-append", skew, "--json", "--consistency-models=serializable"}), 1);
  const nlohmann::json j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["valid"], "invalid");
  EXPECT_EQ(j["anomaly_types"], nlohmann::json::array({"G2-item"}));
  EXPECT_EQ(j["not"], nlohmann::json::array({"repeatable-read"}));
  EXPECT_EQ(j["strongest_satisfied"], "snapshot-isolation");
  EXPECT_EQ(j["anomalies"]["G2-item"][0]["ops"].size(), 2u);
  // Out of search budget: the component still yields one cycle, whatever its shape.
  EXPECT_EQ(Run({"check", "--model=list-append", skew, "--cycle-budget=1", "--consistency-models=serializable"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("cycle-search-timeout"));
  EXPECT_THAT(out_.str(), HasSubstr("G2-item (1 found)"));
  const std::string alone = Write("alone.edn", "{:type :ok, :process 0, :f :txn, :value [[:append :x 1]]}\n");
  EXPECT_EQ(Run({"check", "--model=list-append", alone}), 3);
  EXPECT_THAT(out_.str(), HasSubstr("empty-transaction-graph"));

  // dsim's own JSON history format, read by the general reader.
  const std::string json = Write("skew.json",
                                 "[{\"process\": 0, \"type\": \"ok\", \"f\": \"txn\", "
                                 "\"value\": [[\":r\", \":x\", []], [\":append\", \":y\", 1]]},\n"
                                 " {\"process\": 1, \"type\": \"ok\", \"f\": \"txn\", "
                                 "\"value\": [[\":r\", \":y\", []], [\":append\", \":x\", 1]]}]\n");
  EXPECT_EQ(Run({"check", "--model=list-append", json, "--consistency-models=serializable"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("G2-item (1 found)"));

  const std::string rw = Write("rw.edn", "{:type :ok, :process 0, :f :txn, :value [[:w :x 1]]}\n"
                                         "{:type :ok, :process 1, :f :txn, :value [[:r :x 1]]}\n");
  EXPECT_EQ(Run({"check", "--model=rw-register", rw, "--linearizable-keys"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("consistent with strict-serializable"));

  EXPECT_EQ(Run({"check", "--model=list-append", rw}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("rw.edn:1: micro-operation [:w :x 1]: the list-append workload has :r and :append"));
  EXPECT_EQ(Run({"check", "--model=list-append", skew, "--consistency-models=serialisable"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown consistency model \"serialisable\""));
  EXPECT_EQ(Run({"check", "--model=list-append", skew, "--anomalies=G9"}), 2);
  const std::string twice = Write("twice.edn", "{:type :ok, :process 0, :f :txn, :value [[:append :x 1]]}\n"
                                               "{:type :ok, :process 1, :f :txn, :value [[:append :x 1]]}\n");
  EXPECT_EQ(Run({"check", "--model=list-append", twice}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("twice.edn:2: 1 is written to :x again (first at line 1)"));
}

TEST_F(CliTest, ProtocolsListsChecksBugsAndKeys) {
  EXPECT_EQ(Run({"protocols"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("heartbeat"));
  EXPECT_THAT(out_.str(), HasSubstr("wall_clock_timeout"));
  EXPECT_THAT(out_.str(), HasSubstr("    tick - ZooKeeper's tickTime"));
  EXPECT_THAT(out_.str(), HasSubstr("(default \"100ms\")"));
  EXPECT_THAT(out_.str(), HasSubstr("stop - No new operations from this local time on (default: the run's end)"));
}

// This registry has the test protocols too, so the shipped schema lacks
// their parts: --check says so and changes nothing; without it, the file is
// rewritten and then up to date.
TEST_F(CliTest, SchemaRewritesTheProtocolParts) {
  std::ifstream in(Src("scenarios/schema.json"));
  std::stringstream shipped;
  shipped << in.rdbuf();
  const std::string copy = Write("schema.json", shipped.str());
  EXPECT_EQ(Run({"schema", copy, "--check"}), 1);
  EXPECT_THAT(out_.str(), HasSubstr("out of date"));
  std::ifstream unchanged(copy);
  std::stringstream after_check;
  after_check << unchanged.rdbuf();
  EXPECT_EQ(after_check.str(), shipped.str());
  EXPECT_EQ(Run({"schema", copy}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("rewrote"));
  EXPECT_EQ(Run({"schema", copy, "--check"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("up to date"));
  std::ifstream rewritten(copy);
  std::stringstream text;
  text << rewritten.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("\"pingpong_options\""));
  EXPECT_EQ(Run({"schema", Write("not.json", "[1, 2")}), 2);
  EXPECT_EQ(Run({"schema", "/nonexistent/schema.json"}), 2);
  EXPECT_EQ(Run({"schema"}), 2);
}

// dsim shrink, dsim report and --perfetto as a user types them: the files
// they write, and a one-line error with exit 2 for every bad input.
TEST_F(CliTest, ShrinkWritesAScenarioThatReplaysTheFailure) {
  const std::string bug = Src("scenarios/zab/bugs/ack_before_persist.json");
  const std::string min = TempPath("min.json");
  ASSERT_EQ(Run({"shrink", bug, "--seed=153", "--find=agreement", "--out=" + min, "--budget=200"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("agreement still fails"));
  EXPECT_THAT(out_.str(), HasSubstr("before    18 faults"));
  EXPECT_THAT(out_.str(), HasSubstr("replay    dsim run " + min));
  // The shrunk scenario meets its expect: agreement fails, as it says.
  EXPECT_EQ(Run({"run", min}), 0) << out_.str();
  EXPECT_THAT(out_.str(), HasSubstr("FAIL agreement"));
  // Without --out the scenario goes to stdout, the summary to stderr.
  ASSERT_EQ(Run({"shrink", bug, "--seed=153", "--budget=20", "--noprogress"}), 0) << err_.str();
  EXPECT_TRUE(nlohmann::json::accept(out_.str())) << out_.str();
  EXPECT_THAT(err_.str(), HasSubstr("budget spent"));
}

TEST_F(CliTest, ShrinkRejectsBadInput) {
  const std::string bug = Src("scenarios/zab/bugs/ack_before_persist.json");
  EXPECT_EQ(Run({"shrink", bug}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--seed=N names the failing seed"));
  EXPECT_EQ(Run({"shrink", bug, "--seed=153", "--budget=1"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--budget=1"));
  EXPECT_EQ(Run({"shrink", bug, "--seed=153", "--budget=soon"}), 2);
  EXPECT_EQ(Run({"shrink", bug, "--seed=153", "--find=nonsense"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("runs no such check"));
  EXPECT_EQ(Run({"shrink", Src("scenarios/zab/crash_slow_disk.json"), "--seed=1"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("fails no check"));
  EXPECT_EQ(Run({"shrink", bug, "--seed=153", "--out=/nonexistent/dir/min.json"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("cannot write"));
  EXPECT_EQ(Run({"shrink", Src("no/such/file.json"), "--seed=1"}), 2);
}

TEST_F(CliTest, RunWritesPerfettoAndReportAlongsideTheTrace) {
  const std::string file = Src("scenarios/heartbeat/partition.json");
  const std::string perfetto = TempPath("run.perfetto.json"), html = TempPath("run.html");
  const std::string trace = TempPath("run.jsonl");
  ASSERT_EQ(Run({"run", file, "--perfetto=" + perfetto, "--report=" + html, "--trace=" + trace}), 0) << err_.str();
  EXPECT_TRUE(nlohmann::json::parse(ReadFile(perfetto)).contains("traceEvents"));
  EXPECT_THAT(ReadFile(html), HasSubstr("heartbeat-partition"));
  EXPECT_GT(ReadFile(trace).size(), 1000u) << "the trace file is still written";
  // The same run as dsim report.
  ASSERT_EQ(Run({"report", file, "--out=" + html}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("report    " + html + " (pass, seed 1)"));
  EXPECT_EQ(Run({"report", file}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--out=RUN.html"));
  EXPECT_EQ(Run({"run", file, "--perfetto=/nonexistent/dir/x.json"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--perfetto=/nonexistent/dir/x.json: cannot write the file"));
  EXPECT_EQ(Run({"report", file, "--out=/nonexistent/dir/x.html"}), 2);
}

}  // namespace
TEST(FuzzResults, MissingSeedsAndTheirRanges) {
  std::map<uint64_t, SeedOutcome> done;
  for (uint64_t s : {3, 4, 5, 9, 10}) done[s] = SeedOutcome{.seed = s};
  using R = std::vector<std::pair<uint64_t, uint64_t>>;
  EXPECT_EQ(MissingSeeds(done, 1, 12), (R{{1, 2}, {6, 8}, {11, 12}}));
  EXPECT_EQ(MissingSeeds(done, 3, 5), R{});
  EXPECT_EQ(MissingSeeds(done, 4, 10), (R{{6, 8}}));
  EXPECT_EQ(MissingSeeds({}, 7, 7), (R{{7, 7}}));
  done[UINT64_MAX] = SeedOutcome{};
  EXPECT_EQ(MissingSeeds(done, UINT64_MAX - 1, UINT64_MAX), (R{{UINT64_MAX - 1, UINT64_MAX - 1}}));
  EXPECT_EQ(FormatSeedRanges({{1, 2}, {6, 6}}), "1..2, 6");
  EXPECT_EQ(FormatSeedRanges({{1, 1}, {3, 3}, {5, 5}}, 2), "1, 3 ... (1 more ranges)");
}

}  // namespace dsim
