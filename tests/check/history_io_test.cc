#include "sim/check/history_io.h"

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;

TEST(HistoryIo, KnossosVectorWithCommentsAndNemesis) {
  const char* text = R"(; a comment
[{:process 0, :type :invoke, :f :write, :value 3}
 {:process :nemesis, :type :info, :f :start, :value nil}
 {:type :ok,
  :f :write, :value 3, :process 0, :time 123}
 {:process 1, :type :invoke, :f :cas, :value [3 4]}
 {:process 1, :type :fail, :f :cas, :value [3 4], :error :not-found}])";
  absl::StatusOr<ParsedHistory> h = ParseHistory(text, "k.edn");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->format, HistoryFormat::kEdn);
  ASSERT_EQ(h->events.size(), 4u);
  EXPECT_EQ(h->events[1].type, OpType::kOk);
  EXPECT_EQ(h->events[1].time_ns, 123);
  EXPECT_EQ(h->events[1].line, 4);
  EXPECT_EQ(h->events[2].value, Value::List({Value::Int(3), Value::Int(4)}));
}

TEST(HistoryIo, OneMapPerLineWithKeys) {
  const char* text =
      "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n";
  absl::StatusOr<ParsedHistory> h = ParseHistory(text, "kv.txt");
  ASSERT_TRUE(h.ok()) << h.status();
  ASSERT_EQ(h->events.size(), 2u);
  EXPECT_EQ(*h->events[0].key, "0");
  EXPECT_EQ(h->events[0].value, Value::Str("x 0 0 y"));
}

TEST(HistoryIo, ListForm) {
  absl::StatusOr<ParsedHistory> h =
      ParseHistory("({:process 0, :type :invoke, :f :acquire})", "m.edn");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->events.size(), 1u);
}

TEST(HistoryIo, JepsenLog) {
  const char* text =
      "INFO  jepsen.util - 2\t:invoke\t:cas\t[3 0]\n"
      "INFO  jepsen.util - 2\t:ok\t:cas\t[3 0]\n"
      "INFO  jepsen.util - 4    :info    :write    :timed-out\n"
      "INFO  jepsen.core - something else\n";
  absl::StatusOr<ParsedHistory> h = ParseHistory(text, "etcd.log");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->format, HistoryFormat::kJepsenLog);
  ASSERT_EQ(h->events.size(), 3u);
  EXPECT_EQ(h->events[2].type, OpType::kInfo);
  EXPECT_EQ(h->events[2].value, Value::Str(":timed-out"));
  EXPECT_EQ(h->events[2].line, 3);
}

TEST(HistoryIo, DsimJsonRoundTrip) {
  History in;
  HistoryEvent e;
  e.process = 3;
  e.type = OpType::kInvoke;
  e.f = "write";
  e.key = "k";
  e.value = Value::List({Value::Int(1), Value::Str("a")});
  e.time_ns = 55;
  e.node = 2;
  in.push_back(e);
  e.type = OpType::kOk;
  in.push_back(e);
  absl::StatusOr<ParsedHistory> h = ParseHistory(HistoryToJson(in), "h.json");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->format, HistoryFormat::kDsimJson);
  ASSERT_EQ(h->events.size(), 2u);
  EXPECT_EQ(h->events[1].value, e.value);
  EXPECT_EQ(*h->events[1].key, "k");
  EXPECT_EQ(h->events[1].node, 2);
  EXPECT_EQ(h->events[1].line, 3);
}

TEST(HistoryIo, MalformedInputNamesTheLine) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"[{:process 0, :type :invoke, :f :read}\n {:process 0 :type :okk :f :read}]",
       "h:2: :type must be one of :invoke, :ok, :fail, :info"},
      {"[{:process 0, :type :invoke, :f :read}\n {:process \"x\", :type :ok, :f :read}]",
       "h:2: :process must be an integer"},
      {"[{:process 0, :type :invoke, :f :read}\n {:process 0, :type :ok, :f :read}",
       "h:1: '[' opened here is never closed"},
      {"[{:process 0, :type :invoke, :f :read, :value}]", "h:1: a map needs an even number of forms"},
      {"INFO  jepsen.util - x\t:invoke\t:read\tnil\n", "h:1: expected a process number"},
      {"INFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:done\t:read\tnil\n",
       "h:2: expected :invoke, :ok, :fail or :info"},
      {"[\n{\"process\": 1, \"type\": \"invoke\", \"f\": \"read\"},\n{\"process\": 1, \"type\": \"okay\", \"f\": \"read\"}\n]",
       "h:3: /type: \"okay\" is not one of"},
      {"[{\"process\": 1, \"type\": \"invoke\", \"f\": \"read\", \"extra\": 1}]", "h:1: /extra: unknown key"},
      {"hello world", "h:1: unrecognised history format"},
      {"[{\"process\": 1, \"type\": \"invoke\", \"f\": \"read\", \"ex\\ntra\": 1}]",
       "h:1: /ex\\ntra: unknown key \"ex\\ntra\""},
  };
  // Deep nesting in every format is an error at the depth limit, not a
  // stack overflow (100,000 brackets once crashed dsim check).
  const std::string brackets(100000, '[');
  for (const std::string& deep :
       {brackets, brackets + std::string(100000, ']'), "[{:process 0 :value " + brackets + "}]",
        "[{\"process\": 1, \"type\": \"invoke\", \"f\": \"write\", \"value\": " + brackets +
            std::string(100000, ']') + "}]",
        std::string(100000, '(') + std::string(100000, ')'), "[" + absl::StrJoin(std::vector<std::string>(50000, "#_"), " ") + " 1]"}) {
    absl::StatusOr<ParsedHistory> h = ParseHistory(deep, "h");
    ASSERT_FALSE(h.ok()) << deep.substr(0, 40);
    EXPECT_THAT(std::string(h.status().message()), ::testing::HasSubstr("nest deeper than 256"))
        << deep.substr(0, 40);
  }
  for (const Case& c : cases) {
    absl::StatusOr<ParsedHistory> h = ParseHistory(c.text, "h");
    ASSERT_FALSE(h.ok()) << c.text;
    EXPECT_THAT(std::string(h.status().message()), ::testing::StartsWith(c.error)) << c.text;
    EXPECT_EQ(std::string(h.status().message()).find('\n'), std::string::npos);
  }
}

TEST(HistoryIo, EmptyIsAnEmptyHistory) {
  absl::StatusOr<ParsedHistory> h = ParseHistory("  \n", "h");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->events.empty());
}

}  // namespace
// A dispatch or atom at the very end of the input (a fuzz finding: "[!]#"
// read one byte past the text to quote it).
TEST(HistoryIo, AnAtomCutOffByTheEndIsAnError) {
  for (const char* text : {"[!]#", "[{:type :invoke}]#", "#"}) {
    absl::StatusOr<ParsedHistory> h = ParseHistory(text, "cut.edn");
    ASSERT_FALSE(h.ok()) << text;
    EXPECT_EQ(std::string(h.status().message()).find('\n'), std::string::npos);
  }
}

}  // namespace dsim
