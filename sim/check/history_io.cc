#include "sim/check/history_io.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "sim/one_line.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sim/absl_view.h"
#include "sim/check/edn.h"
#include "sim/json_reader.h"

namespace dsim {
namespace {

absl::Status LineError(const std::string& file, int line, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrFormat("%s:%d: %s", file, line, what));
}

// "line N: what" from the EDN reader, as "FILE:N: what".
absl::Status Relocate(const std::string& file, const absl::Status& s) {
  const std::string msg(s.message());
  std::string_view m = msg;
  if (m.substr(0, 5) == "line ") {
    const size_t colon = m.find(':');
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s:%s:%s", file, m.substr(5, colon - 5), m.substr(colon + 1)));
  }
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s", file, m));
}

std::optional<OpType> ParseType(std::string_view t) {
  if (t == "invoke") return OpType::kInvoke;
  if (t == "ok") return OpType::kOk;
  if (t == "fail") return OpType::kFail;
  if (t == "info") return OpType::kInfo;
  return std::nullopt;
}

std::string StripColon(const std::string& s) { return !s.empty() && s[0] == ':' ? s.substr(1) : s; }

// EDN values as history values: keywords keep their colon.
Value ToValue(const Edn& e) {
  switch (e.kind) {
    case Edn::Kind::kNil:
      return Value::Nil();
    case Edn::Kind::kBool:
      return Value::Str(e.b ? "true" : "false");
    case Edn::Kind::kInt:
      return Value::Int(e.i);
    case Edn::Kind::kFloat:
      return Value::Str(e.ToString());
    case Edn::Kind::kString:
    case Edn::Kind::kKeyword:
    case Edn::Kind::kSymbol:
      return Value::Str(e.s);
    case Edn::Kind::kVector:
    case Edn::Kind::kList:
    case Edn::Kind::kSet: {
      std::vector<Value> items;
      for (const Edn& x : e.items) items.push_back(ToValue(x));
      return Value::List(std::move(items));
    }
    case Edn::Kind::kMap:
      return Value::Str(e.ToString());
  }
  return Value::Nil();
}

// One EDN operation map. Returns false (and no error) for nemesis entries.
absl::StatusOr<bool> EdnEvent(const Edn& m, const std::string& file, HistoryEvent& out) {
  if (m.kind != Edn::Kind::kMap) {
    return LineError(file, m.line, absl::StrFormat("expected an operation map, got %s", m.ToString().substr(0, 40)));
  }
  out.line = m.line;
  const Edn* process = m.Get("process");
  if (process == nullptr) return LineError(file, m.line, "operation has no :process");
  if (process->kind == Edn::Kind::kKeyword) return false;  // :nemesis and friends
  if (process->kind != Edn::Kind::kInt) {
    return LineError(file, m.line, absl::StrFormat(":process must be an integer, not %s", process->ToString()));
  }
  out.process = static_cast<int32_t>(process->i);
  const Edn* type = m.Get("type");
  if (type == nullptr || type->kind != Edn::Kind::kKeyword || !ParseType(StripColon(type->s))) {
    return LineError(file, m.line, ":type must be one of :invoke, :ok, :fail, :info");
  }
  out.type = *ParseType(StripColon(type->s));
  const Edn* f = m.Get("f");
  if (f == nullptr || (f->kind != Edn::Kind::kKeyword && f->kind != Edn::Kind::kString &&
                       f->kind != Edn::Kind::kSymbol && f->kind != Edn::Kind::kNil)) {
    return LineError(file, m.line, "operation has no :f keyword");
  }
  // Elle's transaction histories may say `:f nil`: the value says what it does.
  out.f = f->kind == Edn::Kind::kNil ? "" : StripColon(f->s);
  if (const Edn* v = m.Get("value")) out.value = ToValue(*v);
  if (const Edn* k = m.Get("key")) {
    if (k->kind == Edn::Kind::kInt) {
      out.key = absl::StrCat(k->i);
    } else if (k->kind == Edn::Kind::kString || k->kind == Edn::Kind::kKeyword) {
      out.key = k->s;
    } else {
      return LineError(file, m.line, ":key must be a string, keyword or integer");
    }
  }
  if (const Edn* t = m.Get("time"); t != nullptr && t->kind == Edn::Kind::kInt) out.time_ns = t->i;
  if (const Edn* i = m.Get("index"); i != nullptr && i->kind == Edn::Kind::kInt) out.index = i->i;
  return true;
}

absl::StatusOr<History> ParseEdn(std::string_view text, const std::string& file) {
  EdnReader reader(text);
  absl::StatusOr<std::vector<Edn>> forms = reader.ReadAll();
  if (!forms.ok()) return Relocate(file, forms.status());
  std::vector<const Edn*> ops;
  if (forms->size() == 1 && (*forms)[0].is_seq()) {
    for (const Edn& e : (*forms)[0].items) ops.push_back(&e);
  } else {
    for (const Edn& e : *forms) ops.push_back(&e);
  }
  History h;
  for (const Edn* e : ops) {
    HistoryEvent ev;
    absl::StatusOr<bool> keep = EdnEvent(*e, file, ev);
    if (!keep.ok()) return keep.status();
    if (*keep) h.push_back(std::move(ev));
  }
  return h;
}

absl::StatusOr<History> ParseJepsenLog(std::string_view text, const std::string& file) {
  History h;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const size_t at = line.find("jepsen.util - ");
    if (at == std::string_view::npos) {
      if (end >= text.size()) break;
      continue;  // other log lines
    }
    std::string_view rest = line.substr(at + 14);
    auto next_token = [&rest]() {
      size_t i = 0;
      while (i < rest.size() && absl::ascii_isspace(static_cast<unsigned char>(rest[i]))) ++i;
      size_t j = i;
      while (j < rest.size() && !absl::ascii_isspace(static_cast<unsigned char>(rest[j]))) ++j;
      std::string_view tok = rest.substr(i, j - i);
      rest = rest.substr(j);
      return tok;
    };
    const std::string_view process = next_token();
    const std::string_view type = next_token();
    const std::string_view f = next_token();
    HistoryEvent ev;
    ev.line = line_no;
    if (!process.empty() && process[0] == ':') {
      if (end >= text.size()) break;
      continue;  // :nemesis
    }
    if (!absl::SimpleAtoi(AV(process), &ev.process)) {
      return LineError(file, line_no, absl::StrFormat("expected a process number, got \"%s\"", process));
    }
    if (type.empty() || type[0] != ':' || !ParseType(type.substr(1))) {
      return LineError(file, line_no, absl::StrFormat("expected :invoke, :ok, :fail or :info, got \"%s\"", type));
    }
    ev.type = *ParseType(type.substr(1));
    if (f.empty() || f[0] != ':') {
      return LineError(file, line_no, absl::StrFormat("expected an operation keyword, got \"%s\"", f));
    }
    ev.f = std::string(f.substr(1));
    EdnReader vr(rest);
    absl::StatusOr<std::vector<Edn>> value = vr.ReadAll();
    if (!value.ok() || value->size() > 1) {
      return LineError(file, line_no, absl::StrFormat("malformed value \"%s\"", absl::StripAsciiWhitespace(AV(rest))));
    }
    if (value->size() == 1) ev.value = ToValue((*value)[0]);
    h.push_back(std::move(ev));
    if (end >= text.size()) break;
  }
  return h;
}

// Line of each top-level element of a JSON array, for error messages.
std::vector<int> ElementLines(std::string_view text) {
  std::vector<int> lines;
  int line = 1, depth = 0;
  bool in_string = false, escaped = false, expect_element = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) continue;
    if (depth == 1 && expect_element && c != ']') {
      lines.push_back(line);
      expect_element = false;
    }
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') {
      ++depth;
      if (depth == 1) expect_element = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 1) {
      expect_element = true;
    }
  }
  return lines;
}

absl::StatusOr<History> ParseDsimJson(std::string_view text, const std::string& file) {
  JsonContext ctx(file);
  std::optional<nlohmann::json> doc = ctx.Parse(text);
  if (!doc) return ctx.status();
  if (!doc->is_array()) return LineError(file, 1, "a dsim history is a JSON array of events");
  const std::vector<int> lines = ElementLines(text);
  History h;
  for (size_t i = 0; i < doc->size(); ++i) {
    const int line = i < lines.size() ? lines[i] : 0;
    JsonContext ectx(absl::StrFormat("%s:%d", file, line));
    JsonValue v(&ectx, &(*doc)[i], JsonPath{});
    std::optional<JsonObject> o = v.AsObject();
    if (!o) return ectx.status();
    HistoryEvent ev;
    ev.line = line;
    o->Require("process");
    o->Require("type");
    o->Require("f");
    ev.process = static_cast<int32_t>(o->Int("process", 0, INT32_MIN, INT32_MAX));
    const std::string type = o->Enum("type", "invoke", {"invoke", "ok", "fail", "info"});
    ev.type = ParseType(type).value_or(OpType::kInvoke);
    ev.f = o->String("f", "");
    if (o->Has("key")) ev.key = o->String("key", "");
    if (std::optional<JsonValue> value = o->Value("value")) {
      std::optional<Value> parsed = Value::FromJson(value->raw());
      if (!parsed) value->Fail("expected null, an integer, a string or an array of those");
      ev.value = parsed.value_or(Value::Nil());
    }
    ev.time_ns = o->Int("time", -1, -1, INT64_MAX);
    ev.node = static_cast<int32_t>(o->Int("node", 0, 0, INT32_MAX));
    if (o->Has("index")) ev.index = o->Int("index", 0, 0, INT64_MAX);
    o->Finish();
    if (!ectx.ok()) return ectx.status();
    h.push_back(std::move(ev));
  }
  return h;
}

// The first character that is not whitespace or part of a ';' comment.
size_t SkipBlank(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    if (text[pos] == ';') {
      while (pos < text.size() && text[pos] != '\n') ++pos;
    } else if (absl::ascii_isspace(static_cast<unsigned char>(text[pos])) || text[pos] == ',') {
      ++pos;
    } else {
      break;
    }
  }
  return pos;
}

}  // namespace

const char* HistoryFormatName(HistoryFormat f) {
  switch (f) {
    case HistoryFormat::kEdn:
      return "edn";
    case HistoryFormat::kJepsenLog:
      return "jepsen-log";
    case HistoryFormat::kDsimJson:
      return "dsim-json";
  }
  return "?";
}

std::optional<HistoryFormat> DetectHistoryFormat(std::string_view text) {
  const size_t first = SkipBlank(text, 0);
  if (first >= text.size()) return std::nullopt;
  const size_t eol = text.find('\n', first);
  const std::string_view first_line = text.substr(first, eol == std::string_view::npos ? text.npos : eol - first);
  if (first_line.find("jepsen.util - ") != std::string_view::npos ||
      absl::StartsWith(AV(first_line), "INFO ")) {
    return HistoryFormat::kJepsenLog;
  }
  if (text[first] != '[' && text[first] != '(' && text[first] != '{') return std::nullopt;
  // "[{\"" is dsim JSON; "[{:", "({:" and "{:" are EDN.
  size_t p = SkipBlank(text, first + (text[first] == '{' ? 0 : 1));
  bool json = false;
  if (text[first] == '[' && p < text.size() && text[p] == ']') json = true;
  if (p < text.size() && text[p] == '{') {
    const size_t q = SkipBlank(text, p + 1);
    json = q < text.size() && (text[q] == '"' || text[q] == '}');
  }
  return json ? HistoryFormat::kDsimJson : HistoryFormat::kEdn;
}

absl::StatusOr<ParsedHistory> ParseHistory(std::string_view text, const std::string& file) {
  ParsedHistory out;
  if (SkipBlank(text, 0) >= text.size()) return out;  // an empty history
  const std::optional<HistoryFormat> format = DetectHistoryFormat(text);
  if (!format) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s:1: unrecognised history format (expected Jepsen EDN, a Jepsen log, or a dsim "
        "JSON history)",
        file));
  }
  out.format = *format;
  absl::StatusOr<History> h = *format == HistoryFormat::kJepsenLog ? ParseJepsenLog(text, file)
                              : *format == HistoryFormat::kDsimJson ? ParseDsimJson(text, file)
                                                                     : ParseEdn(text, file);
  if (!h.ok()) return absl::InvalidArgumentError(OneLine(std::string(h.status().message())));
  out.events = std::move(*h);
  return out;
}

absl::StatusOr<ParsedHistory> LoadHistoryFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("%s: cannot open the file", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseHistory(ss.str(), path);
}

}  // namespace dsim
