// Strict reading of user-supplied JSON (scenario files, protocol options).
//
// Every getter names a key, checks its type and range, and on the first
// problem records one error `FILE: /json/pointer: what is wrong`; later calls
// are no-ops that return defaults, so a loader reads like a field list and
// checks ctx.status() once at the end. Finish() on an object reports the keys
// nobody asked for, with a "did you mean" for near misses.
//
//   JsonContext ctx("scenarios/a.json");
//   JsonObject root = ctx.Root(doc);
//   int64_t nodes = root.Int("nodes", 3, 1, 64);
//   int64_t duration_ns = root.Duration("duration", kSecond);
//   root.Finish();
//   if (!ctx.ok()) return ctx.status();
#ifndef DSIM_SIM_JSON_READER_H_
#define DSIM_SIM_JSON_READER_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"

namespace dsim {

class JsonObject;
class JsonArray;

// A JSON pointer plus the matching schema path (array indices as "*").
struct JsonPath {
  std::string pointer;
  std::string schema;
  JsonPath Key(std::string_view key) const;
  JsonPath Index(size_t i) const;
  std::string Display() const { return pointer.empty() ? "/" : pointer; }
};

class JsonContext {
 public:
  explicit JsonContext(std::string file) : file_(std::move(file)) {}

  // Arrays and objects nest at most this deep in a file dsim reads: every
  // reader after the parse recurses, and no scenario or history needs more.
  static constexpr int kMaxDepth = 256;
  // Parses text; a syntax error, or nesting deeper than kMaxDepth, is
  // reported with its line and column.
  std::optional<nlohmann::json> Parse(std::string_view text);

  // The top-level value, which must be an object.
  JsonObject Root(const nlohmann::json& doc);

  void Fail(const JsonPath& path, std::string_view what);
  bool ok() const { return error_.empty(); }
  absl::Status status() const;
  const std::string& file() const { return file_; }

  // For the schema sync test: every key a loader declares is recorded here as
  // "<schema path>/<key>", whether or not the file has it.
  void RecordKeysInto(std::set<std::string>* keys) { recorded_keys_ = keys; }
  void RecordKey(const JsonPath& parent, std::string_view key);

 private:
  std::string file_;
  std::string error_;
  std::set<std::string>* recorded_keys_ = nullptr;
};

// Reads one value; used by JsonObject and JsonArray, and directly for array
// elements.
class JsonValue {
 public:
  JsonValue(JsonContext* ctx, const nlohmann::json* v, JsonPath path)
      : ctx_(ctx), v_(v), path_(std::move(path)) {}

  const nlohmann::json& raw() const { return *v_; }
  const JsonPath& path() const { return path_; }
  JsonContext* ctx() const { return ctx_; }

  std::optional<int64_t> AsInt(int64_t min, int64_t max) const;
  std::optional<double> AsDouble(double min, double max) const;
  std::optional<bool> AsBool() const;
  std::optional<std::string> AsString() const;
  // A duration string such as "250us", within [min_ns, max_ns].
  std::optional<int64_t> AsDuration(int64_t min_ns, int64_t max_ns) const;
  std::optional<std::string> AsEnum(absl::Span<const std::string_view> allowed) const;
  std::optional<JsonObject> AsObject() const;
  std::optional<JsonArray> AsArray() const;
  void Fail(std::string_view what) const { ctx_->Fail(path_, what); }

 private:
  JsonContext* ctx_;
  const nlohmann::json* v_;
  JsonPath path_;
};

class JsonObject {
 public:
  JsonObject(JsonContext* ctx, const nlohmann::json* v, JsonPath path)
      : ctx_(ctx), v_(v), path_(std::move(path)) {}

  bool Has(std::string_view key);  // declares the key
  // Each getter declares `key` and returns `def` when it is absent.
  int64_t Int(std::string_view key, int64_t def, int64_t min, int64_t max);
  double Double(std::string_view key, double def, double min, double max);
  bool Bool(std::string_view key, bool def);
  std::string String(std::string_view key, std::string def);
  int64_t Duration(std::string_view key, int64_t def, int64_t min_ns = 0,
                   int64_t max_ns = INT64_MAX);
  std::string Enum(std::string_view key, std::string def,
                   absl::Span<const std::string_view> allowed);
  std::optional<JsonObject> Object(std::string_view key);
  std::optional<JsonArray> Array(std::string_view key);
  std::optional<JsonValue> Value(std::string_view key);
  // Reports a missing required key.
  void Require(std::string_view key);

  // Reports the first key (in sorted order) that no getter declared.
  void Finish();
  // Marks the object as free-form: Finish() accepts any key.
  void AllowAnyKey() { any_key_ = true; }
  // The keys present, for free-form objects (facts, per-name maps).
  std::vector<std::string> Keys() const;

  const JsonPath& path() const { return path_; }
  JsonContext* ctx() const { return ctx_; }
  const nlohmann::json& raw() const { return *v_; }
  void Fail(std::string_view what) const { ctx_->Fail(path_, what); }

 private:
  const nlohmann::json* Find(std::string_view key);
  JsonValue ValueAt(std::string_view key, const nlohmann::json* v) const;

  JsonContext* ctx_;
  const nlohmann::json* v_;
  JsonPath path_;
  std::set<std::string, std::less<>> declared_;
  bool any_key_ = false;
};

class JsonArray {
 public:
  JsonArray(JsonContext* ctx, const nlohmann::json* v, JsonPath path)
      : ctx_(ctx), v_(v), path_(std::move(path)) {}
  size_t size() const { return v_->size(); }
  JsonValue At(size_t i) const { return JsonValue(ctx_, &(*v_)[i], path_.Index(i)); }
  const JsonPath& path() const { return path_; }
  void Fail(std::string_view what) const { ctx_->Fail(path_, what); }

 private:
  JsonContext* ctx_;
  const nlohmann::json* v_;
  JsonPath path_;
};

// The JSON type name used in messages: "a string", "an integer", ...
std::string JsonTypeName(const nlohmann::json& v);

}  // namespace dsim

#endif  // DSIM_SIM_JSON_READER_H_
