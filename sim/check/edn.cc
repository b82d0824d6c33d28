#include "sim/check/edn.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "sim/absl_view.h"

namespace dsim {
namespace {

bool IsDelimiter(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == ',' || c == '(' ||
         c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '"' || c == ';';
}

}  // namespace

const Edn* Edn::Get(std::string_view keyword) const {
  if (kind != Kind::kMap) return nullptr;
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    const Edn& k = items[i];
    if (k.kind == Kind::kKeyword && k.s.size() == keyword.size() + 1 &&
        std::string_view(k.s).substr(1) == keyword) {
      return &items[i + 1];
    }
  }
  return nullptr;
}

std::string Edn::ToString() const {
  auto join = [](const std::vector<Edn>& items) {
    std::vector<std::string> parts;
    for (const Edn& e : items) parts.push_back(e.ToString());
    return absl::StrJoin(parts, " ");
  };
  switch (kind) {
    case Kind::kNil:
      return "nil";
    case Kind::kBool:
      return b ? "true" : "false";
    case Kind::kInt:
      return absl::StrCat(i);
    case Kind::kFloat:
      return absl::StrCat(f);
    case Kind::kString:
      return absl::StrCat("\"", s, "\"");
    case Kind::kKeyword:
    case Kind::kSymbol:
      return s;
    case Kind::kVector:
      return absl::StrCat("[", join(items), "]");
    case Kind::kList:
      return absl::StrCat("(", join(items), ")");
    case Kind::kSet:
      return absl::StrCat("#{", join(items), "}");
    case Kind::kMap: {
      std::vector<std::string> parts;
      for (size_t i = 0; i + 1 < items.size(); i += 2) {
        parts.push_back(absl::StrCat(items[i].ToString(), " ", items[i + 1].ToString()));
      }
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
    }
  }
  return "?";
}

absl::Status EdnReader::Error(std::string_view what) const {
  return absl::InvalidArgumentError(absl::StrFormat("line %d: %s", line_, what));
}

void EdnReader::SkipSpace() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      ++pos_;
    } else if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == ',') {
      ++pos_;
    } else if (c == ';') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else {
      return;
    }
  }
}

absl::StatusOr<std::vector<Edn>> EdnReader::ReadAll() {
  std::vector<Edn> forms;
  for (;;) {
    SkipSpace();
    if (pos_ >= text_.size()) return forms;
    absl::StatusOr<Edn> f = Read();
    if (!f.ok()) return f.status();
    forms.push_back(std::move(*f));
  }
}

// Every nested form (a collection's items, a discarded or tagged form)
// goes through here, so the depth bounds the recursion.
absl::StatusOr<Edn> EdnReader::Read() {
  if (depth_ >= kMaxDepth) return Error(absl::StrFormat("forms nest deeper than %d", kMaxDepth));
  ++depth_;
  absl::StatusOr<Edn> form = ReadForm();
  --depth_;
  return form;
}

absl::StatusOr<Edn> EdnReader::ReadForm() {
  SkipSpace();
  if (pos_ >= text_.size()) return Error("unexpected end of input");
  const char c = text_[pos_];
  switch (c) {
    case '[':
      ++pos_;
      return ReadCollection(']', Edn::Kind::kVector);
    case '(':
      ++pos_;
      return ReadCollection(')', Edn::Kind::kList);
    case '{':
      ++pos_;
      return ReadCollection('}', Edn::Kind::kMap);
    case '"':
      return ReadString();
    case ')':
    case ']':
    case '}':
      return Error(absl::StrFormat("unexpected '%c'", c));
    case '#': {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '{') {
        ++pos_;
        return ReadCollection('}', Edn::Kind::kSet);
      }
      if (pos_ < text_.size() && text_[pos_] == '_') {  // discard the next form
        ++pos_;
        absl::StatusOr<Edn> skipped = Read();
        if (!skipped.ok()) return skipped.status();
        return Read();
      }
      absl::StatusOr<Edn> tag = ReadAtom();  // #inst "..." and friends: keep the value
      if (!tag.ok()) return tag.status();
      return Read();
    }
    default:
      return ReadAtom();
  }
}

absl::StatusOr<Edn> EdnReader::ReadCollection(char close, Edn::Kind kind) {
  Edn e;
  e.kind = kind;
  e.line = line_;
  for (;;) {
    SkipSpace();
    if (pos_ >= text_.size()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "line %d: '%c' opened here is never closed", e.line, close == '}' ? '{' : close == ']' ? '[' : '('));
    }
    if (text_[pos_] == close) {
      ++pos_;
      break;
    }
    absl::StatusOr<Edn> item = Read();
    if (!item.ok()) return item.status();
    e.items.push_back(std::move(*item));
  }
  if (kind == Edn::Kind::kMap && e.items.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("line %d: a map needs an even number of forms", e.line));
  }
  return e;
}

absl::StatusOr<Edn> EdnReader::ReadString() {
  Edn e;
  e.kind = Edn::Kind::kString;
  e.line = line_;
  ++pos_;  // opening quote
  while (pos_ < text_.size() && text_[pos_] != '"') {
    char c = text_[pos_++];
    if (c == '\n') ++line_;
    if (c == '\\' && pos_ < text_.size()) {
      const char x = text_[pos_++];
      switch (x) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        default: c = x; break;
      }
    }
    e.s.push_back(c);
  }
  if (pos_ >= text_.size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("line %d: string opened here is never closed", e.line));
  }
  ++pos_;  // closing quote
  return e;
}

absl::StatusOr<Edn> EdnReader::ReadAtom() {
  const size_t start = pos_;
  while (pos_ < text_.size() && !IsDelimiter(text_[pos_])) ++pos_;
  const std::string_view tok = text_.substr(start, pos_ - start);
  Edn e;
  e.line = line_;
  if (tok.empty()) {
    return Error(pos_ < text_.size() ? absl::StrFormat("unexpected '%c'", text_[pos_])
                                     : std::string("unexpected end of input"));
  }
  if (tok == "nil") return e;
  if (tok == "true" || tok == "false") {
    e.kind = Edn::Kind::kBool;
    e.b = tok == "true";
    return e;
  }
  if (tok[0] == ':') {
    if (tok.size() == 1) return Error("empty keyword");
    e.kind = Edn::Kind::kKeyword;
    e.s = std::string(tok);
    return e;
  }
  const bool numeric = absl::ascii_isdigit(static_cast<unsigned char>(tok[0])) ||
                       ((tok[0] == '-' || tok[0] == '+') && tok.size() > 1 &&
                        absl::ascii_isdigit(static_cast<unsigned char>(tok[1])));
  if (numeric) {
    std::string_view digits = tok;
    if (digits.back() == 'N') digits.remove_suffix(1);  // BigInt suffix
    if (absl::SimpleAtoi(AV(digits), &e.i)) {
      e.kind = Edn::Kind::kInt;
      return e;
    }
    std::string_view fdigits = tok;
    if (fdigits.back() == 'M') fdigits.remove_suffix(1);
    if (absl::SimpleAtod(AV(fdigits), &e.f)) {
      e.kind = Edn::Kind::kFloat;
      return e;
    }
    return Error(absl::StrFormat("malformed number \"%s\"", tok));
  }
  e.kind = Edn::Kind::kSymbol;
  e.s = std::string(tok);
  return e;
}

}  // namespace dsim
