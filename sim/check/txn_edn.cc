// A fast reader for the EDN that Jepsen and Elle write for transaction
// histories: one operation map per line (or a vector of them), values made
// of integers, keywords and plain strings. It reads straight into a
// TxnHistory, with no tree and no string per token: keys and values are
// interned by views into the text, and a list read that extends the
// previous read of its key (the usual case in list-append: lists only
// grow) takes that read's versions by one comparison of bytes and interns
// only the new elements.
//
// It handles the common shape only; anything else (another value type, a
// tag, a comment inside an operation, malformed input) makes it give up,
// and LoadTxnHistoryFile reads the file with the general EDN reader, which
// accepts the rest or reports the error. The two give the same history:
// the same keys and versions, interned in the same order.
#include <fstream>
#include <optional>
#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "sim/absl_view.h"
#include "sim/check/history_io.h"
#include "sim/check/txn_assemble.h"
#include "sim/check/txn_history.h"

namespace dsim {
namespace {

bool IsDelimiter(char c) {
  return c == ' ' || c == ',' || c == '\n' || c == '\t' || c == '\r' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '(' || c == ')' || c == '"' || c == ';';
}

// Printable ASCII: anything else (control bytes, other whitespace, UTF-8)
// is left to the general reader.
bool Plain(char c) { return c >= 0x21 && c <= 0x7e; }

// Integers as Value::ToString writes them, keywords, and strings without
// escapes: the tokens whose text is their interned name.
enum class Tok : uint8_t { kInt, kKeyword, kString, kNil, kOther };

// Whether the general reader takes `t` (numeric-looking) as a number: the
// same conversions, the same suffixes.
bool GeneralNumber(std::string_view t) {
  std::string_view digits = t;
  if (digits.back() == 'N') digits.remove_suffix(1);
  int64_t i;
  if (absl::SimpleAtoi(AV(digits), &i)) return true;
  std::string_view fdigits = t;
  if (fdigits.back() == 'M') fdigits.remove_suffix(1);
  double f;
  return absl::SimpleAtod(AV(fdigits), &f);
}

bool CanonicalInt(std::string_view t) {
  const size_t digits = !t.empty() && t[0] == '-' ? 1 : 0;
  if (digits == t.size() || t.size() - digits > 18 || t == "-0") return false;
  if (t[digits] == '0' && t.size() > digits + 1) return false;
  for (size_t i = digits; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
  }
  return true;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  bool done() { return Skip(), p_ >= s_.size(); }
  int line() const { return line_; }
  size_t pos() const { return p_; }
  void Seek(size_t p, int line) { p_ = p, line_ = line; }
  char Peek() { Skip(); return p_ < s_.size() ? s_[p_] : '\0'; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++p_;
    return true;
  }

  // The next scalar token; kOther for anything this reader does not take.
  Tok Token(std::string_view& out) {
    Skip();
    if (p_ >= s_.size()) return Tok::kOther;
    const size_t start = p_;
    if (s_[p_] == '"') {
      size_t close = p_ + 1;
      while (close < s_.size() && s_[close] != '"' && s_[close] != '\\' && (Plain(s_[close]) || s_[close] == ' ')) {
        ++close;
      }
      if (close >= s_.size() || s_[close] != '"') return Tok::kOther;
      out = s_.substr(start, close + 1 - start);
      p_ = close + 1;
      return Tok::kString;
    }
    while (p_ < s_.size() && !IsDelimiter(s_[p_])) {
      if (!Plain(s_[p_])) return Tok::kOther;
      ++p_;
    }
    out = s_.substr(start, p_ - start);
    if (out.empty()) return Tok::kOther;
    if (out == "nil") return Tok::kNil;
    if (out[0] == ':' && out.size() > 1) return Tok::kKeyword;
    return CanonicalInt(out) ? Tok::kInt : Tok::kOther;
  }

  // Skips one value of any shape (strings and nesting respected); false if
  // it is not one this reader can skip (a tag, a character, a comment).
  bool SkipValue() {
    Skip();
    closers_.clear();
    forms_.clear();
    do {
      Skip();
      if (p_ >= s_.size() || closers_.size() > 64) return false;
      const char c = s_[p_];
      if (c == '[' || c == '{' || c == '(') {
        closers_.push_back(c == '[' ? ']' : c == '{' ? '}' : ')');
        forms_.push_back(0);
        ++p_;
        continue;  // the collection counts as a form when it closes
      } else if (c == ']' || c == '}' || c == ')') {
        const char want = closers_.empty() ? '\0' : closers_.back() == 's' ? '}' : closers_.back();
        if (c != want) return false;
        // A map holds keys and values: an even number of forms.
        if (closers_.back() == '}' && forms_.back() % 2 != 0) return false;
        closers_.pop_back();
        forms_.pop_back();
        ++p_;
      } else if (c == '#' && p_ + 1 < s_.size() && s_[p_ + 1] == '{') {
        closers_.push_back('s');  // a set
        forms_.push_back(0);
        p_ += 2;
        continue;
      } else if (c == '#' || c == '\\' || c == ';') {
        return false;
      } else {
        // An atom the general reader takes the same way: a plain string, a
        // keyword, a plain integer, or a symbol (true, false, nil, ...).
        if (c == '"') {
          // As the general reader reads a string: any escape, any byte.
          for (++p_; p_ < s_.size() && s_[p_] != '"'; ++p_) {
            if (s_[p_] == '\n') ++line_;
            if (s_[p_] == '\\' && p_ + 1 < s_.size()) {
              if (s_[++p_] == '\n') ++line_;
            }
          }
          if (p_ >= s_.size()) return false;
          ++p_;
        } else {
          const size_t start = p_;
          while (p_ < s_.size() && !IsDelimiter(s_[p_])) {
            if (!Plain(s_[p_])) return false;
            ++p_;
          }
          const std::string_view tok = s_.substr(start, p_ - start);
          if (tok.empty() || tok == ":") return false;
          const bool numeric = (tok[0] >= '0' && tok[0] <= '9') ||
                               ((tok[0] == '-' || tok[0] == '+') && tok.size() > 1 && tok[1] >= '0' && tok[1] <= '9');
          if (numeric && !GeneralNumber(tok)) return false;
        }
      }
      if (!forms_.empty()) ++forms_.back();  // a whole form inside the innermost collection
    } while (!closers_.empty());
    Skip();
    return true;
  }

 private:
  void Skip() {
    while (p_ < s_.size()) {
      const char c = s_[p_];
      if (c == '\n') {
        ++line_, ++p_;
      } else if (c == ' ' || c == ',' || c == '\t' || c == '\r') {
        ++p_;
      } else {
        break;
      }
    }
  }

  std::string_view s_;
  size_t p_ = 0;
  int line_ = 1;
  std::string closers_;  // SkipValue's open brackets, innermost last ('s': a set)
  std::vector<int> forms_;  // and the forms each holds so far
};

struct Event {
  int32_t process = 0;
  OpType type = OpType::kInvoke;
  int64_t index = -1;
  int32_t line = 0;
  size_t value_pos = 0;  // where its :value starts; 0 when it has none
  int value_line = 0;
};

class FastEvents {
 public:
  FastEvents(std::string_view text, TxnWorkload workload) : text_(text) { out_.workload = workload; }

  // Every operation map; false if the text is not of the shape handled.
  bool Scan() {
    Scanner sc(text_);
    const char first = sc.Peek();
    const bool wrapped = first == '[' || first == '(';
    if (wrapped) sc.Eat(first);
    while (true) {
      if (wrapped && sc.Eat(first == '[' ? ']' : ')')) return sc.done();
      if (sc.done()) return !wrapped;
      if (!ScanOp(sc)) return false;
    }
  }

  size_t size() const { return events_.size(); }
  TxnHistory& out() { return out_; }
  OpType type(size_t i) const { return events_[i].type; }
  int32_t process(size_t i) const { return events_[i].process; }
  int64_t index(size_t i) const { return events_[i].index; }
  int32_t line(size_t i) const { return events_[i].line; }
  bool has_value(size_t i) const { return events_[i].value_pos != 0; }

  // Failure here means "not handled": the status is never shown.
  absl::Status AddMops(size_t i, Txn& t) {
    t.first_mop = static_cast<int32_t>(out_.mops.size());
    if (events_[i].value_pos == 0) return absl::OkStatus();
    Scanner sc(text_);
    sc.Seek(events_[i].value_pos, events_[i].value_line);
    const char open = sc.Peek();
    if (!sc.Eat('[') && !sc.Eat('(')) return absl::UnimplementedError("not a transaction");
    while (!sc.Eat(open == '[' ? ']' : ')')) {
      if (!Mop1(sc)) return absl::UnimplementedError("mop");
    }
    t.num_mops = static_cast<int32_t>(out_.mops.size()) - t.first_mop;
    return absl::OkStatus();
  }

 private:
  bool ScanOp(Scanner& sc) {
    Event ev;
    ev.line = sc.line();
    if (!sc.Eat('{')) return false;
    bool has_process = false, has_type = false, has_f = false, nemesis = false;
    bool has_index = false, has_value = false;
    while (!sc.Eat('}')) {
      std::string_view key, v;
      if (sc.Token(key) != Tok::kKeyword) return false;
      // A repeated key: the general reader takes the first; leave it to it.
      bool* seen = key == ":type" ? &has_type : key == ":process" ? &has_process : key == ":f" ? &has_f
                   : key == ":index" ? &has_index : key == ":value" ? &has_value : nullptr;
      if (seen != nullptr && *seen) return false;
      if (seen != nullptr) *seen = true;
      if (key == ":type") {
        if (sc.Token(v) != Tok::kKeyword) return false;
        if (v == ":invoke") {
          ev.type = OpType::kInvoke;
        } else if (v == ":ok") {
          ev.type = OpType::kOk;
        } else if (v == ":fail") {
          ev.type = OpType::kFail;
        } else if (v == ":info") {
          ev.type = OpType::kInfo;
        } else {
          return false;
        }
      } else if (key == ":process") {
        const Tok t = sc.Token(v);
        if (t == Tok::kKeyword) {
          nemesis = true;
        } else if (t != Tok::kInt || !absl::SimpleAtoi(AV(v), &ev.process)) {
          return false;
        }
      } else if (key == ":index") {
        if (sc.Token(v) != Tok::kInt || !absl::SimpleAtoi(AV(v), &ev.index)) return false;
      } else if (key == ":f") {
        const Tok t = sc.Token(v);
        if (t != Tok::kKeyword && t != Tok::kNil && t != Tok::kString) return false;
      } else if (key == ":value") {
        const int line = sc.line();
        const char c = sc.Peek();
        const size_t at = sc.pos();
        if (c != '[' && c != '(' && sc.Token(v) == Tok::kNil) continue;
        // A transaction, or (for a nemesis) anything: AddMops decides.
        sc.Seek(at, line);
        ev.value_pos = at;
        ev.value_line = line;
        if (!sc.SkipValue()) return false;
      } else if (!sc.SkipValue()) {
        return false;
      }
    }
    if (!has_process || (!nemesis && (!has_type || !has_f))) return false;
    if (!nemesis) events_.push_back(ev);
    return true;
  }

  int32_t Key(std::string_view name) {
    auto [it, added] = keys_.try_emplace(name, static_cast<int32_t>(out_.key_names.size()));
    if (added) {
      out_.key_names.emplace_back(name);
      last_read_.emplace_back();
    }
    return it->second;
  }

  int32_t Version(int32_t key, std::string_view value) {
    auto [it, added] = versions_.try_emplace(std::make_pair(key, value), out_.versions());
    if (added) {
      out_.value_names.emplace_back(value);
      out_.version_key.push_back(key);
    }
    return it->second;
  }

  bool Mop1(Scanner& sc) {
    if (!sc.Eat('[')) return false;
    std::string_view f, key, v;
    if (sc.Token(f) != Tok::kKeyword) return false;
    const bool list_append = out_.workload == TxnWorkload::kListAppend;
    ::dsim::Mop mop;
    if (f == ":r") {
      mop.f = Mop::F::kRead;
    } else if (f == ":append" && list_append) {
      mop.f = Mop::F::kAppend;
    } else if (f == ":w" && !list_append) {
      mop.f = Mop::F::kWrite;
    } else {
      return false;
    }
    const Tok kt = sc.Token(key);
    if (kt != Tok::kInt && kt != Tok::kKeyword && kt != Tok::kString) return false;
    mop.key = Key(key);
    if (sc.Eat(']')) {  // [:r :x]: a read of nil
      if (mop.f != Mop::F::kRead) return false;
      out_.mops.push_back(mop);
      return true;
    }
    if (mop.f == Mop::F::kRead && list_append && sc.Peek() == '[') {
      if (!ListRead(sc, mop)) return false;
    } else {
      const Tok vt = sc.Token(v);
      if (vt == Tok::kNil) {
        if (mop.f != Mop::F::kRead) return false;  // writes of nil: the general reader says why
      } else if (vt == Tok::kOther || (mop.f == Mop::F::kRead && list_append)) {
        return false;
      } else {
        mop.value = Version(mop.key, v);
      }
    }
    if (!sc.Eat(']')) return false;
    out_.mops.push_back(mop);
    return true;
  }

  // A list read: reuse the versions of the key's previous read when this
  // one extends it, element for element, and intern only the rest.
  bool ListRead(Scanner& sc, ::dsim::Mop& mop) {
    sc.Eat('[');
    const size_t start = sc.pos();
    tokens_.clear();
    size_t end = start;
    while (!sc.Eat(']')) {
      std::string_view e;
      const Tok t = sc.Token(e);
      if (t != Tok::kInt && t != Tok::kKeyword && t != Tok::kString) return false;
      tokens_.push_back(e);
      end = sc.pos();
    }
    const std::string_view body = text_.substr(start, end - start);
    mop.list_begin = static_cast<int32_t>(out_.elements.size());
    LastRead& last = last_read_[mop.key];
    size_t reused = 0;
    if (last.size > 0 && body.size() >= last.body.size() && body.substr(0, last.body.size()) == last.body &&
        (body.size() == last.body.size() || IsDelimiter(body[last.body.size()]))) {
      const size_t at = out_.elements.size();
      out_.elements.resize(at + last.size);
      std::copy(out_.elements.begin() + last.begin, out_.elements.begin() + last.begin + last.size,
                out_.elements.begin() + static_cast<int64_t>(at));
      reused = static_cast<size_t>(last.size);
    }
    for (size_t i = reused; i < tokens_.size(); ++i) out_.elements.push_back(Version(mop.key, tokens_[i]));
    mop.list_size = static_cast<int32_t>(out_.elements.size()) - mop.list_begin;
    last = {body, mop.list_begin, mop.list_size};
    return true;
  }

  struct LastRead {
    std::string_view body;
    int32_t begin = 0, size = 0;
  };

  std::string_view text_;
  std::vector<Event> events_;
  TxnHistory out_;
  absl::flat_hash_map<std::string_view, int32_t> keys_;
  absl::flat_hash_map<std::pair<int32_t, std::string_view>, int32_t> versions_;
  std::vector<LastRead> last_read_;  // per key
  std::vector<std::string_view> tokens_;
};

}  // namespace

std::optional<TxnHistory> ParseTxnEdnFast(std::string_view text, TxnWorkload workload) {
  // Only what the general reader would read as EDN.
  if (DetectHistoryFormat(text) != HistoryFormat::kEdn) return std::nullopt;
  FastEvents events(text, workload);
  if (!events.Scan()) return std::nullopt;
  absl::StatusOr<TxnHistory> h = AssembleTxns(events, events.size());
  if (!h.ok()) return std::nullopt;
  return std::move(*h);
}

absl::StatusOr<TxnHistory> LoadTxnHistoryFile(const std::string& path, TxnWorkload workload) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrFormat("%s: cannot open the file", path));
  // One copy of the file: a history can be hundreds of megabytes.
  std::string text(static_cast<size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0);
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    return absl::NotFoundError(absl::StrFormat("%s: cannot read the file", path));
  }
  if (std::optional<TxnHistory> fast = ParseTxnEdnFast(text, workload)) return std::move(*fast);
  absl::StatusOr<ParsedHistory> parsed = ParseHistory(text, path);
  if (!parsed.ok()) return parsed.status();
  return ToTxnHistory(parsed->events, workload, path);
}

}  // namespace dsim
