// dsim check --model=MODEL FILE [--json] [--timeout=DURATION] [--memory=SIZE] [--init=V] [--nil-read=unknown]
#include <chrono>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "sim/assert.h"
#include "sim/check/history_io.h"
#include "sim/check/linearizability.h"
#include "sim/check/model.h"
#include "sim/time.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"

namespace dsim {
namespace {

Value ParseInit(const std::string& text) {
  int64_t i;
  if (absl::SimpleAtoi(text, &i)) return Value::Int(i);
  if (text == "nil") return Value::Nil();
  return Value::Str(text);
}

}  // namespace

int CheckCommand(const std::vector<std::string>& positional, CliIo io) {
  if (positional.size() != 1) {
    io.err << "dsim check: expected one history file (see dsim check --help)\n";
    return kExitBadInput;
  }
  if (IsTransactionalModel(absl::GetFlag(FLAGS_model))) return CheckTransactionsCommand(positional[0], io);
  ModelOptions options;
  if (!absl::GetFlag(FLAGS_init).empty()) options.init = ParseInit(absl::GetFlag(FLAGS_init));
  const std::string nil_read = absl::GetFlag(FLAGS_nil_read);
  if (nil_read != "absent" && nil_read != "unknown") {
    io.err << "dsim check: --nil-read must be \"absent\" or \"unknown\"\n";
    return kExitBadInput;
  }
  options.nil_read_unknown = nil_read == "unknown";
  const std::string failed_cas = absl::GetFlag(FLAGS_failed_cas);
  if (!failed_cas.empty() && failed_cas != "observed" && failed_cas != "dropped") {
    io.err << "dsim check: --failed-cas must be \"observed\" or \"dropped\"\n";
    return kExitBadInput;
  }
  if (absl::StatusOr<std::unique_ptr<Model>> known = MakeModel(absl::GetFlag(FLAGS_model), options); !known.ok()) {
    io.err << "dsim check: --model: " << known.status().message() << "\n";
    return kExitBadInput;
  }
  CheckBudget budget;
  if (absl::StatusOr<uint64_t> bytes = ParseByteSize(absl::GetFlag(FLAGS_memory)); bytes.ok()) {
    budget.max_memory_bytes = *bytes;
  } else {
    io.err << "dsim check: " << bytes.status().message() << "\n";
    return kExitBadInput;
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  if (const std::string t = absl::GetFlag(FLAGS_timeout); !t.empty()) {
    absl::StatusOr<int64_t> ns = ParseDuration(t);
    if (!ns.ok() || *ns <= 0) {
      io.err << "dsim check: --timeout=" << t << ": expected a positive duration such as \"10s\"\n";
      return kExitBadInput;
    }
    const Clock::time_point deadline = start + std::chrono::nanoseconds(*ns);
    budget.expired = [deadline] { return Clock::now() >= deadline; };
  }
  absl::StatusOr<ParsedHistory> history = LoadHistoryFile(positional[0]);
  if (!history.ok()) {
    io.err << history.status().message() << "\n";
    return kExitBadInput;
  }
  // Each format's own convention unless the flag says otherwise.
  options.failed_cas_observed =
      failed_cas.empty() ? history->format == HistoryFormat::kJepsenLog : failed_cas == "observed";
  absl::StatusOr<std::unique_ptr<Model>> model = MakeModel(absl::GetFlag(FLAGS_model), options);
  DSIM_ASSERT(model.ok());
  absl::StatusOr<LinearizabilityResult> r =
      CheckLinearizability(history->events, **model, budget, positional[0]);
  if (!r.ok()) {
    io.err << r.status().message() << "\n";
    return kExitBadInput;
  }
  const double elapsed_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (absl::GetFlag(FLAGS_json)) {
    nlohmann::ordered_json j;
    j["file"] = positional[0];
    j["format"] = HistoryFormatName(history->format);
    j["model"] = (*model)->name();
    j["verdict"] = VerdictName(r->verdict);
    j["ops"] = r->ops;
    j["partitions"] = r->partitions;
    j["set_aside"] = r->set_aside;
    j["elapsed_ms"] = elapsed_ms;
    j["steps"] = r->steps;
    j["configurations"] = r->configurations;
    j["states"] = r->states;
    j["witness"] = r->witness ? nlohmann::ordered_json::parse(r->witness->ToJson().dump())
                              : nlohmann::ordered_json(nullptr);
    if (r->verdict == Verdict::kUnknown) j["reason"] = r->unknown_reason;
    io.out << j.dump() << "\n";
  } else {
    io.out << absl::StrFormat("%s: %s (%s model, %d operations in %d %s, %.1f ms)\n",
                              positional[0], VerdictName(r->verdict), (*model)->name(), r->ops,
                              r->partitions, r->partitions == 1 ? "partition" : "partitions",
                              elapsed_ms);
    if (r->witness) io.out << r->witness->ToText();
    if (r->verdict == Verdict::kUnknown) io.out << "  " << r->unknown_reason << "\n";
  }
  switch (r->verdict) {
    case Verdict::kLinearizable:
      return kExitOk;
    case Verdict::kNotLinearizable:
      return kExitFailed;
    case Verdict::kUnknown:
      return kExitUnknown;
  }
  return kExitUnknown;
}

}  // namespace dsim
