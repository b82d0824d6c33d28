// dsim check --model=list-append|rw-register FILE: the isolation checker.
#include <chrono>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "sim/check/history_io.h"
#include "sim/check/isolation.h"
#include "tools/cli/cli.h"
#include "tools/cli/flags.h"

namespace dsim {
namespace {

std::vector<std::string> CommaList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string name(absl::StripAsciiWhitespace(part));
    if (!name.empty() && name[0] == ':') name = name.substr(1);  // Elle writes keywords
    out.push_back(name);
  }
  return out;
}

}  // namespace

bool IsTransactionalModel(const std::string& model) { return model == "list-append" || model == "rw-register"; }

int CheckTransactionsCommand(const std::string& file, CliIo io) {
  const std::string model = absl::GetFlag(FLAGS_model);
  IsolationOptions options;
  options.consistency_models = CommaList(absl::GetFlag(FLAGS_consistency_models));
  options.anomalies = CommaList(absl::GetFlag(FLAGS_anomalies));
  options.search_budget = absl::GetFlag(FLAGS_cycle_budget);
  options.register_order = {.wfr_keys = absl::GetFlag(FLAGS_wfr_keys),
                            .sequential_keys = absl::GetFlag(FLAGS_sequential_keys),
                            .linearizable_keys = absl::GetFlag(FLAGS_linearizable_keys)};
  if (absl::Status s = ValidateIsolationOptions(options); !s.ok()) {
    io.err << "dsim check: " << s.message() << "\n";
    return kExitBadInput;
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  absl::StatusOr<TxnHistory> txns =
      LoadTxnHistoryFile(file, model == "list-append" ? TxnWorkload::kListAppend : TxnWorkload::kRwRegister);
  if (!txns.ok()) {
    io.err << txns.status().message() << "\n";
    return kExitBadInput;
  }
  if (absl::Status s = CheckUniqueWrites(*txns, file); !s.ok()) {
    io.err << s.message() << "\n";
    return kExitBadInput;
  }
  const IsolationResult r = CheckIsolation(*txns, options);
  const double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  std::vector<std::string> checked = options.consistency_models;
  checked.insert(checked.end(), options.anomalies.begin(), options.anomalies.end());
  const std::string models = checked.empty() ? "nothing" : absl::StrJoin(checked, ",");
  if (absl::GetFlag(FLAGS_json)) {
    nlohmann::ordered_json j;
    j["file"] = file;
    j["model"] = model;
    j["consistency_models"] = options.consistency_models;
    j["anomalies_checked"] = options.anomalies;
    j["elapsed_ms"] = elapsed_ms;
    j.update(r.ToJson());
    io.out << j.dump() << "\n";
  } else {
    io.out << absl::StrFormat("%s: %s (%s, %d transactions, %d dependencies, %.1f ms; checked: %s)\n", file,
                              ValidityName(r.valid), model, r.transactions, r.edges, elapsed_ms, models);
    io.out << r.ToText();
  }
  switch (r.valid) {
    case Validity::kValid:
      return kExitOk;
    case Validity::kInvalid:
      return kExitFailed;
    case Validity::kUnknown:
      return kExitUnknown;
  }
  return kExitUnknown;
}

}  // namespace dsim
