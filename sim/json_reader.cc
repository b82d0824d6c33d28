#include "sim/json_reader.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/one_line.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "sim/time.h"

namespace dsim {
namespace {

std::string EscapePointerToken(std::string_view key) {
  return absl::StrReplaceAll(absl::string_view(key.data(), key.size()),
                              {{"~", "~0"}, {"/", "~1"}});
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

// A first SAX pass over the document that reports duplicate keys (which
// nlohmann would silently merge) by pointer. Separate from building the
// document because nlohmann's callback parser rescans an array's elements
// each time one of its objects ends: quadratic in the array's length. This
// pass is linear; a syntax error stops it and the DOM parse reports it.
struct DuplicateKeyFinder : nlohmann::json_sax<nlohmann::json> {
  struct Frame {
    bool is_object;
    std::set<std::string> keys;
    std::string token;  // current key, or current index as text
    size_t next_index = 0;
  };
  std::vector<Frame> stack;
  std::string duplicate_pointer;
  std::string duplicate_key;

  std::string Pointer() const {
    std::string p;
    for (const Frame& f : stack) {
      if (!f.token.empty() || f.is_object) p += "/" + f.token;
    }
    return p;
  }
  void EnterValue() {
    if (!stack.empty() && !stack.back().is_object) {
      stack.back().token = std::to_string(stack.back().next_index++);
    }
  }
  bool Value() {
    EnterValue();
    return true;
  }
  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    EnterValue();
    stack.push_back({true, {}, "", 0});
    return true;
  }
  bool start_array(std::size_t) override {
    EnterValue();
    stack.push_back({false, {}, "", 0});
    return true;
  }
  bool end_object() override {
    stack.pop_back();
    return true;
  }
  bool end_array() override {
    stack.pop_back();
    return true;
  }
  bool key(string_t& key) override {
    Frame& f = stack.back();
    f.token = EscapePointerToken(key);
    if (!f.keys.insert(key).second && duplicate_pointer.empty()) {
      duplicate_pointer = Pointer();
      duplicate_key = key;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }
};

}  // namespace

JsonPath JsonPath::Key(std::string_view key) const {
  return {absl::StrCat(pointer, "/", EscapePointerToken(key)),
          absl::StrCat(schema, "/", EscapePointerToken(key))};
}

JsonPath JsonPath::Index(size_t i) const {
  return {absl::StrCat(pointer, "/", i), absl::StrCat(schema, "/*")};
}

std::string JsonTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

namespace {

// The 1-based line and column of the byte before 1-based offset `byte`
// (nlohmann's convention for where a parse stopped).
std::pair<size_t, size_t> LineAndColumn(std::string_view text, size_t byte) {
  size_t line = 1, col = 1;
  const size_t end = std::min<size_t>(byte == 0 ? 0 : byte - 1, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace

namespace {

// The 1-based offset of the bracket that opens level max_depth + 1, or 0.
// One pass, strings skipped; the parse itself reports malformed input.
size_t TooDeepAt(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i + 2;  // LineAndColumn reports the byte before
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return 0;
}

}  // namespace

std::optional<nlohmann::json> JsonContext::Parse(std::string_view text) {
  if (const size_t at = TooDeepAt(text, kMaxDepth); at != 0) {
    const auto [line, col] = LineAndColumn(text, at);
    if (error_.empty()) {
      error_ = absl::StrFormat("%s:%d:%d: invalid JSON: arrays and objects nest deeper than %d", file_, line,
                               col, kMaxDepth);
    }
    return std::nullopt;
  }
  DuplicateKeyFinder finder;
  try {
    nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end());
    nlohmann::json::sax_parse(text.begin(), text.end(), &finder);
    if (!finder.duplicate_pointer.empty()) {
      Fail({finder.duplicate_pointer, ""},
           absl::StrFormat("duplicate key \"%s\"", finder.duplicate_key));
      return std::nullopt;
    }
    return doc;
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double ("1e400"): nlohmann names the literal
    // but not where it is; the first occurrence of it is the one it stopped at.
    std::string what = e.what();
    const size_t colon = what.find("] ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    size_t at = 0;
    const size_t open = what.find('\'');
    const size_t close = what.rfind('\'');
    if (open != std::string::npos && close > open) {
      const size_t found = text.find(what.substr(open + 1, close - open - 1));
      if (found != std::string_view::npos) at = found + 1;
    }
    const auto [line, col] = LineAndColumn(text, at);
    if (error_.empty()) {
      error_ = absl::StrFormat("%s:%d:%d: invalid JSON: %s", file_, line, col, what);
    }
    return std::nullopt;
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, col] = LineAndColumn(text, e.byte);
    std::string what = e.what();
    // nlohmann's message reads "[json.exception.parse_error.101] parse error
    // at line 3, column 5: syntax error while parsing ..." - keep the tail.
    const size_t colon = what.find(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    if (error_.empty()) {
      error_ = absl::StrFormat("%s:%d:%d: invalid JSON: %s", file_, line, col, what);
    }
    return std::nullopt;
  }
}

JsonObject JsonContext::Root(const nlohmann::json& doc) {
  JsonObject root(this, &doc, JsonPath{});
  if (!doc.is_object()) {
    Fail(JsonPath{}, absl::StrFormat("expected an object, got %s", JsonTypeName(doc)));
  }
  return root;
}

void JsonContext::Fail(const JsonPath& path, std::string_view what) {
  if (!error_.empty()) return;
  error_ = absl::StrFormat("%s: %s: %s", file_, path.Display(), what);
}

absl::Status JsonContext::status() const {
  return error_.empty() ? absl::OkStatus() : absl::InvalidArgumentError(OneLine(error_));
}

void JsonContext::RecordKey(const JsonPath& parent, std::string_view key) {
  if (recorded_keys_ != nullptr) {
    recorded_keys_->insert(parent.schema + "/" + std::string(key));
  }
}

// --- JsonValue -------------------------------------------------------------

std::optional<int64_t> JsonValue::AsInt(int64_t min, int64_t max) const {
  int64_t v;
  if (v_->is_number_unsigned()) {
    const uint64_t u = v_->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) {
      Fail(absl::StrFormat("%d is out of range [%d, %d]", u, min, max));
      return std::nullopt;
    }
    v = static_cast<int64_t>(u);
  } else if (v_->is_number_integer()) {
    v = v_->get<int64_t>();
  } else {
    Fail(absl::StrFormat("expected an integer, got %s", JsonTypeName(*v_)));
    return std::nullopt;
  }
  if (v < min || v > max) {
    Fail(absl::StrFormat("%d is out of range [%d, %d]", v, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<double> JsonValue::AsDouble(double min, double max) const {
  if (!v_->is_number()) {
    Fail(absl::StrFormat("expected a number, got %s", JsonTypeName(*v_)));
    return std::nullopt;
  }
  const double v = v_->get<double>();
  if (!(v >= min && v <= max)) {
    Fail(absl::StrFormat("%g is out of range [%g, %g]", v, min, max));
    return std::nullopt;
  }
  return v;
}

std::optional<bool> JsonValue::AsBool() const {
  if (!v_->is_boolean()) {
    Fail(absl::StrFormat("expected true or false, got %s", JsonTypeName(*v_)));
    return std::nullopt;
  }
  return v_->get<bool>();
}

std::optional<std::string> JsonValue::AsString() const {
  if (!v_->is_string()) {
    Fail(absl::StrFormat("expected a string, got %s", JsonTypeName(*v_)));
    return std::nullopt;
  }
  return v_->get<std::string>();
}

std::optional<int64_t> JsonValue::AsDuration(int64_t min_ns, int64_t max_ns) const {
  if (!v_->is_string()) {
    Fail(absl::StrFormat(
        "expected a duration string such as \"250us\", got %s", JsonTypeName(*v_)));
    return std::nullopt;
  }
  const std::string text = v_->get<std::string>();
  absl::StatusOr<int64_t> ns = ParseDuration(text);
  if (!ns.ok()) {
    Fail(std::string(ns.status().message()));
    return std::nullopt;
  }
  if (*ns < min_ns) {
    Fail(*ns < 0 && min_ns >= 0
             ? absl::StrFormat("duration \"%s\" must not be negative", text)
             : absl::StrFormat("duration \"%s\" is below the minimum %s", text,
                               FormatDuration(min_ns)));
    return std::nullopt;
  }
  if (*ns > max_ns) {
    Fail(absl::StrFormat("duration \"%s\" is above the maximum %s", text,
                         FormatDuration(max_ns)));
    return std::nullopt;
  }
  return *ns;
}

std::optional<std::string> JsonValue::AsEnum(
    absl::Span<const std::string_view> allowed) const {
  std::optional<std::string> s = AsString();
  if (!s) return std::nullopt;
  for (std::string_view a : allowed) {
    if (*s == a) return s;
  }
  std::vector<std::string> quoted;
  for (std::string_view a : allowed) quoted.push_back("\"" + std::string(a) + "\"");
  Fail(absl::StrFormat("\"%s\" is not one of %s", *s, absl::StrJoin(quoted, ", ")));
  return std::nullopt;
}

std::optional<JsonObject> JsonValue::AsObject() const {
  if (!v_->is_object()) {
    Fail(absl::StrFormat("expected an object, got %s", JsonTypeName(*v_)));
    return std::nullopt;
  }
  return JsonObject(ctx_, v_, path_);
}

std::optional<JsonArray> JsonValue::AsArray() const {
  if (!v_->is_array()) {
    Fail(absl::StrFormat("expected an array, got %s", JsonTypeName(*v_)));
    return std::nullopt;
  }
  return JsonArray(ctx_, v_, path_);
}

// --- JsonObject ------------------------------------------------------------

const nlohmann::json* JsonObject::Find(std::string_view key) {
  declared_.insert(std::string(key));
  ctx_->RecordKey(path_, key);
  if (!v_->is_object()) return nullptr;
  auto it = v_->find(key);
  return it == v_->end() ? nullptr : &*it;
}

JsonValue JsonObject::ValueAt(std::string_view key, const nlohmann::json* v) const {
  return JsonValue(ctx_, v, path_.Key(key));
}

bool JsonObject::Has(std::string_view key) { return Find(key) != nullptr; }

int64_t JsonObject::Int(std::string_view key, int64_t def, int64_t min, int64_t max) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return def;
  return ValueAt(key, v).AsInt(min, max).value_or(def);
}

double JsonObject::Double(std::string_view key, double def, double min, double max) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return def;
  return ValueAt(key, v).AsDouble(min, max).value_or(def);
}

bool JsonObject::Bool(std::string_view key, bool def) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return def;
  return ValueAt(key, v).AsBool().value_or(def);
}

std::string JsonObject::String(std::string_view key, std::string def) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return def;
  return ValueAt(key, v).AsString().value_or(def);
}

int64_t JsonObject::Duration(std::string_view key, int64_t def, int64_t min_ns,
                             int64_t max_ns) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return def;
  return ValueAt(key, v).AsDuration(min_ns, max_ns).value_or(def);
}

std::string JsonObject::Enum(std::string_view key, std::string def,
                             absl::Span<const std::string_view> allowed) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return def;
  return ValueAt(key, v).AsEnum(allowed).value_or(def);
}

std::optional<JsonObject> JsonObject::Object(std::string_view key) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return std::nullopt;
  return ValueAt(key, v).AsObject();
}

std::optional<JsonArray> JsonObject::Array(std::string_view key) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return std::nullopt;
  return ValueAt(key, v).AsArray();
}

std::optional<JsonValue> JsonObject::Value(std::string_view key) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr || !ctx_->ok()) return std::nullopt;
  return ValueAt(key, v);
}

void JsonObject::Require(std::string_view key) {
  if (Find(key) == nullptr && v_->is_object()) {
    // A misspelt required key is there under another name: point at it.
    std::string near;
    size_t near_distance = 3;  // close matches only, as Finish suggests
    for (auto it = v_->begin(); it != v_->end(); ++it) {
      const size_t dist = EditDistance(it.key(), key);
      if (dist < near_distance) {
        near_distance = dist;
        near = it.key();
      }
    }
    Fail(near.empty() ? absl::StrFormat("missing required key \"%s\"", key)
                      : absl::StrFormat("missing required key \"%s\" (is \"%s\" a misspelling?)", key, near));
  }
}

std::vector<std::string> JsonObject::Keys() const {
  std::vector<std::string> keys;
  if (!v_->is_object()) return keys;
  for (auto it = v_->begin(); it != v_->end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

void JsonObject::Finish() {
  if (any_key_ || !v_->is_object() || !ctx_->ok()) return;
  for (const std::string& key : Keys()) {
    if (declared_.count(key)) continue;
    std::string best;
    size_t best_distance = 3;  // suggest only close matches
    for (const std::string& d : declared_) {
      const size_t dist = EditDistance(key, d);
      if (dist < best_distance) {
        best_distance = dist;
        best = d;
      }
    }
    std::string msg = absl::StrFormat("unknown key \"%s\"", key);
    if (!best.empty()) {
      absl::StrAppend(&msg, absl::StrFormat(" (did you mean \"%s\"?)", best));
    } else {
      absl::StrAppend(&msg, absl::StrFormat(" (known keys: %s)", absl::StrJoin(declared_, ", ")));
    }
    ctx_->Fail(path_.Key(key), msg);
    return;
  }
}

}  // namespace dsim
