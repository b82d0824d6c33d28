#include "sim/json_reader.h"

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/time.h"

namespace dsim {
namespace {

using ::testing::HasSubstr;

std::string ErrorOf(std::string_view text, const std::function<void(JsonObject&)>& read) {
  JsonContext ctx("f.json");
  std::optional<nlohmann::json> doc = ctx.Parse(text);
  if (doc) {
    JsonObject root = ctx.Root(*doc);
    if (ctx.ok()) {
      read(root);
      root.Finish();
    }
  }
  return ctx.ok() ? "" : std::string(ctx.status().message());
}

TEST(JsonReader, ReadsTypedValues) {
  JsonContext ctx("f.json");
  auto doc = ctx.Parse(R"({"n": 3, "d": "250us", "b": true, "s": "x", "x": 0.5})");
  ASSERT_TRUE(doc);
  JsonObject o = ctx.Root(*doc);
  EXPECT_EQ(o.Int("n", 0, 0, 10), 3);
  EXPECT_EQ(o.Duration("d", 0), 250 * kMicrosecond);
  EXPECT_TRUE(o.Bool("b", false));
  EXPECT_EQ(o.String("s", ""), "x");
  EXPECT_EQ(o.Double("x", 0, 0, 1), 0.5);
  EXPECT_EQ(o.Int("absent", 7, 0, 10), 7);
  o.Finish();
  EXPECT_TRUE(ctx.ok());
}

TEST(JsonReader, ErrorsNameFilePointerAndProblem) {
  EXPECT_EQ(ErrorOf(R"({"n": "3"})", [](JsonObject& o) { o.Int("n", 0, 0, 10); }),
            "f.json: /n: expected an integer, got a string");
  EXPECT_EQ(ErrorOf(R"({"n": 11})", [](JsonObject& o) { o.Int("n", 0, 0, 10); }),
            "f.json: /n: 11 is out of range [0, 10]");
  EXPECT_EQ(ErrorOf(R"({"n": 1.5})", [](JsonObject& o) { o.Int("n", 0, 0, 10); }),
            "f.json: /n: expected an integer, got a number");
  EXPECT_EQ(ErrorOf(R"({"d": "-1s"})", [](JsonObject& o) { o.Duration("d", 0); }),
            "f.json: /d: duration \"-1s\" must not be negative");
  EXPECT_THAT(ErrorOf(R"({"d": "1 sec"})", [](JsonObject& o) { o.Duration("d", 0); }),
              HasSubstr("f.json: /d: malformed duration \"1 sec\""));
  EXPECT_EQ(ErrorOf(R"({"d": 5})", [](JsonObject& o) { o.Duration("d", 0); }),
            "f.json: /d: expected a duration string such as \"250us\", got an integer");
  EXPECT_EQ(ErrorOf(R"({"m": "x"})", [](JsonObject& o) { o.Enum("m", "a", {"a", "b"}); }),
            "f.json: /m: \"x\" is not one of \"a\", \"b\"");
}

TEST(JsonReader, UnknownKeysWithSuggestion) {
  EXPECT_EQ(ErrorOf(R"({"sed": 1})", [](JsonObject& o) { o.Int("seed", 0, 0, 9); }),
            "f.json: /sed: unknown key \"sed\" (did you mean \"seed\"?)");
  EXPECT_EQ(ErrorOf(R"({"zzzzzz": 1})", [](JsonObject& o) { o.Int("seed", 0, 0, 9); }),
            "f.json: /zzzzzz: unknown key \"zzzzzz\" (known keys: seed)");
  // A misspelt required key is missing first: the message names the near miss.
  const auto require_duration = [](JsonObject& o) {
    o.Require("duration");
    o.Duration("duration", 0);
  };
  EXPECT_EQ(ErrorOf(R"({"durration": "1s"})", require_duration),
            "f.json: /: missing required key \"duration\" (is \"durration\" a misspelling?)");
  EXPECT_EQ(ErrorOf(R"({"x": 1})", require_duration), "f.json: /: missing required key \"duration\"");
}

TEST(JsonReader, NestedPointers) {
  EXPECT_EQ(ErrorOf(R"({"a": [{"b": 1}, {"b": "x"}]})",
                    [](JsonObject& o) {
                      auto arr = o.Array("a");
                      for (size_t i = 0; i < arr->size(); ++i) {
                        auto e = arr->At(i).AsObject();
                        e->Int("b", 0, 0, 9);
                        e->Finish();
                      }
                    }),
            "f.json: /a/1/b: expected an integer, got a string");
}

TEST(JsonReader, SyntaxErrorsHaveLineAndColumn) {
  EXPECT_THAT(ErrorOf("{\n  \"a\": 1,\n  \"b\": }\n", [](JsonObject&) {}),
              HasSubstr("f.json:3:"));
}

// A number beyond a double is bad input with a line, not an abort.
TEST(JsonReader, NumberOverflowIsAnErrorWithItsLine) {
  EXPECT_EQ(ErrorOf("{\n  \"a\": 1,\n  \"b\": [2, -1e400]\n}\n", [](JsonObject&) {}),
            "f.json:3:12: invalid JSON: number overflow parsing '-1e400'");
  EXPECT_THAT(ErrorOf("{\"a\": 1e999999999999}", [](JsonObject&) {}), HasSubstr("f.json:1:"));
}

// Nesting is bounded before the parse, so no reader after it recurses deep:
// 100,000 brackets once overflowed the stack.
TEST(JsonReader, NestingDeeperThanTheLimitIsAnErrorWithItsLine) {
  const int max = JsonContext::kMaxDepth;
  const std::string ok = "{\"a\": " + std::string(max - 1, '[') + std::string(max - 1, ']') + "}";
  EXPECT_EQ(ErrorOf(ok, [](JsonObject& o) { o.AllowAnyKey(); }), "");
  const std::string deep = "{\n\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(ErrorOf(deep, [](JsonObject&) {}),
            absl::StrFormat("f.json:2:%d: invalid JSON: arrays and objects nest deeper than %d", 6 + max, max));
  // Brackets inside strings do not count, escaped quotes included.
  const std::string quoted = "{\"a\": \"\\\"" + std::string(100000, '[') + "\"}";
  EXPECT_EQ(ErrorOf(quoted, [](JsonObject& o) { o.AllowAnyKey(); }), "");
}

TEST(JsonReader, DuplicateKeys) {
  EXPECT_EQ(ErrorOf(R"({"a": {"b": 1, "b": 2}})", [](JsonObject&) {}),
            "f.json: /a/b: duplicate key \"b\"");
  EXPECT_EQ(ErrorOf(R"({"x": [1, {"k": 1, "k": 1}]})", [](JsonObject&) {}),
            "f.json: /x/1/k: duplicate key \"k\"");
}

TEST(JsonReader, TopLevelMustBeAnObject) {
  EXPECT_EQ(ErrorOf("[1, 2]", [](JsonObject&) {}), "f.json: /: expected an object, got an array");
}

TEST(JsonReader, RecordsDeclaredKeysWithSchemaPaths) {
  std::set<std::string> keys;
  JsonContext ctx("f.json");
  ctx.RecordKeysInto(&keys);
  auto doc = ctx.Parse(R"({"a": [{"b": 1}]})");
  JsonObject o = ctx.Root(*doc);
  auto arr = o.Array("a");
  auto e = arr->At(0).AsObject();
  e->Int("b", 0, 0, 9);
  e->Int("c", 0, 0, 9);
  EXPECT_EQ(keys, (std::set<std::string>{"/a", "/a/*/b", "/a/*/c"}));
}

}  // namespace
}  // namespace dsim
